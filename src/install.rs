//! Waybill's own tables (shipments, their history, actors) and the function
//! that records a change: installing them (migrations embedded in the
//! binary) and checking that a database has what the app needs. ("Schema"
//! in Waybill means a PostgreSQL schema, a namespace, as in a profile.)

use crate::db::Db;
use crate::error::{Error, Result};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Applies the migrations not yet applied; a second run changes nothing.
/// Never through a transaction pooler: the migrator holds a session-level
/// advisory lock. DDL waits for locks at most the profile's lock timeout.
pub async fn migrate(db: &Db) -> Result<()> {
    db.require_session("installing Waybill's tables")?;
    // Never over a team's own tables of the same names: the migration would
    // fail half-way and leave its bookkeeping table behind.
    let status = status(db).await?;
    if !status.foreign_tables.is_empty() {
        return Err(Error::ForeignTables {
            database: status.database,
            tables: status.foreign_tables,
        });
    }
    let mut conn = db.acquire().await?;
    crate::db::query(&format!("SET lock_timeout = {}", db.rules().lock_timeout_ms))
        .execute(&mut *conn)
        .await?;
    let result = MIGRATOR.run_direct(&mut *conn).await;
    // The connection goes back to the pool: leave no session setting behind.
    crate::db::query("RESET lock_timeout").execute(&mut *conn).await.ok();
    let result = result.map_err(|e| match e {
        sqlx::migrate::MigrateError::Execute(e) => db.classify(e.into()),
        e => e.into(),
    });
    crate::db::write_once(async { result }).await
}

/// The tables the app reads, in the order a user would want them named.
pub const REQUIRED_TABLES: [&str; 2] = ["shipment_requests", "shipment_history"];

/// What a database holds of Waybill's tables.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TablesStatus {
    pub database: String,
    /// The first required table that is absent, if any.
    pub missing_table: Option<String>,
    /// Is `create_history_entry` there (the concurrency test calls it)?
    pub has_function: bool,
    /// Tables of Waybill's names that Waybill did not make (a team's own
    /// `shipment_history`, say): installing is refused over them.
    pub foreign_tables: Vec<String>,
}

/// Every table Waybill's migrations create, by name.
const OWN_TABLES: [&str; 3] = ["shipment_requests", "shipment_history", "actors"];

/// Looks for the tables and the function, in one read-only transaction.
pub async fn status(db: &Db) -> Result<TablesStatus> {
    let mut tx = crate::db::begin_read_only(db).await?;
    let required: Vec<String> = REQUIRED_TABLES.iter().map(|t| t.to_string()).collect();
    let (database, missing_table) = crate::db::first_missing(&mut tx, &required).await?;
    let (function,): (bool,) = crate::db::query_as(
        "SELECT to_regprocedure('create_history_entry(uuid, text, uuid, jsonb, text)') IS NOT NULL",
    )
    .fetch_one(&mut *tx)
    .await?;
    // Made by Waybill: its migrations' own record of them is there.
    let (foreign_tables,): (Vec<String>,) = crate::db::query_as(
        "SELECT COALESCE(array_agg(t ORDER BY o), '{}') FROM unnest($1::text[]) WITH ORDINALITY AS n(t, o)
          WHERE to_regclass(quote_ident(t)) IS NOT NULL AND to_regclass('_sqlx_migrations') IS NULL",
    )
    .bind(OWN_TABLES.map(String::from).to_vec())
    .fetch_one(&mut *tx)
    .await?;
    Ok(TablesStatus {
        database,
        missing_table,
        has_function: function,
        foreign_tables,
    })
}

/// Fails with `TableMissing` naming the first required table that is absent.
pub async fn check(db: &Db) -> Result<()> {
    status(db).await?.require(false)
}

/// Also requires the function the concurrency test calls.
pub async fn check_with_function(db: &Db) -> Result<()> {
    status(db).await?.require(true)
}

impl TablesStatus {
    /// The tables (and, with `function`, create_history_entry) or the error naming what is missing.
    fn require(self, function: bool) -> Result<()> {
        if let Some(table) = self.missing_table {
            return Err(Error::TableMissing {
                database: self.database,
                table,
            });
        }
        if function && !self.has_function {
            return Err(Error::FunctionMissing {
                database: self.database,
            });
        }
        Ok(())
    }
}

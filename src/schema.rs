//! Waybill's schema: installing it (migrations embedded in the binary) and
//! checking that a database has what the app needs.

use crate::db::Db;
use crate::error::{Error, Result};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Applies the migrations not yet applied; a second run changes nothing.
/// Never through a transaction pooler: the migrator holds a session-level
/// advisory lock. DDL waits for locks at most the profile's lock timeout.
pub async fn migrate(db: &Db) -> Result<()> {
    db.require_session("installing the schema")?;
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
const REQUIRED_TABLES: [&str; 2] = ["shipment_requests", "shipment_history"];

/// What a database holds of Waybill's schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SchemaStatus {
    pub database: String,
    /// The first required table that is absent, if any.
    pub missing_table: Option<String>,
    /// Is `create_history_entry` there (the concurrency test calls it)?
    pub has_function: bool,
}

/// Looks for the tables and the function, in one read-only round trip.
pub async fn status(db: &Db) -> Result<SchemaStatus> {
    let mut tx = crate::db::begin_read_only(db).await?;
    let (database, requests, history, function): (String, bool, bool, bool) = crate::db::query_as(
        "SELECT current_database(), to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL,
                to_regprocedure('create_history_entry(uuid, text, uuid, jsonb, text)') IS NOT NULL",
    )
    .bind(REQUIRED_TABLES[0])
    .bind(REQUIRED_TABLES[1])
    .fetch_one(&mut *tx)
    .await?;
    let missing_table = [(REQUIRED_TABLES[0], requests), (REQUIRED_TABLES[1], history)]
        .into_iter()
        .find(|(_, present)| !present)
        .map(|(table, _)| table.to_string());
    Ok(SchemaStatus {
        database,
        missing_table,
        has_function: function,
    })
}

/// Fails with `SchemaMissing` naming the first required table that is absent.
pub async fn check(db: &Db) -> Result<()> {
    status(db).await?.require(false)
}

/// Also requires the function the concurrency test calls.
pub async fn check_with_function(db: &Db) -> Result<()> {
    status(db).await?.require(true)
}

impl SchemaStatus {
    /// The tables (and, with `function`, create_history_entry) or the error naming what is missing.
    fn require(self, function: bool) -> Result<()> {
        if let Some(table) = self.missing_table {
            return Err(Error::SchemaMissing {
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

/// Is the optional actors table there (for names instead of ids)?
pub async fn has_actors(conn: &mut sqlx::PgConnection) -> Result<bool> {
    let (present,): (bool,) = crate::db::query_as("SELECT to_regclass('actors') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    Ok(present)
}

//! Waybill's schema: installing it (migrations embedded in the binary) and
//! checking that a database has what the app needs.

use sqlx::PgPool;

use crate::error::{Error, Result};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Applies the migrations not yet applied; a second run changes nothing.
pub async fn migrate(pool: &PgPool) -> Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// The tables the app reads, in the order a user would want them named.
const REQUIRED_TABLES: [&str; 2] = ["shipment_requests", "shipment_history"];

/// Fails with `SchemaMissing` naming the first required table that is absent.
pub async fn check(pool: &PgPool) -> Result<()> {
    let (database,): (String,) = sqlx::query_as("SELECT current_database()").fetch_one(pool).await?;
    for table in REQUIRED_TABLES {
        let (present,): (bool,) = sqlx::query_as("SELECT to_regclass($1) IS NOT NULL")
            .bind(table)
            .fetch_one(pool)
            .await?;
        if !present {
            return Err(Error::SchemaMissing {
                database,
                table: table.to_string(),
            });
        }
    }
    Ok(())
}

/// Browsing queries do not check the schema first (that would cost round trips
/// on every search keystroke): when one fails because a table is missing,
/// this names the table and says what to do; other errors pass through.
pub async fn explain(pool: &PgPool, error: Error) -> Error {
    let missing_table =
        matches!(&error, Error::Database(sqlx::Error::Database(db)) if db.code().as_deref() == Some("42P01"));
    if missing_table {
        if let Err(named) = check(pool).await {
            return named;
        }
    }
    error
}

/// A browsing call's result, with a failure caused by a missing table turned
/// into one that names the table (see `explain`).
pub async fn explained<T>(pool: &PgPool, result: Result<T>) -> Result<T> {
    match result {
        Ok(value) => Ok(value),
        Err(e) => Err(explain(pool, e).await),
    }
}

/// Is the optional actors table there (for names instead of ids)?
pub async fn has_actors(conn: &mut sqlx::PgConnection) -> Result<bool> {
    let (present,): (bool,) = sqlx::query_as("SELECT to_regclass('actors') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    Ok(present)
}

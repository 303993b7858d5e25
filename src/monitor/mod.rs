//! Production monitoring, the guide's last section, read from the database
//! itself (read-only; Waybill never changes server settings):
//!
//! - how long version assignment takes in production: `create_history_entry`'s
//!   calls and times from `pg_stat_user_functions` (with `track_functions`)
//!   and `pg_stat_statements` (when installed), against the guide's 100 ms;
//! - the slowest statements on the history tables (`pg_stat_statements`);
//! - live lock waits on shipments: which shipment, which session holds it and
//!   for how long, and who waits behind it — what support staff need when
//!   "saving is stuck".
//!
//! Where a source is missing, the report says exactly what a DBA would enable.

mod locks;
mod stats;

use serde::Serialize;
use ts_rs::TS;

use crate::db::Db;
use crate::error::Result;

pub use locks::{LockWait, Session, ShipmentRef};
pub use stats::{AssignmentStats, SlowStatement};

/// The guide's line: a version assignment over this is slow.
pub const THRESHOLD_MS: f64 = 100.0;
/// Statements listed at most.
pub const SLOWEST: i64 = 10;

/// Whether a source of figures can be read, and if not what to enable.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Source {
    pub available: bool,
    /// Why not, and what a DBA would change (empty when available).
    pub enable: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MonitorReport {
    /// The database read (`current_database()`).
    pub database: String,
    pub threshold_ms: f64,
    /// `pg_stat_user_functions` (needs `track_functions` = `pl` or `all`).
    pub function_stats: Source,
    /// `pg_stat_statements` (needs the library preloaded and the extension created).
    pub statement_stats: Source,
    /// Version assignment in production, from each source that has it.
    pub assignment: Vec<AssignmentStats>,
    /// The slowest statements touching shipment_history or shipment_requests, by mean time.
    pub slowest: Vec<SlowStatement>,
    /// Sessions waiting for a lock in this database, grouped by what they wait for.
    pub lock_waits: Vec<LockWait>,
    /// Whether this login sees other users' sessions and statements in full
    /// (superuser or `pg_read_all_stats`); if not, their text reads `<insufficient privilege>`.
    pub sees_all: bool,
}

/// Reads the monitoring figures, in one read-only transaction.
pub async fn monitor(db: &Db) -> Result<MonitorReport> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        crate::domain::layout::require_waybill(db, &mut conn, "Production monitoring").await?;
        let (database, sees_all): (String, bool) = crate::db::query_as(
            "SELECT current_database()::text,
                    (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                    OR pg_has_role(current_user, 'pg_read_all_stats', 'member')",
        )
        .fetch_one(&mut *conn)
        .await?;
        let (function_stats, from_functions) = stats::functions(&mut conn).await?;
        let (statement_stats, from_statements, slowest) = stats::statements(&mut conn).await?;
        let lock_waits = locks::waits(&mut conn).await?;
        Ok(MonitorReport {
            database,
            threshold_ms: THRESHOLD_MS,
            function_stats,
            statement_stats,
            assignment: from_functions.into_iter().chain(from_statements).collect(),
            slowest,
            lock_waits,
            sees_all,
        })
    })
    .await
}

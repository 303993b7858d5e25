//! Apply: create the missing indexes with `CREATE INDEX CONCURRENTLY` (writers
//! keep writing), report the build's progress from `pg_stat_progress_create_index`,
//! and rebuild invalid ones when asked. Two applies at once take turns.

use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::Connection;
use ts_rs::TS;

use super::expected::Wanted;
use super::verify::{verify, IndexHealth, IndexState};
use super::{permission_error, quote_ident_if_needed};
use crate::db::Db;
use crate::domain::HistoryTable;
use crate::error::{Error, Result};

/// Advisory lock key held while applying ("wbindex" in ASCII).
const APPLY_LOCK: i64 = 0x0077_6269_6e64_6578;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
#[ts(export)]
pub enum ApplyProgress {
    /// Building one index: the statement being run.
    Started { index: String, sql: String },
    /// From `pg_stat_progress_create_index`: the phase, and blocks or tuples done of total.
    Phase {
        index: String,
        phase: String,
        #[ts(type = "number")]
        done: i64,
        #[ts(type = "number")]
        total: i64,
    },
    Finished {
        index: String,
        #[ts(type = "number")]
        ms: u64,
    },
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ApplyReport {
    pub created: Vec<String>,
    pub rebuilt: Vec<String>,
    /// Invalid indexes left alone (rebuilding them was not asked for).
    pub skipped_invalid: Vec<String>,
    /// The state afterwards.
    pub health: IndexHealth,
}

/// What `apply` would run, for someone who must hand the SQL to the table's owner.
pub fn plan_sql(health: &IndexHealth, rebuild_invalid: bool) -> Vec<String> {
    let mut sql = Vec::new();
    for status in &health.expected {
        let e = &status.expected.wanted;
        match status.state {
            IndexState::Missing => sql.extend(create_statements(e, &health.table, &name_for(e, health))),
            IndexState::Invalid if rebuild_invalid => {
                if let Some(found) = &status.found {
                    sql.push(format!(
                        "REINDEX INDEX CONCURRENTLY {}",
                        qualified_index(&health.table, &found.name)
                    ));
                }
            }
            _ => {}
        }
    }
    sql
}

fn qualified_index(table: &HistoryTable, name: &str) -> String {
    format!(
        "{}.{}",
        quote_ident_if_needed(&table.schema),
        quote_ident_if_needed(name)
    )
}

/// The expected name, unless another index already has it (then a suffixed one).
fn name_for(e: &Wanted, health: &IndexHealth) -> String {
    let taken = |n: &str| {
        health.others.iter().any(|o| o.name == n)
            || health
                .expected
                .iter()
                .chain(&health.optional)
                .filter_map(|s| s.found.as_ref())
                .any(|f| f.name == n)
    };
    let mut name = e.name.clone();
    let mut n = 2;
    while taken(&name) {
        name = format!("{}_{n}", e.name);
        n += 1;
    }
    name
}

fn create_statements(e: &Wanted, table: &HistoryTable, name: &str) -> Vec<String> {
    let mut sql = vec![e.create_sql(table, name)];
    if e.unique {
        // A unique index becomes the constraint without a second build.
        sql.push(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
            table.qualified(),
            quote_ident_if_needed(name),
            quote_ident_if_needed(name)
        ));
    }
    sql
}

/// Creates the missing expected indexes (and rebuilds invalid ones when asked).
/// Callers confirm first on a database that is not the sandbox.
pub async fn apply(
    db: &Db,
    table: &HistoryTable,
    rebuild_invalid: bool,
    progress: &(dyn Fn(ApplyProgress) + Sync),
) -> Result<ApplyReport> {
    // CREATE INDEX CONCURRENTLY cannot run in a transaction: a plain session
    // connection, which a transaction pooler cannot give (nor the advisory lock).
    run(db, table, Work::Expected { rebuild_invalid }, progress).await
}

/// Creates the optional indexes (`OPTIONAL`) that are missing. Callers
/// confirm first on a database that is not the sandbox.
pub async fn apply_optional(
    db: &Db,
    table: &HistoryTable,
    progress: &(dyn Fn(ApplyProgress) + Sync),
) -> Result<ApplyReport> {
    run(db, table, Work::Optional, progress).await
}

/// Which indexes an apply builds.
#[derive(Clone, Copy)]
enum Work {
    /// The missing expected ones (and the invalid ones, when asked).
    Expected { rebuild_invalid: bool },
    /// The missing optional ones.
    Optional,
}

async fn run(
    db: &Db,
    table: &HistoryTable,
    work: Work,
    progress: &(dyn Fn(ApplyProgress) + Sync),
) -> Result<ApplyReport> {
    db.require_session("building indexes")?;
    let mut conn = db.acquire().await?.detach();
    let result = crate::db::write_once(apply_on(&mut conn, db, table, work, progress)).await;
    conn.close().await.ok();
    result
}

async fn apply_on(
    conn: &mut sqlx::PgConnection,
    db: &Db,
    table: &HistoryTable,
    work: Work,
    progress: &(dyn Fn(ApplyProgress) + Sync),
) -> Result<ApplyReport> {
    // A second apply waits here, then finds the work done. It polls with a
    // try-lock between short statements instead of blocking inside one: a
    // blocked statement is an open transaction, which the first apply's
    // CREATE INDEX CONCURRENTLY would wait for in turn (a deadlock).
    // The wait is bounded like any lock wait of a write: the profile's lock
    // timeout (ten minutes when it has none).
    let patience = match db.rules().lock_timeout_ms {
        0 => Duration::from_secs(600),
        ms => Duration::from_millis(ms.into()),
    };
    let deadline = Instant::now() + patience;
    loop {
        let (got,): (bool,) = crate::db::query_as("SELECT pg_try_advisory_lock($1)")
            .bind(APPLY_LOCK)
            .fetch_one(&mut *conn)
            .await?;
        if got {
            break;
        }
        if Instant::now() >= deadline {
            return Err(Error::LockTimeout);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // On another layout than Waybill's, the history table its mapping names.
    let before = verify(db, table).await?;
    let table = &before.table.clone();
    let mut report = ApplyReport {
        created: Vec::new(),
        rebuilt: Vec::new(),
        skipped_invalid: Vec::new(),
        health: before.clone(),
    };
    let (statuses, rebuild_invalid) = match work {
        Work::Expected { rebuild_invalid } => (&before.expected, rebuild_invalid),
        Work::Optional => (&before.optional, false),
    };
    for status in statuses {
        let e = &status.expected.wanted;
        match status.state {
            IndexState::Present => {}
            IndexState::Missing => {
                let name = name_for(e, &before);
                for sql in create_statements(e, table, &name) {
                    run_with_progress(conn, db, table, &name, &sql, progress).await?;
                }
                report.created.push(name);
            }
            IndexState::Invalid => {
                let name = status.found.as_ref().map(|f| f.name.clone()).unwrap_or_default();
                if rebuild_invalid {
                    let sql = format!("REINDEX INDEX CONCURRENTLY {}", qualified_index(table, &name));
                    run_with_progress(conn, db, table, &name, &sql, progress).await?;
                    report.rebuilt.push(name);
                } else {
                    report.skipped_invalid.push(name);
                }
            }
        }
    }
    crate::db::query("SELECT pg_advisory_unlock($1)")
        .bind(APPLY_LOCK)
        .execute(&mut *conn)
        .await?;
    report.health = verify(db, table).await?;
    Ok(report)
}

/// Runs one statement while another connection samples its build progress.
async fn run_with_progress(
    conn: &mut sqlx::PgConnection,
    db: &Db,
    table: &HistoryTable,
    index: &str,
    sql: &str,
    progress: &(dyn Fn(ApplyProgress) + Sync),
) -> Result<()> {
    progress(ApplyProgress::Started {
        index: index.into(),
        sql: sql.into(),
    });
    let started = Instant::now();
    let build = crate::db::query(sql).execute(&mut *conn);
    tokio::pin!(build);
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.tick().await;
    let result = loop {
        tokio::select! {
            r = &mut build => break r,
            _ = tick.tick() => {
                let sample: Option<(String, i64, i64, i64, i64)> = crate::db::query_as(
                    "SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total
                       FROM pg_stat_progress_create_index WHERE relid = to_regclass($1)",
                )
                .bind(table.qualified())
                .fetch_optional(db)
                .await
                .ok()
                .flatten();
                if let Some((phase, blocks_done, blocks_total, tuples_done, tuples_total)) = sample {
                    let (done, total) = if blocks_total > 0 { (blocks_done, blocks_total) } else { (tuples_done, tuples_total) };
                    progress(ApplyProgress::Phase { index: index.into(), phase, done, total });
                }
            }
        }
    };
    result.map_err(|e| permission_error(e, &format!("create index {index}"), table, true))?;
    progress(ApplyProgress::Finished {
        index: index.into(),
        ms: started.elapsed().as_millis() as u64,
    });
    Ok(())
}

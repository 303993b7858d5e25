//! Advise: which indexes are redundant, what they cost, and (checked inside a
//! transaction that is rolled back) which of the app's plans would change if
//! they were dropped.
//!
//! The rule: the app always filters an index's first column by equality
//! (`shipment_id = …`, `actor_id = …`), so only the order of the remaining
//! columns matters, and a B-tree reads backwards as easily as forwards. Hence
//! `(shipment_id, version_no DESC)` serves exactly what the unique constraint's
//! `(shipment_id, version_no)` does, and `(shipment_id, timestamp DESC)` is a
//! prefix of `(shipment_id, timestamp DESC, version_no DESC)`.

use serde::Serialize;
use sqlx::Connection;
use ts_rs::TS;

use super::verify::{actual_indexes, require_table, Actual};
use crate::domain::reads::AppQueries;
/// How long one statement of the plan check may run while it holds the table's lock.
pub const PLAN_CHECK_STATEMENT_MS: u32 = 10_000;

use super::{permission_error, quote_ident_if_needed};
use crate::db::Db;
use crate::domain::HistoryTable;
use crate::error::Result;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Redundancy {
    pub index: String,
    /// The index that serves the same lookups.
    pub covered_by: String,
    pub reason: String,
    #[ts(type = "number")]
    pub size_bytes: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Advice {
    pub database: String,
    pub table: HistoryTable,
    pub redundant: Vec<Redundancy>,
    #[ts(type = "number")]
    pub table_bytes: i64,
    /// All indexes on the table.
    #[ts(type = "number")]
    pub index_bytes: i64,
    /// What dropping the redundant ones would free.
    #[ts(type = "number")]
    pub savings_bytes: i64,
}

/// One app query's plan with all indexes, and with the redundant ones dropped.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PlanChange {
    pub query: String,
    pub before_indexes: Vec<String>,
    pub after_indexes: Vec<String>,
    pub before_ms: f64,
    pub after_ms: f64,
    /// Whether the plan without them falls back to a sequential scan of the history.
    pub after_seq_scan: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PlanCheck {
    pub shipment: String,
    pub dropped: Vec<String>,
    pub changes: Vec<PlanChange>,
}

/// Directions match, or are all reversed (a backward scan), over `range`.
fn same_order(a: &[bool], b: &[bool]) -> bool {
    a == b || a.iter().zip(b).all(|(x, y)| x != y)
}

/// Redundant indexes among `actual`, each with the index that covers it.
pub(crate) fn redundancies(actual: &[Actual]) -> Vec<Redundancy> {
    let usable: Vec<&Actual> = actual.iter().filter(|a| a.plain_btree && a.found.valid).collect();
    let mut out: Vec<Redundancy> = Vec::new();
    for a in &usable {
        // Unique indexes and constraint-backing ones enforce something: never "redundant".
        if a.found.unique || a.found.constraint.is_some() || a.columns.is_empty() {
            continue;
        }
        for b in &usable {
            if std::ptr::eq(*a, *b)
                || out
                    .iter()
                    .any(|r| r.index == b.found.name && r.covered_by == a.found.name)
            {
                continue;
            }
            let n = a.columns.len();
            let covers = b.columns.len() >= n
                && a.columns[..] == b.columns[..n]
                && same_order(&a.descending[1..], &b.descending[1..n]);
            if !covers {
                continue;
            }
            let reason = if b.columns.len() == n {
                "same columns; the first is always compared by equality, and a B-tree reads the rest in either direction"
                    .to_string()
            } else {
                format!(
                    "its columns are the first {n} of {}'s, in the same order (or reversed, read backwards)",
                    b.found.name
                )
            };
            out.push(Redundancy {
                index: a.found.name.clone(),
                covered_by: b.found.name.clone(),
                reason,
                size_bytes: a.found.size_bytes,
            });
            break;
        }
    }
    out
}

/// The redundant indexes and their real size, on `table` where the
/// connection reads Waybill's own layout, else on the history table its
/// mapping names (as `verify` does).
pub async fn advise(db: &Db, table: &HistoryTable) -> Result<Advice> {
    let ((database, table_bytes, _), actual, table) = db
        .read(|r| async move {
            let mut tx = r.conn().await;
            let layout = crate::domain::layout::layout(db, &mut tx).await?;
            let table = layout.table_or(table)?;
            let found = require_table(&mut tx, &table).await?;
            Ok((found, actual_indexes(&mut tx, &table).await?, table))
        })
        .await?;
    let redundant = redundancies(&actual);
    Ok(Advice {
        database,
        table,
        savings_bytes: redundant.iter().map(|r| r.size_bytes).sum(),
        index_bytes: actual.iter().map(|a| a.found.size_bytes).sum(),
        table_bytes,
        redundant,
    })
}

/// Drops the redundant indexes inside a transaction, explains the app's queries
/// with and without them, and rolls back: nothing is dropped for real. The DROP
/// holds an exclusive lock on the table until the rollback (a second or so), so
/// callers confirm first on a database that is not the sandbox.
pub async fn check_plans(db: &Db, table: &HistoryTable, shipment: Option<&str>) -> Result<PlanCheck> {
    let advice = advise(db, table).await?;
    let mut conn = db.acquire().await?;
    let mut tx = conn.begin().await?;
    crate::domain::layout::require_waybill(db, &mut tx, "Index advice").await?;
    let app = AppQueries::for_shipment(db, &mut tx, shipment).await?;
    let prefix = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT ";
    let mut before = Vec::new();
    for (name, q) in app.build(prefix) {
        before.push(super::explain::run_one(&mut tx, name, q).await?);
    }
    // Wait briefly for the lock rather than queue behind a long transaction (and
    // block everyone behind us); and once it is held (ACCESS EXCLUSIVE, from the
    // DROP INDEX), no statement may keep it long: every writer waits meanwhile.
    for setting in [
        format!("SET LOCAL lock_timeout = {}", db.rules().lock_timeout_ms.clamp(1, 3000)),
        format!("SET LOCAL statement_timeout = {PLAN_CHECK_STATEMENT_MS}"),
    ] {
        crate::db::query(&setting).execute(&mut *tx).await?;
    }
    let mut dropped = Vec::new();
    for r in &advice.redundant {
        let sql = format!(
            "DROP INDEX {}.{}",
            quote_ident_if_needed(&table.schema),
            quote_ident_if_needed(&r.index)
        );
        crate::db::query(&sql).execute(&mut *tx).await.map_err(|e| {
            permission_error(
                e,
                &format!("drop index {} (inside a rolled-back test)", r.index),
                table,
                false,
            )
        })?;
        dropped.push(r.index.clone());
    }
    let mut changes = Vec::new();
    for ((name, q), b) in app.build(prefix).into_iter().zip(before) {
        let after = super::explain::run_one(&mut tx, name.clone(), q).await?;
        changes.push(PlanChange {
            query: name,
            after_seq_scan: after.seq_scans.iter().any(|s| s == &table.name),
            before_indexes: b.indexes,
            after_indexes: after.indexes,
            before_ms: b.execution_ms,
            after_ms: after.execution_ms,
        });
    }
    tx.rollback().await?;
    Ok(PlanCheck {
        shipment: app.shipment.reference,
        dropped,
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::verify::FoundIndex;

    fn index(name: &str, cols: &[(&str, bool)], unique: bool) -> Actual {
        Actual {
            found: FoundIndex {
                name: name.into(),
                definition: String::new(),
                unique,
                valid: true,
                constraint: unique.then(|| name.to_string()),
                size_bytes: 100,
                scans: None,
                tuples_read: None,
                tuples_fetched: None,
            },
            columns: cols.iter().map(|c| Some(c.0.to_string())).collect(),
            descending: cols.iter().map(|c| c.1).collect(),
            plain_btree: true,
            btree_on_columns: true,
            predicate: None,
            included: Vec::new(),
        }
    }

    #[test]
    fn the_guides_two_redundant_indexes_are_found_and_nothing_else() {
        let all = vec![
            index("unique", &[("shipment_id", false), ("version_no", false)], true),
            index("version_desc", &[("shipment_id", false), ("version_no", true)], false),
            index("timestamp_desc", &[("shipment_id", false), ("timestamp", true)], false),
            index("actor", &[("actor_id", false), ("timestamp", true)], false),
            index(
                "event_type",
                &[("shipment_id", false), ("event_type", false), ("timestamp", true)],
                false,
            ),
            index(
                "composite",
                &[("shipment_id", false), ("timestamp", true), ("version_no", true)],
                false,
            ),
        ];
        let r = redundancies(&all);
        let pairs: Vec<(&str, &str)> = r.iter().map(|r| (r.index.as_str(), r.covered_by.as_str())).collect();
        assert_eq!(pairs, vec![("version_desc", "unique"), ("timestamp_desc", "composite")]);
    }

    #[test]
    fn mixed_directions_after_the_first_column_are_not_the_same_order() {
        let all = vec![
            index(
                "a",
                &[("shipment_id", false), ("timestamp", true), ("version_no", false)],
                false,
            ),
            index(
                "b",
                &[("shipment_id", false), ("timestamp", true), ("version_no", true)],
                false,
            ),
        ];
        assert!(redundancies(&all).is_empty());
    }

    #[test]
    fn of_two_identical_indexes_only_one_is_redundant() {
        let all = vec![
            index("x", &[("actor_id", false), ("timestamp", true)], false),
            index("y", &[("actor_id", true), ("timestamp", false)], false),
        ];
        let r = redundancies(&all);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].index.as_str(), r[0].covered_by.as_str()), ("x", "y"));
    }
}

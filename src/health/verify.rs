//! Verify: which expected indexes are present (matched by definition, not by
//! name), missing, or invalid (left by a failed concurrent build), with each
//! index's size and usage since statistics were last reset.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;

use super::expected::{wanted, ExpectedInfo, Wanted};
use crate::db::Db;
use crate::domain::HistoryTable;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FoundIndex {
    pub name: String,
    /// As PostgreSQL prints it (`CREATE INDEX … ON … USING btree (…)`).
    pub definition: String,
    pub unique: bool,
    /// False for an index a failed `CREATE INDEX CONCURRENTLY` left behind: never used, still maintained.
    pub valid: bool,
    /// The constraint it backs (a unique constraint's index cannot be dropped on its own).
    pub constraint: Option<String>,
    #[ts(type = "number")]
    pub size_bytes: i64,
    /// Index scans since statistics were reset (none when statistics are not readable).
    #[ts(type = "number | null")]
    pub scans: Option<i64>,
    #[ts(type = "number | null")]
    pub tuples_read: Option<i64>,
    #[ts(type = "number | null")]
    pub tuples_fetched: Option<i64>,
}

impl FoundIndex {
    pub fn never_used(&self) -> bool {
        self.scans == Some(0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IndexState {
    Present,
    Missing,
    Invalid,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExpectedStatus {
    pub expected: ExpectedInfo,
    pub state: IndexState,
    /// The index that matches the definition, under whatever name it has.
    pub found: Option<FoundIndex>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IndexHealth {
    pub database: String,
    pub table: HistoryTable,
    #[ts(type = "number")]
    pub table_bytes: i64,
    /// PostgreSQL's estimate (`reltuples`), not a count.
    #[ts(type = "number")]
    pub rows_estimate: i64,
    pub expected: Vec<ExpectedStatus>,
    /// The indexes Waybill offers beside them (`OPTIONAL`), and whether they are there.
    pub optional: Vec<ExpectedStatus>,
    /// The optional ones "Create" builds (`apply_optional`): the missing
    /// ones. An invalid one (a failed build) is not among them: it is
    /// dropped by hand first.
    pub optional_to_create: Vec<String>,
    /// Indexes on the table that match no expected definition.
    pub others: Vec<FoundIndex>,
    #[ts(type = "number")]
    pub index_bytes: i64,
    /// When statistics were last reset (usage counts since then); none: never reset.
    pub stats_since: Option<DateTime<Utc>>,
    pub all_present: bool,
    /// The above in one plain sentence, with what to ask the DBA for.
    pub verdict: super::summary::HealthVerdict,
}

impl IndexHealth {
    pub fn missing(&self) -> impl Iterator<Item = &ExpectedStatus> {
        self.expected.iter().filter(|e| e.state == IndexState::Missing)
    }
    /// What an apply creates of `statuses`: the ones that are missing.
    pub fn to_create(statuses: &[ExpectedStatus]) -> impl Iterator<Item = &ExpectedStatus> {
        statuses.iter().filter(|e| e.state == IndexState::Missing)
    }
    pub fn invalid(&self) -> impl Iterator<Item = &ExpectedStatus> {
        self.expected.iter().filter(|e| e.state == IndexState::Invalid)
    }
}

/// An index as the catalog describes it, with what matching needs.
#[derive(Debug, Clone)]
pub(crate) struct Actual {
    pub found: FoundIndex,
    /// Key columns in order; `None` for an expression.
    pub columns: Vec<Option<String>>,
    /// Columns stored beside the keys (`INCLUDE`).
    pub included: Vec<Option<String>>,
    pub descending: Vec<bool>,
    /// A plain B-tree: no predicate, no expressions.
    pub plain_btree: bool,
    /// A B-tree on columns (no expressions), whatever its predicate…
    pub btree_on_columns: bool,
    /// …which is this, as PostgreSQL prints it (`(changes ? 'status'::text)`).
    pub predicate: Option<String>,
}

impl Actual {
    pub fn matches(&self, e: &Wanted) -> bool {
        self.btree_on_columns
            && self.predicate.as_deref() == e.predicate
            && (!e.unique || self.found.unique)
            && self.columns.len() == e.keys.len()
            && self.included.len() == e.include.len()
            && e.include
                .iter()
                .all(|c| self.included.iter().any(|i| i.as_deref() == Some(c.as_str())))
            && self
                .columns
                .iter()
                .zip(&self.descending)
                .zip(&e.keys)
                .all(|((c, d), (column, desc))| c.as_deref() == Some(column.as_str()) && d == desc)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    name: String,
    definition: String,
    is_unique: bool,
    is_valid: bool,
    btree_on_columns: bool,
    predicate: Option<String>,
    key_count: i32,
    columns: Vec<Option<String>>,
    descending: Vec<bool>,
    size_bytes: i64,
    constraint_name: Option<String>,
    idx_scan: Option<i64>,
    idx_tup_read: Option<i64>,
    idx_tup_fetch: Option<i64>,
}

/// Every index on the table, from the catalog.
pub(crate) async fn actual_indexes(conn: &mut PgConnection, table: &HistoryTable) -> Result<Vec<Actual>> {
    let rows: Vec<Row> = crate::db::query_as(
        "SELECT c.relname::text AS name,
                pg_get_indexdef(c.oid) AS definition,
                i.indisunique AS is_unique,
                i.indisvalid AS is_valid,
                am.amname = 'btree' AND i.indexprs IS NULL AS btree_on_columns,
                pg_get_expr(i.indpred, i.indrelid) AS predicate,
                i.indnkeyatts::int AS key_count,
                ARRAY(SELECT a.attname::text
                        FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                       ORDER BY k.n) AS columns,
                ARRAY(SELECT (o.opt::int & 1) = 1
                        FROM unnest(i.indoption::int2[]) WITH ORDINALITY o(opt, n)
                       ORDER BY o.n) AS descending,
                pg_relation_size(c.oid) AS size_bytes,
                con.conname::text AS constraint_name,
                s.idx_scan, s.idx_tup_read, s.idx_tup_fetch
           FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           JOIN pg_am am ON am.oid = c.relam
           LEFT JOIN pg_constraint con ON con.conindid = c.oid AND con.conrelid = i.indrelid
           LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = c.oid
          WHERE i.indrelid = $1::regclass
          ORDER BY c.relname",
    )
    .bind(table.qualified())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let keys = r.key_count.max(0) as usize;
            let included = r.columns.iter().skip(keys).cloned().collect();
            Actual {
                included,
                columns: r.columns.into_iter().take(keys).collect(),
                descending: r.descending.into_iter().take(keys).collect(),
                plain_btree: r.btree_on_columns && r.predicate.is_none(),
                btree_on_columns: r.btree_on_columns,
                predicate: r.predicate,
                found: FoundIndex {
                    name: r.name,
                    definition: r.definition,
                    unique: r.is_unique,
                    valid: r.is_valid,
                    constraint: r.constraint_name,
                    size_bytes: r.size_bytes,
                    scans: r.idx_scan,
                    tuples_read: r.idx_tup_read,
                    tuples_fetched: r.idx_tup_fetch,
                },
            }
        })
        .collect())
}

/// Fails with `TableMissing` when the table does not exist.
pub(crate) async fn require_table(conn: &mut PgConnection, table: &HistoryTable) -> Result<(String, i64, i64)> {
    let (database, size, rows): (String, Option<i64>, Option<f32>) = crate::db::query_as(
        "SELECT current_database()::text, pg_table_size(to_regclass($1)), 
                (SELECT reltuples FROM pg_class WHERE oid = to_regclass($1))",
    )
    .bind(table.qualified())
    .fetch_one(&mut *conn)
    .await?;
    match size {
        Some(size) => Ok((database, size, rows.unwrap_or(0.0).max(0.0) as i64)),
        None => Err(Error::TableMissing {
            database,
            table: table.to_string(),
        }),
    }
}

/// Pairs each wanted index (`expected`, then `optional`) with the best
/// actual match: valid first, then the wanted name.
pub(crate) fn classify(
    actual: &[Actual],
    expected: &[Wanted],
    optional: &[Wanted],
) -> (Vec<ExpectedStatus>, Vec<ExpectedStatus>, Vec<FoundIndex>) {
    let mut used = vec![false; actual.len()];
    let mut statuses = Vec::new();
    for e in expected.iter().chain(optional) {
        let best = actual
            .iter()
            .enumerate()
            .filter(|(i, a)| !used[*i] && a.matches(e))
            .max_by_key(|(_, a)| (a.found.valid, a.found.name == e.name));
        let (state, found) = match best {
            Some((i, a)) => {
                used[i] = true;
                let state = if a.found.valid {
                    IndexState::Present
                } else {
                    IndexState::Invalid
                };
                (state, Some(a.found.clone()))
            }
            None => (IndexState::Missing, None),
        };
        statuses.push(ExpectedStatus {
            expected: e.into(),
            state,
            found,
        });
    }
    let others = actual
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(a, _)| a.found.clone())
        .collect();
    let optional = statuses.split_off(expected.len());
    (statuses, optional, others)
}

/// The wanted indexes' state, sizes and usage, on `table` where the
/// connection reads Waybill's own layout, else on the history table its
/// mapping names (the indexes in that layout's columns: `expected::wanted`).
pub async fn verify(db: &Db, table: &HistoryTable) -> Result<IndexHealth> {
    let ((database, table_bytes, rows_estimate), actual, stats_since, (expected, optional), table) = db
        .read(|r| async move {
            let mut tx = r.conn().await;
            let layout = crate::domain::layout::layout(db, &mut tx).await?;
            let table = layout.table_or(table)?;
            let found = require_table(&mut tx, &table).await?;
            let actual = actual_indexes(&mut tx, &table).await?;
            let (stats_since,): (Option<DateTime<Utc>>,) =
                crate::db::query_as("SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()")
                    .fetch_optional(&mut *tx)
                    .await?
                    .unwrap_or((None,));
            Ok((found, actual, stats_since, wanted(&layout), table))
        })
        .await?;
    let index_bytes = actual.iter().map(|a| a.found.size_bytes).sum();
    let (expected, optional, others) = classify(&actual, &expected, &optional);
    let all_present = expected.iter().all(|e| e.state == IndexState::Present);
    Ok(IndexHealth {
        database,
        table,
        table_bytes,
        rows_estimate,
        verdict: super::summary::verdict(&expected),
        optional_to_create: IndexHealth::to_create(&optional)
            .map(|e| e.expected.name.to_string())
            .collect(),
        expected,
        optional,
        others,
        index_bytes,
        stats_since,
        all_present,
    })
}

//! Finding the histories a database already has: every table whose columns
//! are the ones an audit library writes (or Waybill's own), with the preset
//! that fits it, how many versions and records it holds, and a preview (one
//! record's last changes), so a person can open the right one in one step.
//! Read-only.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;

use super::catalog::{self, Relation};
use super::{Mapping, Preset};
use crate::db::Db;
use crate::domain::reads::{newest, TimelineEntry};
use crate::domain::ShipmentRef;
use crate::error::Result;

/// A history found in the database.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FoundHistory {
    pub preset: Preset,
    /// What the preset is, for people.
    pub title: String,
    /// `schema.table`.
    pub table: String,
    /// The `--history` SPEC that opens it.
    pub spec: String,
    /// What a record is called (`shipment`, `order`…).
    pub noun: String,
    pub mapping: Mapping,
    /// Versions it holds (PostgreSQL's estimate on a large table).
    #[ts(type = "number")]
    pub versions: i64,
    pub versions_estimated: bool,
    /// Records it holds, counted on a table small enough to count.
    #[ts(type = "number | null")]
    pub records: Option<i64>,
    /// One record's latest changes, read through the mapping.
    pub preview: Option<Preview>,
    /// Why it cannot be read as it is (say, PaperTrail's YAML), if it cannot.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Preview {
    pub record: ShipmentRef,
    pub entries: Vec<TimelineEntry>,
}

/// Rows up to which a table is counted exactly.
const COUNTED: i64 = 200_000;

/// Every history the database holds, in the order people would look for them.
pub async fn detect(db: &Db) -> Result<Vec<FoundHistory>> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        let mut found = Vec::new();
        for (relation, mapping) in candidates(&mut conn).await? {
            found.push(describe(&mut conn, &relation, mapping).await?);
        }
        Ok(found)
    })
    .await
}

/// Checks `mapping` against the database: the history it reads, with its
/// counts and preview; what does not fit is an error naming each key.
pub async fn check(db: &Db, mapping: &Mapping) -> Result<FoundHistory> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        // Resolving first gives the precise error (a missing table, a wrong column).
        catalog::resolve(&mut conn, mapping).await?;
        let relation = catalog::relation(&mut conn, &mapping.table)
            .await?
            .ok_or_else(|| crate::error::Error::internal("a resolved table vanished"))?;
        describe(&mut conn, &relation, mapping.clone()).await
    })
    .await
}

/// The tables whose columns fit a preset, each with its mapping.
async fn candidates(conn: &mut PgConnection) -> Result<Vec<(Relation, Mapping)>> {
    // Ordinary tables and views outside the system schemas, by their columns.
    let tables: Vec<(String, String, Vec<String>)> = crate::db::query_as(
        "SELECT n.nspname::text, c.relname::text, array_agg(a.attname::text ORDER BY a.attnum)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'waybill_unsafe'
          GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (schema, name, columns) in &tables {
        let has = |c: &str| columns.iter().any(|x| x == c);
        let all = |cs: &[&str]| cs.iter().all(|c| has(c));
        let qualified = format!("{schema}.{name}");
        let preset = if all(&["shipment_id", "version_no", "event_type", "actor_id", "timestamp"]) {
            Some(Preset::Waybill)
        } else if all(&["item_type", "item_id", "event", "whodunnit", "object"]) {
            Some(Preset::Papertrail)
        } else if all(&["auditable_id", "auditable_type", "action", "audited_changes", "version"]) {
            Some(Preset::Audited)
        } else if all(&["record_id", "old_record_id", "op", "ts", "record", "old_record"]) {
            Some(Preset::SupaAudit)
        } else if all(&[
            "primary_key",
            "before",
            "after",
            "context",
            "operation",
            "committed_at",
            "table",
        ]) {
            Some(Preset::Bemi)
        } else if all(&["history_id", "history_date", "history_type", "history_change_reason"]) {
            Some(Preset::SimpleHistory)
        } else if all(&["row_data", "changed_fields", "event_id", "action", "table_name"]) {
            Some(Preset::AuditTrigger)
        } else if name.ends_with("_with_history") && all(&["system_time_start", "system_time_end"]) {
            Some(Preset::SystemVersioning)
        } else {
            None
        };
        let Some(preset) = preset else { continue };
        let Some(relation) = catalog::relation(conn, &qualified).await? else {
            continue;
        };
        for mapping in mappings(conn, preset, &relation, &tables).await? {
            out.push((relation.clone(), mapping));
        }
    }
    Ok(out)
}

/// The mappings a table found for `preset` gives: one per kind of record
/// where one table holds several (PaperTrail's `item_type`, Audited's
/// `auditable_type`, supa_audit's and Bemi's audited tables).
async fn mappings(
    conn: &mut PgConnection,
    preset: Preset,
    t: &Relation,
    tables: &[(String, String, Vec<String>)],
) -> Result<Vec<Mapping>> {
    // The preset with `options`, reading this table.
    let with = |options: Vec<(&str, String)>| -> Result<Mapping> {
        let options: Vec<(String, String)> = options.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let mut m = preset.mapping(&options)?;
        // Where the preset's own name is the table's (in `public`), it stays short.
        if t.name != format!("public.{}", m.table) && t.name != m.table {
            m.table = t.name.clone();
        }
        Ok(m)
    };
    let mut out = Vec::new();
    match preset {
        Preset::Papertrail | Preset::Audited => {
            let (column, option) = if preset == Preset::Papertrail {
                ("item_type", "item_type")
            } else {
                ("auditable_type", "auditable_type")
            };
            for kind in kinds(conn, t, column).await? {
                let mut m = with(vec![(option, kind.clone())])?;
                // PaperTrail without `object_changes` (its default): the before images.
                if preset == Preset::Papertrail && t.columns.iter().all(|c| c.0 != "object_changes") {
                    m.changes = Some("object".into());
                    m.changes_format = super::ChangesFormat::BeforeImage;
                }
                out.push(m);
            }
        }
        Preset::SupaAudit | Preset::AuditTrigger => {
            let (schema, name) = if preset == Preset::SupaAudit {
                ("table_schema", "table_name")
            } else {
                ("schema_name", "table_name")
            };
            let sql = format!(
                "SELECT DISTINCT {schema}::text || '.' || {name}::text FROM {} ORDER BY 1 LIMIT 20",
                t.quoted
            );
            for (table,) in crate::db::query_as::<(String,)>(&sql).fetch_all(&mut *conn).await? {
                out.push(with(vec![("table", table)])?);
            }
        }
        Preset::Bemi => {
            for table in kinds(conn, t, "table").await? {
                out.push(with(vec![("table", table)])?);
            }
        }
        Preset::SystemVersioning => {
            let base = t.name.trim_end_matches("_with_history").to_string();
            out.push(preset.mapping(&[("table".into(), base)])?);
        }
        Preset::SimpleHistory => {
            let mut m = with(vec![])?;
            // `app_historicalshipment` records `shipment` rows.
            let model = t.name.rsplit('.').next().unwrap_or(&t.name);
            if let Some(noun) = model.split("historical").nth(1).filter(|n| !n.is_empty()) {
                m.noun = Some(noun.to_string());
                let app = model.split("_historical").next().unwrap_or("");
                let base = format!("{app}_{noun}");
                if let Some((schema, name, _)) = tables.iter().find(|(_, name, _)| *name == base) {
                    m.records_table = Some(format!("{schema}.{name}"));
                }
            }
            out.push(m);
        }
        Preset::Waybill => {
            let mut m = Mapping::waybill();
            if t.name != "public.shipment_history" {
                m.table = t.name.clone();
            }
            // A guide-shaped table with its own column of what changed.
            if t.columns.iter().all(|c| c.0 != "changes") {
                match t.columns.iter().find(|c| c.1 == "jsonb" || c.1 == "json") {
                    Some((col, _, _)) => m.changes = Some(col.clone()),
                    None => m.changes = None,
                }
            }
            if t.columns.iter().all(|c| c.0 != "snapshot") {
                m.snapshot = None;
            }
            if t.columns.iter().all(|c| c.0 != "description") {
                m.description = None;
            }
            if !tables
                .iter()
                .any(|(s, n, _)| format!("{s}.{n}") == "public.shipment_requests")
            {
                m.records_table = None;
            }
            if !tables.iter().any(|(_, n, _)| n == "actors") {
                m.actor_table = None;
            }
            out.push(m);
        }
        Preset::Custom => {}
    }
    Ok(out)
}

/// The kinds of record one table holds, by the distinct values of `column`
/// (at most 20). Where an index starts with the column, a skip over it (one
/// probe per value) rather than a read of the whole table: detection stays
/// quick on a history of millions of rows.
async fn kinds(conn: &mut PgConnection, t: &Relation, column: &str) -> Result<Vec<String>> {
    let c = crate::db::quote_ident(column);
    let (indexed,): (bool,) = crate::db::query_as(
        "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                         WHERE i.indrelid = to_regclass($1) AND a.attname = $2 AND i.indpred IS NULL)",
    )
    .bind(&t.quoted)
    .bind(column)
    .fetch_one(&mut *conn)
    .await?;
    let sql = if indexed {
        format!(
            "WITH RECURSIVE k(v) AS (
               (SELECT {c} FROM {table} WHERE {c} IS NOT NULL ORDER BY {c} LIMIT 1)
               UNION ALL
               SELECT (SELECT {c} FROM {table} WHERE {c} > k.v ORDER BY {c} LIMIT 1) FROM k WHERE k.v IS NOT NULL)
             SELECT v::text FROM k WHERE v IS NOT NULL LIMIT 20",
            table = t.quoted
        )
    } else {
        format!(
            "SELECT DISTINCT {c}::text FROM {} WHERE {c} IS NOT NULL ORDER BY 1 LIMIT 20",
            t.quoted
        )
    };
    Ok(crate::db::query_as::<(String,)>(&sql)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(v,)| v)
        .collect())
}

/// A candidate with its counts and preview, or what keeps it from being read.
async fn describe(conn: &mut PgConnection, t: &Relation, mapping: Mapping) -> Result<FoundHistory> {
    let (estimate,): (i64,) = crate::db::query_as(
        "SELECT COALESCE(sum(GREATEST(c.reltuples, 0)), 0)::bigint FROM pg_class c
          WHERE c.oid = to_regclass($1) OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass($1))",
    )
    .bind(&t.quoted)
    .fetch_one(&mut *conn)
    .await?;
    let mut found = FoundHistory {
        preset: mapping.preset,
        title: mapping.preset.title().to_string(),
        table: t.name.clone(),
        spec: mapping.to_spec(),
        noun: mapping.noun().to_string(),
        versions: estimate,
        versions_estimated: true,
        records: None,
        preview: None,
        problem: None,
        mapping,
    };
    let layout = match catalog::resolve(conn, &found.mapping).await {
        Ok(layout) => layout,
        Err(e) => {
            found.problem = Some(e.to_string());
            return Ok(found);
        }
    };
    if estimate < COUNTED {
        let mut q = sqlx::QueryBuilder::new("SELECT count(*), count(DISTINCT h.shipment_id) FROM ");
        layout.push_keys_as(&mut q, "h");
        let (versions, records): (i64, i64) = q.build_query_as().persistent(false).fetch_one(&mut *conn).await?;
        found.versions = versions;
        found.versions_estimated = false;
        found.records = Some(records);
    }
    // The record changed last, by the layout's order.
    let mut q = sqlx::QueryBuilder::new("SELECT h.shipment_id::text FROM ");
    layout.push_keys_as(&mut q, "h");
    q.push(" ORDER BY h.version_no DESC, h.ord2 DESC LIMIT 1");
    let newest_key: Option<(String,)> = q.build_query_as().persistent(false).fetch_optional(&mut *conn).await?;
    if let Some((key,)) = newest_key {
        let record = super::super::record::find(conn, &layout, &key).await?;
        let entries = newest(conn, &layout, &record, 5).await?;
        found.preview = Some(Preview { record, entries });
    }
    Ok(found)
}

/// How many histories of each preset were found (for a one-line summary).
pub fn by_preset(found: &[FoundHistory]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for f in found {
        *counts.entry(f.preset.name()).or_insert(0) += 1;
    }
    counts
}

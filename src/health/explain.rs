//! Explain: the plans of the queries the app itself runs (a timeline page, the
//! latest 1,000 versions, an event-type filter, the actor view, blame) on one
//! shipment, with `EXPLAIN (ANALYZE, BUFFERS)`: which index each used, and its time.

use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use ts_rs::TS;

use crate::db::Db;
use crate::domain::reads::AppQueries;
use crate::domain::ShipmentRef;
use crate::error::Result;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExplainedQuery {
    pub name: String,
    /// The SQL as the app sends it (values as `$1`, `$2`, …).
    pub sql: String,
    pub execution_ms: f64,
    pub planning_ms: f64,
    /// Indexes the plan reads, in plan order.
    pub indexes: Vec<String>,
    /// Tables read by a sequential scan (a missing index shows here).
    pub seq_scans: Vec<String>,
    /// The plan as an indented tree with actual rows and times.
    pub plan: String,
    #[ts(type = "number")]
    pub shared_hit: i64,
    #[ts(type = "number")]
    pub shared_read: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExplainReport {
    pub shipment: ShipmentRef,
    pub queries: Vec<ExplainedQuery>,
}

/// Runs each app query under `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` in a
/// read-only transaction. ANALYZE executes the query: these are reads only.
pub async fn explain(db: &Db, shipment: Option<&str>) -> Result<ExplainReport> {
    db.read(|r| async move { run(db, &mut *r.conn().await, shipment).await })
        .await
}

async fn run(db: &Db, tx: &mut PgConnection, shipment: Option<&str>) -> Result<ExplainReport> {
    let app = AppQueries::for_shipment(db, &mut *tx, shipment).await?;
    let mut queries = Vec::new();
    for (name, q) in app.build("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT ") {
        queries.push(run_one(&mut *tx, name, q).await?);
    }
    Ok(ExplainReport {
        shipment: app.shipment,
        queries,
    })
}

pub(crate) async fn run_one(
    conn: &mut PgConnection,
    name: String,
    mut q: QueryBuilder<'_, Postgres>,
) -> Result<ExplainedQuery> {
    let sql = q.sql().to_string();
    let plan: Value = q.build_query_scalar().persistent(false).fetch_one(&mut *conn).await?;
    Ok(describe(name, &sql, &plan))
}

/// Reads PostgreSQL's JSON plan: times, indexes, sequential scans, a text tree.
pub(crate) fn describe(name: String, sql: &str, plan: &Value) -> ExplainedQuery {
    let top = &plan[0];
    let root = &top["Plan"];
    let mut indexes = Vec::new();
    let mut seq_scans = Vec::new();
    let mut text = String::new();
    walk(root, 0, &mut indexes, &mut seq_scans, &mut text);
    let shown_sql = sql
        .trim_start_matches("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ")
        .trim_start_matches("EXPLAIN (FORMAT JSON) ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    ExplainedQuery {
        name,
        sql: shown_sql,
        execution_ms: top["Execution Time"].as_f64().unwrap_or(0.0),
        planning_ms: top["Planning Time"].as_f64().unwrap_or(0.0),
        indexes,
        seq_scans,
        plan: text,
        shared_hit: root["Shared Hit Blocks"].as_i64().unwrap_or(0),
        shared_read: root["Shared Read Blocks"].as_i64().unwrap_or(0),
    }
}

fn walk(node: &Value, depth: usize, indexes: &mut Vec<String>, seq: &mut Vec<String>, out: &mut String) {
    let kind = node["Node Type"].as_str().unwrap_or("?");
    let mut line = format!("{}{}{kind}", "  ".repeat(depth), if depth > 0 { "-> " } else { "" });
    if let Some(index) = node["Index Name"].as_str() {
        line.push_str(&format!(" using {index}"));
        if !indexes.iter().any(|i| i == index) {
            indexes.push(index.to_string());
        }
    }
    if let Some(relation) = node["Relation Name"].as_str() {
        line.push_str(&format!(" on {relation}"));
        if kind == "Seq Scan" && !seq.iter().any(|s| s == relation) {
            seq.push(relation.to_string());
        }
    }
    if let Some(rows) = node["Actual Rows"].as_f64() {
        let loops = node["Actual Loops"].as_f64().unwrap_or(1.0);
        let time = node["Actual Total Time"].as_f64().unwrap_or(0.0);
        line.push_str(&format!(" (rows={rows:.0} loops={loops:.0} time={time:.3} ms)"));
    } else if let Some(cost) = node["Total Cost"].as_f64() {
        line.push_str(&format!(" (cost={cost:.2} rows={})", node["Plan Rows"]));
    }
    out.push_str(&line);
    out.push('\n');
    if let Some(children) = node["Plans"].as_array() {
        for child in children {
            walk(child, depth + 1, indexes, seq, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_indexes_scans_and_times_from_a_json_plan() {
        let plan = json!([{
            "Plan": {
                "Node Type": "Limit", "Actual Rows": 101.0, "Actual Loops": 1.0, "Actual Total Time": 0.2,
                "Shared Hit Blocks": 7, "Shared Read Blocks": 1,
                "Plans": [
                    {"Node Type": "Index Scan", "Index Name": "shipment_history_unique_version",
                     "Relation Name": "shipment_history", "Actual Rows": 101.0, "Actual Loops": 1.0, "Actual Total Time": 0.1},
                    {"Node Type": "Seq Scan", "Relation Name": "actors", "Actual Rows": 1.0, "Actual Loops": 101.0, "Actual Total Time": 0.01}
                ]
            },
            "Planning Time": 0.5, "Execution Time": 0.25
        }]);
        let q = describe(
            "page".into(),
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT  1\n  FROM x",
            &plan,
        );
        assert_eq!(q.indexes, vec!["shipment_history_unique_version"]);
        assert_eq!(q.seq_scans, vec!["actors"]);
        assert_eq!(q.execution_ms, 0.25);
        assert_eq!(q.sql, "SELECT 1 FROM x");
        assert_eq!((q.shared_hit, q.shared_read), (7, 1));
        assert!(
            q.plan
                .contains("  -> Index Scan using shipment_history_unique_version on shipment_history (rows=101"),
            "{}",
            q.plan
        );
    }
}

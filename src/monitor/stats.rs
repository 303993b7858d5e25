//! Version assignment times and slow statements, from the server's own
//! statistics views.

use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;

use super::{Source, SLOWEST, THRESHOLD_MS};
use crate::db::{query, query_as};
use crate::error::Result;

/// `create_history_entry`'s calls and times from one statistics source.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AssignmentStats {
    /// `pg_stat_user_functions` or `pg_stat_statements`.
    pub source: String,
    #[ts(type = "number")]
    pub calls: i64,
    pub mean_ms: Option<f64>,
    /// The slowest call (pg_stat_statements only).
    pub max_ms: Option<f64>,
    /// Whether the mean is over the guide's 100 ms.
    pub slow: bool,
}

/// One normalized statement from `pg_stat_statements`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SlowStatement {
    pub query: String,
    #[ts(type = "number")]
    pub calls: i64,
    pub mean_ms: f64,
    pub max_ms: f64,
    pub total_ms: f64,
    #[ts(type = "number")]
    pub rows: i64,
}

pub(super) async fn functions(conn: &mut PgConnection) -> Result<(Source, Option<AssignmentStats>)> {
    let (track, database): (String, String) =
        query_as("SELECT current_setting('track_functions'), current_database()::text")
            .fetch_one(&mut *conn)
            .await?;
    if track == "none" {
        let enable = format!(
            "track_functions is off, so the server does not time function calls. A DBA enables it with \
             `ALTER DATABASE {database} SET track_functions = 'pl'` (or in postgresql.conf); calls are counted from then on."
        );
        return Ok((
            Source {
                available: false,
                enable,
            },
            None,
        ));
    }
    let (calls, total): (i64, f64) = query_as(
        "SELECT COALESCE(sum(calls), 0)::bigint, COALESCE(sum(total_time), 0)::float8
           FROM pg_stat_user_functions WHERE funcname = 'create_history_entry'",
    )
    .fetch_one(&mut *conn)
    .await?;
    let mean_ms = (calls > 0).then(|| total / calls as f64);
    let stats = AssignmentStats {
        source: "pg_stat_user_functions".into(),
        calls,
        mean_ms,
        max_ms: None,
        slow: mean_ms.is_some_and(|m| m > THRESHOLD_MS),
    };
    let source = Source {
        available: true,
        enable: String::new(),
    };
    Ok((source, Some(stats)))
}

/// SQL comments, as a PostgreSQL regular expression (stripped before matching
/// statement text: a comment may mention a table or function it does not use).
const COMMENTS: &str = r"--[^\n]*|/\*([^*]|\*+[^*/])*\*+/";

pub(super) async fn statements(
    conn: &mut PgConnection,
) -> Result<(Source, Option<AssignmentStats>, Vec<SlowStatement>)> {
    let (schema, version, database): (Option<String>, i32, String) = query_as(
        "SELECT (SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'pg_stat_statements'),
                current_setting('server_version_num')::int, current_database()::text",
    )
    .fetch_one(&mut *conn)
    .await?;
    let unavailable = |enable: String| {
        Ok((
            Source {
                available: false,
                enable,
            },
            None,
            Vec::new(),
        ))
    };
    let Some(schema) = schema else {
        return unavailable(format!(
            "pg_stat_statements is not installed in {database}. A DBA adds `pg_stat_statements` to \
             shared_preload_libraries in postgresql.conf, restarts the server, then runs \
             `CREATE EXTENSION pg_stat_statements;` in {database}."
        ));
    };
    if version < 130_000 {
        return unavailable("Waybill reads pg_stat_statements' timing columns of PostgreSQL 13 and later.".into());
    }
    let view = format!("{}.pg_stat_statements", crate::db::quote_ident(&schema));
    // Created but not preloaded, reading the view fails; a savepoint keeps
    // the read's transaction usable after that.
    query("SAVEPOINT monitor_statements").execute(&mut *conn).await?;
    let here = "dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND query !~* 'pg_stat_statements'";
    let assignment: std::result::Result<(i64, f64, Option<f64>), sqlx::Error> = query_as(&format!(
        "SELECT COALESCE(sum(calls), 0)::bigint, COALESCE(sum(total_exec_time), 0)::float8, max(max_exec_time)::float8
           FROM (SELECT calls, total_exec_time, max_exec_time, regexp_replace(query, $3, '', 'g') AS code
                   FROM {view} WHERE {here}) s
          WHERE code ~* $1 AND code !~* $2"
    ))
    // Calls, not the statements that create, alter, document or grant it
    // (`… FUNCTION create_history_entry(`), nor comments that mention it.
    .bind(r"create_history_entry\s*\(")
    .bind(r#"FUNCTION\s+(\S+\.)?"?create_history_entry"#)
    .bind(COMMENTS)
    .fetch_one(&mut *conn)
    .await;
    let (calls, total, max_ms) = match assignment {
        Ok(row) => row,
        Err(e) => {
            query("ROLLBACK TO SAVEPOINT monitor_statements")
                .execute(&mut *conn)
                .await?;
            return unavailable(format!(
                "pg_stat_statements is installed in {database} but cannot be read ({}). A DBA adds \
                 `pg_stat_statements` to shared_preload_libraries in postgresql.conf and restarts the server.",
                e.as_database_error()
                    .map(|d| d.message().to_string())
                    .unwrap_or_else(|| e.to_string())
            ));
        }
    };
    let slowest = query_as::<(String, i64, f64, f64, f64, i64)>(&format!(
        "SELECT query, calls, mean_exec_time::float8, max_exec_time::float8, total_exec_time::float8, rows
           FROM (SELECT *, regexp_replace(query, $1, '', 'g') AS code FROM {view} WHERE {here}) s
          WHERE code ~* '(shipment_history|shipment_requests)'
            AND code !~* '^\\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE|ANALYZE|VACUUM|TRUNCATE|COPY)\\M'
          ORDER BY mean_exec_time DESC LIMIT {SLOWEST}"
    ))
    // Statements that read and write rows: schema changes and bulk loads
    // (migrations, demo data) are not what a slow screen is made of.
    .bind(COMMENTS)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(query, calls, mean_ms, max_ms, total_ms, rows)| SlowStatement {
        query,
        calls,
        mean_ms,
        max_ms,
        total_ms,
        rows,
    })
    .collect();
    query("RELEASE SAVEPOINT monitor_statements")
        .execute(&mut *conn)
        .await?;
    let mean_ms = (calls > 0).then(|| total / calls as f64);
    let stats = AssignmentStats {
        source: "pg_stat_statements".into(),
        calls,
        mean_ms,
        max_ms,
        slow: mean_ms.is_some_and(|m| m > THRESHOLD_MS),
    };
    let source = Source {
        available: true,
        enable: String::new(),
    };
    Ok((source, Some(stats), slowest))
}

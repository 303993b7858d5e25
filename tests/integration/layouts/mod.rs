//! Histories in the layouts other tools write, read through a mapping: each
//! written by the library itself where Debian ships it (PaperTrail,
//! django-simple-history, the periods extension), else by a trigger shaped
//! on the library's documented table (Audited, supa_audit, Bemi, the audit
//! trigger, a guide-shaped table of a team's own). Each test reads the
//! history through Waybill and checks it against SQL of its own on the
//! library's table.

mod errors;
mod guide;
mod papertrail;
mod papertrail_tools;
mod periods;
mod simple_history;
mod triggers;

use std::process::Command;

use sqlx::PgPool;
use waybill::connection::{Connection, OpenOptions, Source};
use waybill::domain::layout::Mapping;

use crate::common;

/// A new, empty database on the test server and a plain pool to write it
/// (and to read it back in the tests' own SQL).
pub async fn fresh_db() -> (String, PgPool) {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = waybill::db::connect(common::options("postgres"), 1).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(common::options(&name))
        .await
        .unwrap();
    (name, pool)
}

/// Runs a fixture script (`tests/fixtures/…`) with `program` against
/// `database`: it gets the server's socket directory, port, database and user.
pub fn write_with(program: &str, script: &str, database: &str) {
    write_with_args(program, script, database, &[]);
}

fn write_with_args(program: &str, script: &str, database: &str, args: &[&str]) {
    let info = &common::server().info;
    let path = format!("{}/tests/fixtures/{script}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(program)
        .arg(&path)
        .arg(&info.socket_dir)
        .arg(info.port.to_string())
        .arg(database)
        .arg(waybill::sandbox::SANDBOX_USER)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (setup.sh --test installs it): {e}"));
    assert!(
        out.status.success(),
        "{program} {script}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A database `script` wrote once for the whole run (tests only read it),
/// shared by the tests that ask for it with the same `script` and `args`.
pub fn written_once(program: &'static str, script: &'static str, args: &'static [&'static str]) -> String {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static WRITTEN: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);
    let id = format!("{script} {}", args.join(" "));
    let mut written = WRITTEN.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(name) = written.get_or_insert_with(HashMap::new).get(&id) {
        return name.clone();
    }
    // Its own runtime on its own thread: the caller may be inside another.
    let name = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (name, pool) = rt.block_on(fresh_db());
        rt.block_on(pool.close());
        write_with_args(program, script, &name, args);
        name
    })
    .join()
    .unwrap();
    written.as_mut().unwrap().insert(id, name.clone());
    name
}

/// A plain pool on `database`, for the tests' own SQL.
pub async fn pool(database: &str) -> PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(common::options(database))
        .await
        .unwrap()
}

/// `database` opened as the app and the CLI open it, reading the history through `spec`.
pub async fn open(database: &str, spec: &str) -> Connection {
    let source = Source::choose(None, Some(&common::url(database))).unwrap();
    let secrets: std::sync::Arc<dyn waybill::profiles::SecretStore> =
        std::sync::Arc::new(waybill::profiles::MemoryStore::default());
    let options = OpenOptions {
        history: Some(Mapping::parse_spec(spec).unwrap()),
        ..Default::default()
    };
    waybill::connection::open(source, &secrets, options, &waybill::progress::ignore)
        .await
        .unwrap()
}

/// `database` opened with no mapping: for finding what it holds.
pub async fn open_plain(database: &str) -> Connection {
    common::connection(database).await
}

/// The fields a timeline entry says it changed.
pub fn fields(entry: &waybill::domain::reads::TimelineEntry) -> Vec<&str> {
    entry.changed_fields.iter().map(String::as_str).collect()
}

/// Whether the pairs the integrity scan decodes itself
/// (`domain::changes::from_pairs`) read as the server's rewrite of them does,
/// row for row, through `conn`'s layout; the number of rows compared.
pub async fn pairs_read_alike(conn: &Connection) -> usize {
    use sqlx::QueryBuilder;
    let db = conn.db();
    let mut c = db.acquire().await.unwrap();
    let layout = waybill::domain::layout::layout(db, &mut c).await.unwrap();
    let order = " ORDER BY h.shipment_id, h.version_no, h.ord2";
    let mut q = QueryBuilder::new("SELECT h.changes::text FROM ");
    layout.push_from(&mut q);
    q.push(order);
    let rewritten: Vec<(Option<String>,)> = q.build_query_as().fetch_all(&mut *c).await.unwrap();
    let mut q = QueryBuilder::new("SELECT h.pairs, h.pair_event FROM ");
    layout.push_from_raw_pairs(&mut q);
    q.push(order);
    let stored: Vec<(Option<String>, i32)> = q.build_query_as().fetch_all(&mut *c).await.unwrap();
    assert_eq!(rewritten.len(), stored.len());
    let json = |t: &Option<String>| {
        t.as_deref()
            .map_or(serde_json::Value::Null, |t| serde_json::from_str(t).unwrap())
    };
    for ((server,), (pairs, event)) in rewritten.iter().zip(&stored) {
        assert!(pairs.is_some(), "a pairs layout gives its pairs");
        assert_eq!(
            waybill::domain::changes::from_pairs(json(pairs), *event),
            json(server),
            "{pairs:?} ({event})"
        );
    }
    rewritten.len()
}

/// The integrity scan of the whole history `conn` reads.
pub async fn integrity_of(conn: &Connection) -> waybill::integrity::IntegrityReport {
    let request = waybill::integrity::IntegrityRequest {
        shipment: None,
        since: None,
        max_findings: None,
    };
    waybill::integrity::scan(
        conn.db(),
        &request,
        &|_| {},
        &tokio_util::sync::CancellationToken::new(),
    )
    .await
    .unwrap()
}

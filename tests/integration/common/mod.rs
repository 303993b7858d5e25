//! A real PostgreSQL for the integration tests: one sandbox for the whole run,
//! started by the sandbox manager in a temporary directory and stopped when the
//! binary exits. Each test gets its own freshly migrated database.

pub mod peer;
pub mod remote;
pub mod timeline;

use std::path::PathBuf;
use std::sync::OnceLock;

use sqlx::postgres::PgConnectOptions;
use waybill::db::Db;
use waybill::sandbox::{Sandbox, SandboxInfo};

pub struct TestServer {
    pub sandbox: Sandbox,
    pub info: SandboxInfo,
    pub dir: PathBuf,
}

static SERVER: OnceLock<TestServer> = OnceLock::new();

extern "C" fn stop_server() {
    if let Some(server) = SERVER.get() {
        let _ = server.sandbox.stop();
        let _ = std::fs::remove_dir_all(&server.dir);
    }
}

/// A temporary home for data (XDG_DATA_HOME): like a user's, others may pass
/// through it, so the sandbox server (run as `postgres` when the tests run as
/// root) reaches its cluster there.
pub fn home() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new().prefix("waybill-home-").tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    dir
}

pub fn server() -> &'static TestServer {
    SERVER.get_or_init(|| {
        let dir = home().keep();
        let sandbox = Sandbox::at(&dir);
        let started = sandbox.start(&|_| {}).expect("the test server starts");
        // Running until the run ends: a test's connection to the sandbox
        // gives its lease back without stopping the server under the others.
        sandbox.keep_running().expect("the test server stays up");
        // SAFETY: registering a plain extern "C" function with no arguments.
        unsafe { libc::atexit(stop_server) };
        TestServer {
            sandbox,
            info: started.info,
            dir,
        }
    })
}

pub fn options(database: &str) -> PgConnectOptions {
    Sandbox::connect_options(&server().info, database)
}

/// A libpq URL for `database` on the test server (for the CLI).
pub fn url(database: &str) -> String {
    Sandbox::url(&server().info).replace("/waybill?", &format!("/{database}?"))
}

/// A new, empty database (none of Waybill's tables), opened as the app opens
/// one: its reads name a missing table of Waybill's.
pub async fn empty_db() -> (String, Db) {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = waybill::db::connect(options("postgres"), 1).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let db = waybill::db::connect(options(&name), 80)
        .await
        .unwrap()
        .requiring(&waybill::install::REQUIRED_TABLES);
    (name, db)
}

/// An open connection to `database` on the test server, as the app and the
/// CLI open one (a one-off URL: not the sandbox, so writes need a confirmation).
pub async fn connection(database: &str) -> waybill::connection::Connection {
    let source = waybill::connection::Source::choose(None, Some(&url(database))).unwrap();
    let secrets: std::sync::Arc<dyn waybill::profiles::SecretStore> =
        std::sync::Arc::new(waybill::profiles::MemoryStore::default());
    waybill::connection::open(source, &secrets, Default::default(), &waybill::progress::ignore)
        .await
        .unwrap()
}

/// The test server opened as the app opens its sandbox (its `waybill`
/// database, migrated, no demo data): for what only the sandbox allows.
/// Tests that use it share that one database, so they hold `SANDBOX_DB`.
pub async fn sandbox_connection() -> waybill::connection::Connection {
    let secrets: std::sync::Arc<dyn waybill::profiles::SecretStore> =
        std::sync::Arc::new(waybill::profiles::MemoryStore::default());
    let options = waybill::connection::OpenOptions {
        seed_demo: false,
        ..Default::default()
    };
    let source = waybill::connection::Source::Sandbox(server().sandbox.clone());
    waybill::connection::open(source, &secrets, options, &waybill::progress::ignore)
        .await
        .unwrap()
}

/// Held by the tests that use the sandbox's one database (see `sandbox_connection`).
pub static SANDBOX_DB: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The user's "yes" to writing to `conn`'s database.
pub fn confirmed(conn: &waybill::connection::Connection) -> Option<waybill::connection::Confirmation> {
    conn.write_target().map(waybill::connection::Confirmation::given_for)
}

/// A new database with Waybill's tables.
pub async fn migrated_db() -> (String, Db) {
    let (name, db) = empty_db().await;
    waybill::install::migrate(&db).await.unwrap();
    (name, db)
}

/// Inserts a shipment with no history and returns its id.
pub async fn new_shipment(db: &Db, reference: &str) -> uuid::Uuid {
    let (id,): (uuid::Uuid,) = sqlx::query_as(
        "INSERT INTO shipment_requests (reference, title, status, origin, destination)
         VALUES ($1, 'Test cargo', 'booked', 'Hamburg, DE', 'Chicago, US') RETURNING id",
    )
    .bind(reference)
    .fetch_one(db)
    .await
    .unwrap();
    id
}

/// Runs the `waybill` binary against `database` on the test server with its data
/// under `home`, no terminal on stdin; returns (exit code, stdout, stderr).
pub fn waybill_cli(database: &str, home: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_waybill"))
        .arg("--database-url")
        .arg(url(database))
        .args(args)
        .env("XDG_DATA_HOME", home)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

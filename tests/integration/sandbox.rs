//! The sandbox manager on real PostgreSQL: lifecycle, crash recovery, a taken
//! port, and a data directory that is not ours.

use std::net::TcpListener;
use std::path::Path;

use waybill::sandbox::{Sandbox, SandboxStatus};
use waybill::Error;

fn quiet(_: &str) {}

/// A data home others may pass through (see tests/common's `home`).
fn home() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new().prefix("waybill-home-").tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
    dir
}

struct Stopper<'a>(&'a Sandbox);
impl Drop for Stopper<'_> {
    fn drop(&mut self) {
        let _ = self.0.stop();
    }
}

fn pid_of(sandbox: &Sandbox) -> Option<i32> {
    match sandbox.status().unwrap() {
        SandboxStatus::Running(info) => Some(info.pid),
        _ => None,
    }
}

#[test]
fn starts_stops_and_restarts_on_the_same_port() {
    let dir = home();
    let sandbox = Sandbox::at(dir.path());
    let _stop = Stopper(&sandbox);
    assert!(matches!(sandbox.status().unwrap(), SandboxStatus::NotCreated));

    let first = sandbox.start(&quiet).unwrap();
    assert!(first.created && first.started_now);
    let again = sandbox.start(&quiet).unwrap();
    assert!(!again.started_now, "a second start finds it running");
    assert_eq!(again.info.pid, first.info.pid);

    assert!(sandbox.stop().unwrap());
    assert!(matches!(sandbox.status().unwrap(), SandboxStatus::Stopped));
    assert!(!sandbox.stop().unwrap(), "stopping a stopped sandbox is fine");

    let restarted = sandbox.start(&quiet).unwrap();
    assert!(!restarted.created);
    assert_eq!(restarted.info.port, first.info.port, "keeps its port when it is free");
}

#[test]
fn recovers_from_a_stale_postmaster_pid() {
    let dir = home();
    let sandbox = Sandbox::at(dir.path());
    let _stop = Stopper(&sandbox);
    let started = sandbox.start(&quiet).unwrap();
    sandbox.stop().unwrap();

    // As after a crash: a pid file naming a process that is not PostgreSQL
    // (here the test itself, which is alive, so a naive liveness check would be fooled).
    let pid_file = Path::new(&started.info.data_dir).join("postmaster.pid");
    let stale = format!(
        "{}\n{}\n0\n{}\n{}\n127.0.0.1\n0 0\nready\n",
        std::process::id(),
        started.info.data_dir,
        started.info.port,
        started.info.socket_dir
    );
    std::fs::write(&pid_file, stale).unwrap();
    assert!(matches!(sandbox.status().unwrap(), SandboxStatus::Stopped));

    let messages = std::sync::Mutex::new(Vec::new());
    let restarted = sandbox
        .start(&|m: &str| messages.lock().unwrap().push(m.to_string()))
        .unwrap();
    assert!(restarted.started_now);
    assert_ne!(restarted.info.pid as u32, std::process::id());
    assert!(
        messages
            .lock()
            .unwrap()
            .iter()
            .any(|m| m.contains("stale postmaster.pid")),
        "says what it recovered from"
    );
}

#[test]
fn picks_another_port_when_its_port_is_taken() {
    let dir = home();
    let sandbox = Sandbox::at(dir.path());
    let _stop = Stopper(&sandbox);
    let first = sandbox.start(&quiet).unwrap();
    sandbox.stop().unwrap();

    let squatter = TcpListener::bind(("127.0.0.1", first.info.port)).expect("the old port is free again");
    let second = sandbox.start(&quiet).unwrap();
    assert_ne!(second.info.port, first.info.port);
    assert!(pid_of(&sandbox).is_some());
    drop(squatter);
}

#[test]
fn refuses_a_data_directory_that_is_not_a_cluster_and_touches_nothing() {
    let dir = home();
    let data = dir.path().join("sandbox").join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("precious.txt"), "do not touch").unwrap();

    let sandbox = Sandbox::at(dir.path());
    let err = sandbox.start(&quiet).unwrap_err();
    assert!(matches!(err, Error::NotACluster { .. }), "{err:?}");
    assert!(err.to_string().contains("left untouched"));
    let entries: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["precious.txt"]);
    assert_eq!(
        std::fs::read_to_string(data.join("precious.txt")).unwrap(),
        "do not touch"
    );
    assert!(matches!(sandbox.status(), Err(Error::NotACluster { .. })));
}

#[tokio::test]
async fn a_sandbox_that_fails_to_prepare_is_not_left_running() {
    let dir = home();
    let sandbox = Sandbox::at(dir.path());
    let _stop = Stopper(&sandbox);
    // A `waybill` database with a conflicting table and no migration history:
    // migrating it fails after the server has been started.
    let started = sandbox.start(&quiet).unwrap();
    let admin = waybill::db::connect(Sandbox::connect_options(&started.info, "postgres"), 1)
        .await
        .unwrap();
    sqlx::query("CREATE DATABASE waybill").execute(&admin).await.unwrap();
    admin.close().await;
    let db = waybill::db::connect(Sandbox::connect_options(&started.info, "waybill"), 1)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE shipment_requests (id int)")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    sandbox.stop().unwrap();
    drop(started); // its lease: nobody else uses the sandbox now

    let opened = waybill::connection::open_sandbox(&sandbox, true, &waybill::progress::ignore).await;
    assert!(opened.is_err(), "migrating onto a conflicting table fails");
    assert!(
        matches!(sandbox.status().unwrap(), SandboxStatus::Stopped),
        "the server this call started was stopped again"
    );
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// As root, the server runs as `postgres`, which owns the cluster's directory
/// and could plant links there. A link where Waybill writes its settings must
/// not lead root's write (or a chown) anywhere.
#[test]
fn a_link_planted_in_the_cluster_directory_is_never_followed() {
    if !is_root() {
        // Without root the server runs as the user: nobody else owns the
        // directory, so there is nobody to plant a link.
        assert!(matches!(
            waybill::sandbox::ServerAccount::detect().unwrap(),
            waybill::sandbox::ServerAccount::Current
        ));
        return;
    }
    let dir = home();
    let sandbox = Sandbox::at(dir.path());
    let _stop = Stopper(&sandbox);
    let started = sandbox.start(&quiet).unwrap();
    sandbox.stop().unwrap();

    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "root's file\n").unwrap();
    let settings = Path::new(&started.info.data_dir).join("waybill.conf");
    std::fs::remove_file(&settings).unwrap();
    std::os::unix::fs::symlink(&victim, &settings).unwrap();
    let postgres = nix::unistd::User::from_name("postgres").unwrap().unwrap();
    std::os::unix::fs::lchown(&settings, Some(postgres.uid.as_raw()), Some(postgres.gid.as_raw())).unwrap();

    // Writing the settings as postgres goes through the link with postgres's
    // rights, which cannot touch root's file: the start fails, nothing is lost.
    let _ = sandbox.start(&quiet);
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "root's file\n");
    assert_eq!(std::fs::metadata(&victim).unwrap().uid(), 0, "still root's");
}

/// As root with a data directory the `postgres` account cannot reach (under
/// /root, mode 0700), the cluster goes to a directory made for it; the
/// permissions of the user's directories are never changed.
#[test]
fn an_unreachable_data_directory_is_left_as_it_is() {
    use std::os::unix::fs::PermissionsExt;
    let dir = home();
    let private = dir.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let data = private.join("data");
    let sandbox = Sandbox::at(&data);
    let _stop = Stopper(&sandbox);
    let started = sandbox.start(&quiet).unwrap();
    assert!(pid_of(&sandbox).is_some());
    let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "its permissions are untouched");
    if is_root() {
        assert!(
            started.info.data_dir.starts_with("/var/lib/waybill/"),
            "{}",
            started.info.data_dir
        );
    } else {
        assert!(started.info.data_dir.starts_with(&*data.to_string_lossy()));
    }
    sandbox.stop().unwrap();
    if is_root() {
        std::fs::remove_dir_all(sandbox.root()).unwrap();
    }
}

/// What keeps the sandbox's trust login to its owner: the socket directory is
/// the owner's alone, and the server refuses every TCP login, whatever the
/// password (SQLSTATE 28000, rejected by pg_hba.conf).
#[tokio::test]
async fn only_the_private_socket_logs_in_tcp_logins_are_refused() {
    use sqlx::ConnectOptions;
    use std::os::unix::fs::PermissionsExt;
    let dir = home();
    let sandbox = Sandbox::at(dir.path());
    let _stop = Stopper(&sandbox);
    let info = sandbox.start(&quiet).unwrap().info;
    let socket_dir = std::fs::metadata(&info.socket_dir).unwrap();
    assert_eq!(socket_dir.permissions().mode() & 0o777, 0o700, "{}", info.socket_dir);

    let tcp = sqlx::postgres::PgConnectOptions::new()
        .host("127.0.0.1")
        .port(info.port)
        .username(waybill::sandbox::SANDBOX_USER)
        .password("anything")
        .database("postgres")
        .ssl_mode(sqlx::postgres::PgSslMode::Disable);
    let e = tcp.connect().await.unwrap_err();
    let code = e.as_database_error().and_then(|d| d.code()).map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some("28000"), "{e}");

    // The private socket itself works.
    let mut conn = Sandbox::connect_options(&info, "postgres").connect().await.unwrap();
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(&mut conn).await.unwrap();
    assert_eq!(one, 1);
}

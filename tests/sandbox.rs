//! The sandbox manager on real PostgreSQL: lifecycle, crash recovery, a taken
//! port, and a data directory that is not ours.

use std::net::TcpListener;
use std::path::Path;

use waybill::sandbox::{Sandbox, SandboxStatus};
use waybill::Error;

fn quiet(_: &str) {}

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
    let dir = tempfile::tempdir().unwrap();
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
    let dir = tempfile::tempdir().unwrap();
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
    let dir = tempfile::tempdir().unwrap();
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
    let dir = tempfile::tempdir().unwrap();
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
    let dir = tempfile::tempdir().unwrap();
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

    let opened = waybill::sandbox::open_sandbox(&sandbox, true, &waybill::progress::ignore).await;
    assert!(opened.is_err(), "migrating onto a conflicting table fails");
    assert!(
        matches!(sandbox.status().unwrap(), SandboxStatus::Stopped),
        "the server this call started was stopped again"
    );
}

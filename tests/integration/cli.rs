//! The `waybill` binary as scripts use it: exit codes, JSON, one-line errors,
//! confirmations, and no server left running.

use crate::common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn waybill(data_home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_waybill"));
    cmd.args(args)
        .env("XDG_DATA_HOME", data_home)
        .env_remove("DATABASE_URL")
        .env_remove("WAYBILL_PG_BINDIR");
    cmd
}

fn run(data_home: &Path, args: &[&str]) -> Output {
    waybill(data_home, args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The sandbox's server pid, if its pid file names a live PostgreSQL.
fn server_pid(data_home: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(data_home.join("waybill/sandbox/data/postmaster.pid")).ok()?;
    let pid: i32 = text.lines().next()?.trim().parse().ok()?;
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    (comm.trim() == "postgres").then_some(pid)
}

/// Gone, or a zombie waiting for a reaper (a container's init may never reap it).
fn process_runs(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next()) != Some("Z"),
        Err(_) => false,
    }
}

#[test]
fn start_list_stop_leaves_no_process_running() {
    let home = common::home();
    let start = run(home.path(), &["sandbox", "start"]);
    assert!(start.status.success(), "{}", stderr(&start));
    let pid = server_pid(home.path()).expect("the server runs after start");

    let list = run(home.path(), &["shipments", "--limit", "5", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let rows: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows[0]["reference"].as_str().unwrap().starts_with("SHP-"));
    assert!(rows[0]["versions"].as_i64().unwrap() > 0);

    let url = run(home.path(), &["sandbox", "url"]);
    assert!(stdout(&url).starts_with("postgresql://waybill@localhost:"));

    let stop = run(home.path(), &["sandbox", "stop"]);
    assert!(stop.status.success(), "{}", stderr(&stop));
    assert!(server_pid(home.path()).is_none());
    assert!(!process_runs(pid), "the server process is gone");
    assert_eq!(run(home.path(), &["sandbox", "url"]).status.code(), Some(2));
}

#[test]
fn a_one_off_command_starts_the_sandbox_and_stops_it_again() {
    let home = common::home();
    let out = run(
        home.path(),
        &["shipments", "--search", "SHP-", "--limit", "3", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert!(
        server_pid(home.path()).is_none(),
        "a command that started the sandbox stops it"
    );

    let missing = run(home.path(), &["shipment", "SHP-1999-999999"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no shipment matches `SHP-1999-999999`"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(stderr(&missing).lines().filter(|l| l.starts_with("error:")).count(), 1);
}

#[test]
fn two_processes_starting_at_once_share_one_sandbox() {
    let home = common::home();
    let spawn = || {
        waybill(home.path(), &["sandbox", "start"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{} {}",
        stderr(&a),
        stderr(&b)
    );
    let count = run(home.path(), &["shipments", "--limit", "1000", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&count.stdout).unwrap();
    assert!(!rows.as_array().unwrap().is_empty());
    let seeded = [&a, &b]
        .iter()
        .filter(|o| stderr(o).contains("Loading demo data"))
        .count();
    assert_eq!(seeded, 1, "demo data is loaded once");
    assert!(run(home.path(), &["sandbox", "stop"]).status.success());
    assert!(server_pid(home.path()).is_none());
}

#[test]
fn missing_postgresql_names_the_package_to_install() {
    let home = common::home();
    let out = waybill(home.path(), &["sandbox", "start"])
        .env("WAYBILL_PG_BINDIR", home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("apt-get install postgresql"), "{}", stderr(&out));
}

#[test]
fn connection_errors_exit_2_with_one_line_and_no_password() {
    let home = common::home();
    for (url, expected) in [
        ("mysql://root@localhost/db", "must start with postgres://"),
        ("postgres://alice:s3cretpw@127.0.0.1:1/db", "connection refused"),
    ] {
        let out = run(home.path(), &["--database-url", url, "shipments"]);
        assert_eq!(out.status.code(), Some(2), "{url}");
        let err = stderr(&out);
        assert!(err.contains(expected), "{url}: {err}");
        assert!(!err.contains("s3cretpw"), "the password leaked: {err}");
        // One line saying what happened; a password on the command line adds a warning first.
        let warned = err.starts_with("warning: the password in --database-url is visible");
        assert_eq!(warned, url.contains("s3cretpw"), "{err}");
        assert_eq!(err.trim().lines().count(), 1 + usize::from(warned), "{err}");
    }
}

#[test]
fn a_database_without_the_schema_is_named_and_migrate_asks_first() {
    let home = common::home();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (name, db) = rt.block_on(common::empty_db());
    let url = common::url(&name);

    let out = run(home.path(), &["--database-url", &url, "shipments"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("database `{name}` has no `shipment_requests` table")),
        "{}",
        stderr(&out)
    );

    // Not a terminal and no --yes: refused, nothing written.
    let out = run(home.path(), &["--database-url", &url, "migrate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    let installed: bool = rt
        .block_on(sqlx::query_scalar("SELECT to_regclass('shipment_history') IS NOT NULL").fetch_one(&db))
        .unwrap();
    assert!(!installed);

    let out = run(home.path(), &["--database-url", &url, "migrate", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(home.path(), &["--database-url", &url, "seed", "--rows", "500", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(home.path(), &["--database-url", &url, "shipments", "--limit", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("number of results must be between 1 and 1000, got 0 (--limit)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn concurrency_passes_on_the_sandbox_and_writes_plots_junit_and_a_saved_run() {
    let home = common::home();
    let plot = home.path().join("plots/run.png");
    let junit = home.path().join("junit.xml");
    let out = run(
        home.path(),
        &[
            "concurrency",
            "--requests",
            "8",
            "--plot",
            plot.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("CONCURRENT WRITES (8 requests)") && text.contains("ALL CHECKS PASSED"),
        "{text}"
    );
    assert_eq!(text.matches("✅ PASS").count(), 6);
    for file in ["run.png", "run-distribution.png", "run-waterfall.png"] {
        assert!(
            std::fs::read(home.path().join("plots").join(file))
                .unwrap()
                .starts_with(b"\x89PNG"),
            "{file}"
        );
    }
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("tests=\"6\"") && xml.contains("failures=\"0\""), "{xml}");
    let list = run(home.path(), &["concurrency", "--list"]);
    assert!(stdout(&list).contains("Concurrent writes") && stdout(&list).contains("PASS"));
    assert!(
        server_pid(home.path()).is_none(),
        "the sandbox it started is stopped again"
    );
}

#[test]
fn the_unsafe_control_fails_with_exit_1_and_its_evidence() {
    let home = common::home();
    let out = run(
        home.path(),
        &["concurrency", "--unsafe-control", "--requests", "20", "--json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["passed"], false);
    assert_eq!(report["unsafe_control"], true);
    let unique = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Version numbers are unique")
        .unwrap();
    assert_eq!(unique["passed"], false);
    assert!(unique["evidence"][0].as_str().unwrap().contains("got version"));
}

#[test]
fn concurrency_refuses_bad_parameters_and_unconfirmed_writes_with_exit_2() {
    let home = common::home();
    for (args, says) in [
        (
            vec!["concurrency", "--requests", "0"],
            "between 1 and 1000, got 0 (--requests)",
        ),
        (
            vec!["concurrency", "--scenario", "rapid-fire", "--requests", "100000000"],
            "between 1 and 1000000, got 100000000 (--requests)",
        ),
        (vec!["concurrency", "--scenario", "bogus"], "unknown scenario `bogus`"),
        (
            vec!["concurrency", "--scenario", "staggered", "--delay-ms", "-5"],
            "--delay-ms",
        ),
        (vec!["concurrency", "--plot", "out.gif"], ".svg or .png"),
    ] {
        let out = run(home.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert!(
        !home.path().join("waybill/sandbox").exists(),
        "bad parameters are refused before any work"
    );

    // A non-sandbox database: no terminal and no --yes means nothing is written;
    // the unsafe control is refused outright.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (name, db) = rt.block_on(common::migrated_db());
    let url = common::url(&name);
    let out = run(home.path(), &["--database-url", &url, "concurrency"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("writing to database `{name}` on")) && stderr(&out).contains("--yes"),
        "{}",
        stderr(&out)
    );
    let out = run(
        home.path(),
        &["--database-url", &url, "concurrency", "--unsafe-control", "--yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("only on the sandbox"), "{}", stderr(&out));
    let rows: i64 = rt
        .block_on(sqlx::query_scalar("SELECT count(*) FROM shipment_requests").fetch_one(&db))
        .unwrap();
    assert_eq!(rows, 0);

    let out = run(
        home.path(),
        &["--database-url", &url, "concurrency", "--yes", "--requests", "6"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("Database: {name} on ")));
}

/// Logs name hosts and databases; run reports and exports hold other people's
/// data; profiles say where the databases are. None of it is for other users.
#[test]
fn what_waybill_keeps_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let home = common::home();
    let config = home.path().join("config");
    let with_config = |args: &[&str]| {
        let out = waybill(home.path(), args)
            .env("XDG_CONFIG_HOME", &config)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    };
    with_config(&["concurrency"]);
    let export = home.path().join("notes.csv");
    with_config(&[
        "export",
        "--shipment",
        "SHP-2026-000001",
        "-o",
        export.to_str().unwrap(),
    ]);
    with_config(&["profile", "add", "prod", "--url", "postgres://u@db.example.com/orders"]);

    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let data = home.path().join("waybill");
    assert_eq!(mode(&data), 0o711, "others may pass through to the sandbox, not list");
    for dir in [data.join("logs"), data.join("concurrency-runs"), config.join("waybill")] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    let runs: Vec<_> = std::fs::read_dir(data.join("concurrency-runs"))
        .unwrap()
        .flatten()
        .collect();
    assert!(!runs.is_empty());
    for file in runs.iter().map(|e| e.path()).chain([
        data.join("logs/waybill.log"),
        config.join("waybill/profiles.json"),
        export,
    ]) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

/// Two Waybill processes on one sandbox: the one that started it is done
/// first, and the sandbox keeps running under the other, which stops it when
/// it is done in turn. A plain stop is refused while it is in use.
#[test]
fn the_sandbox_stops_when_its_last_user_is_done_never_under_one() {
    use waybill::connection::open_sandbox;
    use waybill::sandbox::Sandbox;
    let home = common::home();
    let sandbox = Sandbox::at(&home.path().join("waybill"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let first = rt
        .block_on(open_sandbox(&sandbox, true, &waybill::progress::ignore))
        .unwrap();
    assert!(first.started_now);
    rt.block_on(first.db.close());

    let second = waybill(
        home.path(),
        &[
            "concurrency",
            "--scenario",
            "rapid-fire",
            "--requests",
            "20000",
            "--max-ms",
            "600000",
        ],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let leases = home.path().join("waybill/sandbox-leases");
    let count = || std::fs::read_dir(&leases).map(|d| d.count()).unwrap_or(0);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while count() < 2 {
        assert!(
            std::time::Instant::now() < until,
            "the second process never took its lease"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let refused = run(home.path(), &["sandbox", "stop"]);
    assert_eq!(refused.status.code(), Some(2), "a plain stop is refused while in use");
    assert!(
        stderr(&refused).contains("in use by another Waybill process"),
        "{}",
        stderr(&refused)
    );

    // The first user is done: the sandbox must not stop under the second.
    assert!(
        !sandbox.release(first.lease).unwrap(),
        "not stopped while the other uses it"
    );
    assert!(server_pid(home.path()).is_some());
    let out = second.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the second finished its work: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(server_pid(home.path()).is_none(), "and, being the last, stopped it");
}

/// Ctrl-C during a long run: requests not yet sent are skipped, those in
/// flight finish, and the report (printed and saved) counts the cancelled.
#[tokio::test]
async fn ctrl_c_cancels_a_run_and_the_report_counts_what_was_never_sent() {
    use std::io::Read;
    let (name, db) = common::migrated_db().await;
    let home = common::home();
    let mut child = Command::new(env!("CARGO_BIN_EXE_waybill"))
        .args(["--database-url", &common::url(&name)])
        .args([
            "concurrency",
            "--scenario",
            "rapid-fire",
            "--requests",
            "500000",
            "--yes",
            "--json",
        ])
        .env("XDG_DATA_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read both pipes as they fill, so the child never blocks on them.
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let out = read(Box::new(child.stdout.take().unwrap()));
    let err = read(Box::new(child.stderr.take().unwrap()));
    // Let it get going: the run's test shipment exists once requests are sent.
    let started = std::time::Instant::now();
    loop {
        let (n,): (i64,) = waybill::db::query_as("SELECT count(*) FROM shipment_history")
            .fetch_one(&db)
            .await
            .unwrap();
        if n > 100 {
            break;
        }
        assert!(started.elapsed().as_secs() < 60, "the run never started");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = child.wait().unwrap();
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(err.contains("cancelling"), "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let cancelled = report["cancelled"].as_u64().unwrap();
    let sent = report["requests"].as_array().unwrap().len() as u64;
    assert!(cancelled > 0, "{err}");
    assert_eq!(sent + cancelled, 500_000);
    assert_ne!(status.code(), Some(0), "a cancelled run is not a pass");
    assert!(err.contains("saved as"), "the cancelled run is saved: {err}");
}

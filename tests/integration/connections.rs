//! Real-world connections (#5): TLS modes against a server with a certificate,
//! the errors people meet, a transaction pooler (PgBouncer) in front, a
//! read-only role, timeouts, and dropped connections. Servers from
//! `scripts/test-services.sh`.

use crate::common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::common::remote::remote;
use tokio_util::sync::CancellationToken;
use waybill::concurrency::{run, RunOptions, Scenario};
use waybill::db::{self, begin_read_only, begin_write};
use waybill::domain::TimelineFilter;
use waybill::profiles::{LinkTls, Profile, TlsMode};
use waybill::timeline;
use waybill::Error;

/// A concurrency run on fresh test shipments of a database that is not the sandbox.
fn run_options(scenario: Scenario, database: &str) -> RunOptions {
    RunOptions {
        scenario,
        params: scenario.defaults(),
        shipment: None,
        unsafe_control: false,
        is_sandbox: false,
        database: database.into(),
        keep_test_shipments: false,
    }
}

fn assert_no_secret(error: &Error, secret: &str) {
    assert!(!error.to_string().contains(secret), "{error}");
    assert!(!format!("{error:?}").contains(secret), "{error:?}");
}

#[tokio::test]
async fn verify_full_with_the_ca_file_connects_encrypted() {
    let r = remote();
    let db = r.open(&r.direct("postgres"), &r.owner_password).await.unwrap();
    let check = waybill::profiles::test_profile(&db).await.unwrap();
    assert_eq!(check.tls, LinkTls::Encrypted, "verify-full encrypts");
    assert_eq!(check.user, "waybill_owner");
    assert_eq!(
        check.tables.missing_table.as_deref(),
        Some("shipment_requests"),
        "an empty database"
    );
}

#[tokio::test]
async fn verify_full_without_the_ca_is_untrusted_and_require_still_encrypts() {
    let r = remote();
    let mut p = r.direct("postgres");
    p.ca_file = None;
    let e = r.open(&p, &r.owner_password).await.unwrap_err();
    assert_eq!(e.code(), "cert_untrusted", "{e}");
    assert!(e.to_string().contains("CA certificate file"), "says what to do: {e}");
    assert_no_secret(&e, &r.owner_password);

    p.tls = TlsMode::Require;
    let db = r.open(&p, &r.owner_password).await.unwrap();
    assert!(
        waybill::profiles::test_profile(&db).await.unwrap().tls == LinkTls::Encrypted,
        "require encrypts without verifying"
    );
}

#[tokio::test]
async fn tls_required_but_not_offered() {
    let r = remote();
    // A server that answers "no TLS here" to the TLS request.
    let peer = common::peer::start("127.0.0.1").await;
    let mut p = Profile::new("plain", "127.0.0.1", peer.port, "postgres", "waybill_owner");
    p.tls = TlsMode::Require;
    let e = r.open(&p, &r.owner_password).await.unwrap_err();
    assert_eq!(e.code(), "tls_not_offered", "{e}");
    assert!(e.to_string().contains(&format!("127.0.0.1:{}", peer.port)), "{e}");
    assert!(
        peer.passwords.lock().unwrap().is_empty(),
        "no password went out unencrypted"
    );
}

#[tokio::test]
async fn verify_full_refuses_a_certificate_issued_for_another_name() {
    let r = remote();
    // The same server, certificate and CA, reached as 127.0.0.2: the
    // certificate names localhost and 127.0.0.1 only.
    let mut p = r.direct("postgres");
    p.host = "127.0.0.2".into();
    let e = r.open(&p, &r.owner_password).await.unwrap_err();
    assert_eq!(e.code(), "cert_untrusted", "{e}");
    assert!(e.to_string().contains("127.0.0.2"), "names the host it reached: {e}");
    assert!(e.to_string().contains("issued for another host name"), "{e}");
    assert_no_secret(&e, &r.owner_password);
    // The same server by a name the certificate carries is trusted.
    p.host = "127.0.0.1".into();
    r.open(&p, &r.owner_password).await.unwrap();
}

#[tokio::test]
async fn wrong_password_is_named_without_echoing_it() {
    let r = remote();
    let wrong = "not-the-password-42";
    let e = r.open(&r.direct("postgres"), wrong).await.unwrap_err();
    assert_eq!(e.code(), "auth_failed", "{e}");
    assert!(e.to_string().contains("waybill_owner"), "{e}");
    assert_no_secret(&e, wrong);
}

#[tokio::test]
async fn no_password_at_all_says_where_it_should_come_from() {
    let r = remote();
    let p = r.direct("postgres");
    let e = waybill::profiles::open_profile(&p, None, None, 1).await.unwrap_err();
    assert_eq!(e.code(), "password_needed", "{e}");
    let keyring = Error::KeyringUnavailable {
        reason: "no Secret Service".into(),
    };
    let e = waybill::profiles::open_profile(&p, None, Some(keyring), 1)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        "keyring_unavailable",
        "the keyring's problem is the one to fix: {e}"
    );
    assert!(e.to_string().contains("this session only"), "{e}");
}

#[tokio::test]
async fn refused_unknown_host_missing_database_and_malformed_urls() {
    let r = remote();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut p = r.direct("postgres");
    p.port = closed;
    let e = r.open(&p, &r.owner_password).await.unwrap_err();
    assert_eq!(e.code(), "connection_refused", "{e}");

    let mut p = Profile::new("x", "no-such-host.invalid", 5432, "db", "u");
    p.tls = TlsMode::Disable;
    let e = r.open(&p, "pw").await.unwrap_err();
    assert_eq!(e.code(), "unknown_host", "{e}");

    let e = r
        .open(&r.direct("no_such_database"), &r.owner_password)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "database_missing", "{e}");
    assert!(e.to_string().contains("no_such_database"), "{e}");

    let e = Profile::from_url("x", "postgres://u:s3cret@host:notaport/db").unwrap_err();
    assert_eq!(e.code(), "bad_url");
    assert_no_secret(&e, "s3cret");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // Accepts the TCP connection and then says nothing, like a black-holed firewall.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let mut p = Profile::new("x", "127.0.0.1", port, "db", "u");
    p.connect_timeout_s = 1;
    let started = std::time::Instant::now();
    let e = remote().open(&p, "pw").await.unwrap_err();
    assert_eq!(e.code(), "connect_timeout", "{e}");
    assert!(started.elapsed() < Duration::from_secs(10), "gave up after the timeout");
    held.abort();
}

#[tokio::test]
async fn the_pooler_serves_the_timeline_and_the_concurrency_test() {
    let r = remote();
    let name = r.seeded_db().await;
    let db = r.open(&r.pooled(&name), &r.owner_password).await.unwrap();
    let check = waybill::profiles::test_profile(&db).await.unwrap();
    assert_eq!(check.tables.missing_table, None);
    assert_eq!(
        check.tls,
        LinkTls::Encrypted,
        "through the pooler with verify-full, as users reach a pooler over a network"
    );
    // With `prefer`, the server only sees the pooler's own link: Waybill says
    // it cannot tell, rather than report the pooler's link as ours.
    let mut prefer = r.pooled(&name);
    prefer.tls = TlsMode::Prefer;
    let preferred = r.open(&prefer, &r.owner_password).await.unwrap();
    assert_eq!(
        waybill::profiles::test_profile(&preferred).await.unwrap().tls,
        LinkTls::Unknown
    );

    // Many statements in a row, from several client connections at once: the
    // pooler hands each transaction whichever server connection is free.
    let shipments = waybill::shipments::search(&db, "", 10).await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for s in shipments.iter().take(6) {
        let (db, key) = (db.clone(), s.id.to_string());
        tasks.spawn(async move {
            let whole = whole_timeline(&db, &key).await;
            let facets = timeline::facets(&db, &key).await.unwrap();
            let blame = timeline::blame::blame(&db, &key).await.unwrap();
            (
                key,
                serde_json::json!({ "timeline": whole, "facets": facets, "blame": blame }),
            )
        });
    }
    // Each answer is the one the server gives directly.
    let direct = r.open(&r.direct(&name), &r.owner_password).await.unwrap();
    while let Some(done) = tasks.join_next().await {
        let (key, pooled) = done.unwrap();
        assert!(!pooled["timeline"].as_array().unwrap().is_empty());
        let expected = serde_json::json!({
            "timeline": whole_timeline(&direct, &key).await,
            "facets": timeline::facets(&direct, &key).await.unwrap(),
            "blame": timeline::blame::blame(&direct, &key).await.unwrap(),
        });
        assert_eq!(pooled, expected, "shipment {key}: through the pooler, as directly");
    }

    let mut options = run_options(Scenario::RapidFire, "through PgBouncer");
    options.params.requests = 200;
    let report = run(&db, &options, &|_| {}, &CancellationToken::new()).await.unwrap();
    assert!(report.passed, "{:#?}", report.checks);
    assert_eq!(report.requests.iter().filter(|q| q.error.is_none()).count(), 200);

    let simultaneous = run_options(Scenario::Concurrent, "through PgBouncer");
    let report = run(&db, &simultaneous, &|_| {}, &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.passed, "{:#?}", report.checks);
}

#[tokio::test]
async fn named_statements_break_through_the_pooler_and_are_explained() {
    // The control: plain sqlx queries (named, cached statements) through the
    // same PgBouncer fail (`prepared statement "sqlx_s_1" does not exist`, the
    // known transaction-pooler failure); Waybill's never do (above).
    let r = remote();
    let db = r.open(&r.pooled("postgres"), &r.owner_password).await.unwrap();
    let mut failure = None;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let db = db.clone();
        tasks.spawn(async move {
            for _ in 0..20 {
                let sql = format!("SELECT {i}::int + $1");
                sqlx::query_scalar::<_, i32>(&sql).bind(1).fetch_one(&*db).await?;
            }
            Ok::<_, sqlx::Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done.unwrap() {
            failure = Some(db.classify(Error::Database(e)));
        }
    }
    let e = failure.expect("named prepared statements fail through a transaction pooler");
    assert_eq!(e.code(), "prepared_statement_lost", "{e}");
    assert!(e.to_string().contains("transaction pooler"), "{e}");
}

#[tokio::test]
async fn session_work_is_refused_through_the_pooler() {
    let r = remote();
    let name = r.seeded_db().await;
    let db = r.open(&r.pooled(&name), &r.owner_password).await.unwrap();
    let e = waybill::install::migrate(&db).await.unwrap_err();
    assert_eq!(e.code(), "through_pooler", "{e}");
    let table = waybill::domain::HistoryTable::default();
    let e = waybill::health::apply::apply(&db, &table, false, &|_| {})
        .await
        .unwrap_err();
    assert_eq!(e.code(), "through_pooler", "{e}");
    assert!(e.to_string().contains("Connect directly"), "{e}");
}

#[tokio::test]
async fn a_read_only_role_browses_and_is_refused_writes_clearly() {
    let r = remote();
    let name = r.seeded_db().await;
    let mut p = r.direct(&name);
    p.user = "waybill_reader".into();
    let db = r.open(&p, &r.reader_password).await.unwrap();
    let check = waybill::profiles::test_profile(&db).await.unwrap();
    assert!(!check.can_write, "the test reports that this user may not write");
    let first = waybill::shipments::search(&db, "", 1).await.unwrap();
    let key = first[0].id.to_string();
    assert!(!timeline::page(&db, &key, &TimelineFilter::default(), None, 5)
        .await
        .unwrap()
        .entries
        .is_empty());

    let options = run_options(Scenario::Concurrent, &name);
    let e = run(&db, &options, &|_| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "permission_denied", "{e}");
    assert!(e.to_string().contains("permission denied"), "{e}");
    let e = waybill::install::migrate(&db).await.unwrap_err();
    assert_eq!(e.code(), "permission_denied", "{e}");
}

#[tokio::test]
async fn a_schema_under_another_name_is_mapped_directly_and_through_the_pooler() {
    let r = remote();
    let name = r.seeded_db().await;
    let owner = r.open(&r.direct(&name), &r.owner_password).await.unwrap();
    for statement in [
        // Mixed case: a schema name quoted one way on one path and not on
        // another would be `audit` there, and not found.
        "CREATE SCHEMA \"Audit\"",
        "ALTER TABLE actors SET SCHEMA \"Audit\"",
        "ALTER TABLE shipment_requests SET SCHEMA \"Audit\"",
        "ALTER TABLE shipment_history SET SCHEMA \"Audit\"",
    ] {
        db::query(statement).execute(&owner).await.unwrap();
    }
    // Unmapped, the tables are missing, and the message names the first one.
    let e = waybill::shipments::search(&owner, "", 1).await.unwrap_err();
    assert_eq!(e.code(), "table_missing", "{e}");

    // Direct first, then through the pooler: the pooler's answers must be the
    // direct connection's, not merely answers.
    let mut seen: Vec<(String, serde_json::Value)> = Vec::new();
    for mut profile in [r.direct(&name), r.pooled(&name)] {
        profile.schema = Some("Audit".into());
        let db = r.open(&profile, &r.owner_password).await.unwrap();
        let listed = waybill::shipments::search(&db, "", 20).await.unwrap();
        let key = listed[0].id.to_string();
        let whole = whole_timeline(&db, &key).await;
        assert!(!whole.is_empty(), "{}", profile.name);
        let blame = waybill::timeline::blame::blame(&db, &key).await.unwrap();
        let facets = timeline::facets(&db, &key).await.unwrap();
        let table = waybill::domain::HistoryTable::in_schema(profile.schema.as_deref());
        let verified = waybill::health::verify::verify(&db, &table).await.unwrap();
        // The concurrency test's calls find the tables too (through the
        // pooler each call's transaction sets the schema).
        let report = run(
            &db,
            &run_options(Scenario::Concurrent, &name),
            &|_| {},
            &CancellationToken::new(),
        )
        .await
        .unwrap();
        assert!(report.passed, "{}: {:#?}", profile.name, report.checks);
        let mut versions: Vec<i32> = report.requests.iter().filter_map(|q| q.version).collect();
        versions.sort();
        let checks: Vec<(String, bool, bool)> = report
            .checks
            .iter()
            .map(|c| (c.name.clone(), c.passed, c.meaningful))
            .collect();
        seen.push((
            profile.name.clone(),
            serde_json::json!({
                "list": listed.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
                "timeline": whole,
                "blame": blame,
                "facets": facets,
                // Which index serves each expectation (sizes and scan counts
                // move as the runs write and read).
                "verify": verified.expected.iter().map(|e| (serde_json::to_value(&e.state).unwrap(), e.found.as_ref().map(|f| f.name.clone()))).collect::<Vec<_>>(),
                "run": { "versions": versions, "checks": checks },
            }),
        ));
    }
    let (direct, pooled) = (&seen[0].1, &seen[1].1);
    for part in ["list", "timeline", "blame", "facets", "verify", "run"] {
        assert_eq!(pooled[part], direct[part], "{part}: through the pooler, as directly");
    }
}

/// Every version of a shipment, page after page, as JSON.
async fn whole_timeline(db: &db::Db, key: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let page = timeline::page(db, key, &TimelineFilter::default(), before, 7)
            .await
            .unwrap();
        out.extend(page.entries.iter().map(|e| serde_json::to_value(e).unwrap()));
        before = page.next_before;
        if before.is_none() {
            return out;
        }
    }
}

#[tokio::test]
async fn statement_and_lock_timeouts_cancel_with_their_own_messages() {
    let r = remote();
    let name = r.seeded_db().await;
    let mut p = r.direct(&name);
    p.statement_timeout_ms = 200;
    p.lock_timeout_ms = 200;
    let db = r.open(&p, &r.owner_password).await.unwrap();

    let mut tx = begin_read_only(&db).await.unwrap();
    let e = db::query("SELECT pg_sleep(3)").execute(&mut *tx).await.unwrap_err();
    let e = db.classify(e.into());
    assert_eq!(e.code(), "statement_timeout", "{e}");
    assert!(e.to_string().contains("200 ms"), "{e}");
    drop(tx);

    let mut holder = begin_write(&db).await.unwrap();
    db::query("LOCK TABLE shipment_requests IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let mut writer = begin_write(&db).await.unwrap();
    let e = db::query("UPDATE shipment_requests SET title = title")
        .execute(&mut *writer)
        .await
        .unwrap_err();
    assert_eq!(db.classify(e.into()).code(), "lock_timeout");
}

/// Terminates, from another session, the backend running `marker`'s query.
async fn kill_query(admin: &waybill::db::Db, marker: &str) {
    for _ in 0..100 {
        let killed: Option<bool> = db::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()",
        )
        .bind(marker)
        .fetch_optional(admin)
        .await
        .unwrap();
        if killed == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the query to kill never showed up");
}

#[tokio::test]
async fn a_dropped_read_is_retried_once_and_a_dropped_write_never() {
    let r = remote();
    let name = r.seeded_db().await;
    let db = r.open(&r.direct(&name), &r.owner_password).await.unwrap();
    let admin = r.open(&r.direct(&name), &r.owner_password).await.unwrap();

    let attempts = &AtomicU32::new(0);
    let read = db.read(|r| async move {
        let n = attempts.fetch_add(1, Ordering::SeqCst);
        // The first attempt sleeps long enough to be killed; the retry does not.
        let sleep = if n == 0 { 10.0 } else { 0.0 };
        let v: i32 = db::query_scalar("SELECT 7 FROM pg_sleep($1) /* waybill-read-victim */")
            .bind(sleep)
            .fetch_one(&mut *r.conn().await)
            .await?;
        Ok(v)
    });
    let (value, ()) = tokio::join!(read, kill_query(&admin, "waybill-read-victim"));
    assert_eq!(value.unwrap(), 7);
    assert_eq!(attempts.load(Ordering::SeqCst), 2, "one retry");

    let writes = AtomicU32::new(0);
    let write = db::write_once(async {
        writes.fetch_add(1, Ordering::SeqCst);
        let mut tx = begin_write(&db).await?;
        db::query("UPDATE shipment_requests SET title = title FROM pg_sleep(10) /* waybill-write-victim */")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    });
    let (result, ()) = tokio::join!(write, kill_query(&admin, "waybill-write-victim"));
    let e = result.unwrap_err();
    assert_eq!(e.code(), "connection_lost_write", "{e}");
    assert!(e.to_string().contains("not retried"), "{e}");
    assert_eq!(writes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn missing_tables_and_a_missing_function_are_named() {
    let r = remote();
    let name = r.seeded_db().await;
    let db = r.open(&r.direct(&name), &r.owner_password).await.unwrap();
    db::query("DROP FUNCTION create_history_entry(uuid, text, uuid, jsonb, text)")
        .execute(&db)
        .await
        .unwrap();
    let status = waybill::install::status(&db).await.unwrap();
    assert_eq!((status.missing_table, status.has_function), (None, false));
    let options = run_options(Scenario::Concurrent, &name);
    let e = run(&db, &options, &|_| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "function_missing", "{e}");
    assert!(
        e.to_string().contains(&name) && e.remedy() == Some(waybill::error::Remedy::InstallTables),
        "{e}"
    );

    db::query("DROP TABLE shipment_history").execute(&db).await.unwrap();
    let e = timeline::page(&db, "SHP-2026-000001", &TimelineFilter::default(), None, 5)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "table_missing", "{e}");
    assert!(e.to_string().contains("shipment_history"), "{e}");
}

#[tokio::test]
async fn a_stock_pgbouncer_takes_waybill_and_a_refused_startup_parameter_is_named() {
    let r = remote();
    let name = r.seeded_db().await;
    // The test PgBouncer runs as it ships (no ignore_startup_parameters):
    // sqlx's `extra_float_digits` used to be refused there on every connection.
    let db = r.open(&r.pooled(&name), &r.owner_password).await.unwrap();
    let page = timeline::page(&db, "SHP-2026-000001", &TimelineFilter::default(), None, 5)
        .await
        .unwrap();
    assert!(!page.entries.is_empty());

    // A profile not marked as pooled sends its schema as a startup option,
    // which a pooler refuses: the error names the parameter and what to do.
    let mut unmarked = r.pooled(&name);
    unmarked.pooler = false;
    unmarked.schema = Some("audit".into());
    let e = r.open(&unmarked, &r.owner_password).await.unwrap_err();
    assert_eq!(e.code(), "startup_parameter_refused", "{e}");
    assert!(e.to_string().contains("`options`"), "{e}");
}

/// The test services are like a careful administrator's: the server's socket
/// directory and the pooler's user list are not for other local users.
#[test]
fn the_test_services_keep_their_sockets_and_passwords_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::path::PathBuf::from(std::env::var("WAYBILL_TEST_SERVICES").expect("the test services run"));
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.join("socket")), 0o700);
    for file in ["userlist.txt", "pgbouncer.ini", "server.key", "ca.key"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
}

/// The test server runs with PostgreSQL's stock `max_connections` (100), as
/// most servers do: a stress run needing more is refused before it writes,
/// saying how many it needs and how many are free.
#[tokio::test]
async fn a_run_the_server_cannot_take_is_refused_before_anything_is_written() {
    let r = remote();
    let name = r.seeded_db().await;
    let db = r.open(&r.direct(&name), &r.owner_password).await.unwrap();
    let (max,): (String,) = db::query_as("SHOW max_connections").fetch_one(&db).await.unwrap();
    assert_eq!(max, "100", "the test server keeps the stock limit");
    let shipments = || async {
        let (n,): (i64,) = db::query_as("SELECT count(*) FROM shipment_requests")
            .fetch_one(&db)
            .await
            .unwrap();
        n
    };
    let before = shipments().await;
    let mut options = run_options(Scenario::Stress, &name);
    options.params.requests = 1000;
    let e = run(&db, &options, &|_| {}, &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "not_enough_connections", "{e}");
    assert!(e.to_string().contains("1001") && e.to_string().contains("100"), "{e}");
    assert_eq!(shipments().await, before, "no test shipment was created");
}

#[tokio::test]
async fn a_write_asks_even_when_the_profiles_ca_file_is_gone_since_connecting() {
    // Once, the write target was read again from the profile's CA file: a file
    // moved away after connecting made it "none", which means "the sandbox,
    // nothing to ask", and migrate and the concurrency test wrote unasked.
    let r = remote();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.crt");
    std::fs::copy(&r.ca, &ca).unwrap();
    let mut profile = r.direct("postgres");
    profile.name = "elsewhere".into();
    profile.ca_file = Some(ca.clone());
    let secrets: std::sync::Arc<dyn waybill::profiles::SecretStore> =
        std::sync::Arc::new(waybill::profiles::MemoryStore::default());
    let options = waybill::connection::OpenOptions {
        session_password: Some(waybill::profiles::Password::new(r.owner_password.clone())),
        ..Default::default()
    };
    let conn = waybill::connection::open(
        waybill::connection::Source::Profile(Box::new(profile)),
        &secrets,
        options,
        &waybill::progress::ignore,
    )
    .await
    .unwrap();
    std::fs::remove_file(&ca).unwrap();

    let target = conn.write_target().expect("a profile is never the sandbox");
    assert_eq!(
        (
            target.profile.as_str(),
            target.database.as_str(),
            target.host.as_str(),
            target.port
        ),
        ("elsewhere", "postgres", "localhost", r.pg_port)
    );
    let e = conn.check_write(None).unwrap_err();
    assert_eq!(e.code(), "confirmation_needed", "{e}");
    assert!(e.to_string().contains("postgres"), "names the database: {e}");
    let yes = waybill::connection::Confirmation::given_for(target);
    assert!(conn.check_write(Some(&yes)).is_ok());
    conn.close().await.unwrap();
}

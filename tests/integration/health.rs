//! Index health on a real PostgreSQL: verification by definition, apply
//! (idempotent, concurrent-safe), invalid indexes, the advisor's claims checked
//! against real plans, explain, the function probe, a restricted role, slow
//! assignments from saved runs, and the CLI's exit codes.

use crate::common;

use waybill::db::Db;

use waybill::concurrency::slow;
use waybill::domain::HistoryTable;
use waybill::health::apply::{self, ApplyProgress};
use waybill::health::verify::{self, IndexState};
use waybill::health::{advise, explain, function};
use waybill::seed::{self, SeedOptions};

fn table() -> HistoryTable {
    HistoryTable::default()
}

fn state_of(h: &verify::IndexHealth, expected: &str) -> (IndexState, Option<String>) {
    let s = h.expected.iter().find(|e| e.expected.name == expected).unwrap();
    (s.state, s.found.as_ref().map(|f| f.name.clone()))
}

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql).execute(db).await.unwrap();
}

async fn seeded() -> (String, Db) {
    let (name, db) = common::migrated_db().await;
    let options = SeedOptions {
        rows: 20_000,
        ..Default::default()
    };
    seed::seed(&db, &options, &|_| {}).await.unwrap();
    (name, db)
}

#[tokio::test]
async fn verification_matches_by_definition_not_by_name() {
    let (_, db) = common::migrated_db().await;
    let h = verify::verify(&db, &table()).await.unwrap();
    assert!(h.all_present, "a migrated database has every expected index");
    assert!(h.verdict.healthy && h.verdict.headline.starts_with("Healthy"));
    assert!(h.verdict.actions.is_empty());
    assert_eq!(h.expected.len(), 6);
    assert!(h.others.is_empty());

    exec(&db, "ALTER INDEX idx_shipment_history_actor RENAME TO who_did_what").await;
    exec(&db, "DROP INDEX idx_shipment_history_event_type").await;
    // Same columns, but timestamp ascending: not the expected definition.
    exec(
        &db,
        "CREATE INDEX lookalike ON shipment_history (shipment_id, event_type, \"timestamp\")",
    )
    .await;
    let h = verify::verify(&db, &table()).await.unwrap();
    assert_eq!(
        state_of(&h, "idx_shipment_history_actor"),
        (IndexState::Present, Some("who_did_what".into())),
        "renamed but equivalent"
    );
    assert_eq!(
        state_of(&h, "idx_shipment_history_event_type"),
        (IndexState::Missing, None)
    );
    assert!(!h.all_present);
    // In plain words, with what to ask the DBA for.
    assert!(!h.verdict.healthy);
    assert_eq!(
        h.verdict.headline,
        "Needs attention: 1 of the 6 expected indexes is missing or unusable. Tell your DBA:"
    );
    assert_eq!(h.verdict.actions.len(), 1);
    assert!(
        h.verdict.actions[0].contains("(shipment_id, event_type, \"timestamp\" DESC)"),
        "{:?}",
        h.verdict.actions
    );
    assert_eq!(
        h.others.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        vec!["lookalike"]
    );
    assert!(h.table_bytes > 0 && h.index_bytes > 0);

    let missing = HistoryTable::parse("audit.shipment_history").unwrap();
    let e = verify::verify(&db, &missing).await.unwrap_err();
    assert_eq!(e.code(), "table_missing");
    assert!(e.to_string().contains("audit.shipment_history"), "{e}");
}

#[tokio::test]
async fn apply_creates_the_missing_ones_concurrently_and_twice_changes_nothing() {
    let (_, db) = seeded().await;
    exec(&db, "DROP INDEX idx_shipment_history_actor").await;
    exec(&db, "DROP INDEX idx_shipment_history_composite").await;

    let phases = std::sync::Mutex::new(Vec::new());
    let record = |p: ApplyProgress| phases.lock().unwrap().push(p);
    // Two applies at once (two QA people pressing the button): they take turns.
    let t = table();
    let (a, b) = tokio::join!(
        apply::apply(&db, &t, false, &record),
        apply::apply(&db, &t, false, &record)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut created: Vec<String> = a.created.iter().chain(&b.created).cloned().collect();
    created.sort();
    assert_eq!(
        created,
        vec!["idx_shipment_history_actor", "idx_shipment_history_composite"]
    );
    assert!(b.health.all_present && a.health.all_present);
    assert!(b.health.others.is_empty(), "no duplicate under another name");
    let statements: Vec<String> = phases
        .lock()
        .unwrap()
        .iter()
        .filter_map(|p| match p {
            ApplyProgress::Started { sql, .. } => Some(sql.clone()),
            _ => None,
        })
        .collect();
    assert!(
        statements
            .iter()
            .all(|s| s.starts_with("CREATE INDEX CONCURRENTLY IF NOT EXISTS")),
        "{statements:?}"
    );

    let again = apply::apply(&db, &table(), false, &|_| {}).await.unwrap();
    assert!(again.created.is_empty() && again.rebuilt.is_empty());
}

#[tokio::test]
async fn a_missing_unique_constraint_comes_back_as_a_constraint() {
    let (_, db) = common::migrated_db().await;
    exec(
        &db,
        "ALTER TABLE shipment_history DROP CONSTRAINT shipment_history_unique_version",
    )
    .await;
    let report = apply::apply(&db, &table(), false, &|_| {}).await.unwrap();
    assert_eq!(report.created, vec!["shipment_history_unique_version"]);
    let unique = report.health.expected.iter().find(|e| e.expected.unique).unwrap();
    assert_eq!(
        unique.found.as_ref().unwrap().constraint.as_deref(),
        Some("shipment_history_unique_version")
    );
}

#[tokio::test]
async fn an_invalid_index_is_detected_and_rebuilt_when_asked() {
    let (_, db) = common::migrated_db().await;
    // What a failed CREATE INDEX CONCURRENTLY leaves behind: the catalog says invalid.
    exec(
        &db,
        "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'idx_shipment_history_actor'::regclass",
    )
    .await;
    let h = verify::verify(&db, &table()).await.unwrap();
    assert_eq!(state_of(&h, "idx_shipment_history_actor").0, IndexState::Invalid);
    assert!(!h.all_present);
    assert!(
        h.verdict
            .actions
            .iter()
            .any(|a| a.starts_with("Rebuild idx_shipment_history_actor:")),
        "{:?}",
        h.verdict.actions
    );

    let report = apply::apply(&db, &table(), false, &|_| {}).await.unwrap();
    assert_eq!(
        report.skipped_invalid,
        ["idx_shipment_history_actor"],
        "left alone unless asked"
    );
    assert_eq!(
        state_of(&report.health, "idx_shipment_history_actor").0,
        IndexState::Invalid
    );

    let report = apply::apply(&db, &table(), true, &|_| {}).await.unwrap();
    assert_eq!(report.rebuilt, vec!["idx_shipment_history_actor"]);
    assert!(report.health.all_present);
}

#[tokio::test]
async fn the_advisors_claims_hold_in_real_plans_and_nothing_is_dropped() {
    let (_, db) = seeded().await;
    let advice = advise::advise(&db, &table()).await.unwrap();
    let pairs: Vec<(&str, &str)> = advice
        .redundant
        .iter()
        .map(|r| (r.index.as_str(), r.covered_by.as_str()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("idx_shipment_history_timestamp_desc", "idx_shipment_history_composite"),
            ("idx_shipment_history_version_desc", "shipment_history_unique_version"),
        ]
    );
    assert_eq!(
        advice.savings_bytes,
        advice.redundant.iter().map(|r| r.size_bytes).sum::<i64>()
    );
    assert!(advice.savings_bytes > 0 && advice.index_bytes > advice.savings_bytes);

    let check = advise::check_plans(&db, &table(), None).await.unwrap();
    assert_eq!(check.dropped.len(), 2);
    assert!(check.changes.len() >= 4);
    for c in &check.changes {
        assert!(
            !c.after_seq_scan,
            "{} falls back to a sequential scan without them",
            c.query
        );
        assert!(!c.after_indexes.is_empty(), "{} still uses an index", c.query);
        assert!(
            c.after_indexes.iter().all(|i| !check.dropped.contains(i)),
            "the plan without them does not use them"
        );
    }
    let h = verify::verify(&db, &table()).await.unwrap();
    assert!(h.all_present, "the drop was rolled back");
}

#[tokio::test]
async fn explain_names_the_index_each_app_query_uses() {
    let (_, db) = seeded().await;
    let report = explain::explain(&db, None).await.unwrap();
    let names: Vec<&str> = report.queries.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names.len(), 5, "{names:?}");
    for q in &report.queries {
        assert!(!q.indexes.is_empty(), "{} uses an index:\n{}", q.name, q.plan);
        assert!(
            !q.seq_scans.iter().any(|s| s == "shipment_history"),
            "{}:\n{}",
            q.name,
            q.plan
        );
        assert!(q.execution_ms > 0.0);
        assert!(q.sql.starts_with("SELECT "), "{}", q.sql);
    }
    let e = explain::explain(&db, Some("SHP-NOPE")).await.unwrap_err();
    assert_eq!(e.code(), "shipment_not_found");
}

#[tokio::test]
async fn the_probe_proves_the_function_serializes_and_writes_nothing() {
    let (name, db) = seeded().await;
    let count = |db: Db| async move {
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM shipment_history")
            .fetch_one(&db)
            .await
            .unwrap();
        n
    };
    let before = count(db.clone()).await;
    let check = function::check(&db, None).await.unwrap();
    assert!(check.probe.serialized, "{}", check.probe.verdict);
    assert_eq!(
        check.probe.second_version, check.probe.first_version,
        "the second got the first's number after its rollback"
    );
    assert!(check.sources[0].contains("FOR UPDATE"));
    assert_eq!(count(db.clone()).await, before, "nothing was written");

    // The guide's kind of mistake: a version read with no lock. The probe must catch it.
    sqlx::raw_sql(include_str!("../../src/concurrency/unsafe_control.sql"))
        .execute(&db)
        .await
        .unwrap();
    let unsafe_first = common::options(&name).options([("search_path", "waybill_unsafe,public")]);
    let unsafe_pool = waybill::db::connect(unsafe_first, 4).await.unwrap();
    let check = function::check(&unsafe_pool, None).await.unwrap();
    assert!(!check.probe.serialized, "{}", check.probe.verdict);
    assert!(
        check.probe.verdict.contains("does NOT serialize"),
        "{}",
        check.probe.verdict
    );
    assert!(!check.sources[0].contains("FOR UPDATE"));
}

#[tokio::test]
async fn a_restricted_role_sees_the_health_and_gets_a_clear_refusal() {
    let (name, db) = common::migrated_db().await;
    let role = format!("reader_{}", &name[2..10]);
    exec(&db, &format!("CREATE ROLE {role} LOGIN")).await;
    exec(&db, &format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")).await;
    exec(&db, "DROP INDEX idx_shipment_history_actor").await;
    let reader = waybill::db::connect(common::options(&name).username(&role), 4)
        .await
        .unwrap();

    let h = verify::verify(&reader, &table()).await.unwrap();
    assert_eq!(state_of(&h, "idx_shipment_history_actor").0, IndexState::Missing);
    let e = apply::apply(&reader, &table(), false, &|_| {}).await.unwrap_err();
    assert_eq!(e.code(), "permission_denied");
    let message = e.to_string();
    assert!(
        message.contains("create index idx_shipment_history_actor on public.shipment_history"),
        "{message}"
    );
    assert!(message.contains("must be owner"), "{message}");
    assert_eq!(
        e.remedy(),
        Some(waybill::error::Remedy::HandOverSql),
        "the statements can be handed over"
    );
}

#[tokio::test]
async fn slow_assignments_come_from_saved_concurrency_runs() {
    let (name, db) = common::migrated_db().await;
    let dir = common::home();
    drop(db);
    let conn = common::connection(&name).await;
    let overrides = waybill::concurrency::Overrides {
        requests: Some(20),
        ..Default::default()
    };
    let suite = waybill::concurrency::Suite::new(
        waybill::concurrency::Choice::One(waybill::concurrency::Scenario::RapidFire),
        &overrides,
        None,
    );
    let token = tokio_util::sync::CancellationToken::new();
    let confirmed = common::confirmed(&conn);
    waybill::concurrency::view::run_and_save(&conn, &suite, confirmed.as_ref(), dir.path(), &|_| {}, &token)
        .await
        .unwrap();
    let everything = slow::slow_assignments(dir.path(), 0.000_001, 0, 100).unwrap();
    assert_eq!(
        (everything.runs, everything.assignments, everything.slow_total),
        (1, 20, 20)
    );
    assert!(everything.slow.windows(2).all(|w| w[0].ms >= w[1].ms), "slowest first");
    // Labelled as what they are: assignments of a test run.
    assert!(
        everything.slow.iter().all(|s| s.run_title == "Rapid fire"),
        "{:?}",
        everything.slow[0].run_title
    );
    // Pages: every assignment once, in order.
    let first = slow::slow_assignments(dir.path(), 0.000_001, 0, 8).unwrap();
    let second = slow::slow_assignments(dir.path(), 0.000_001, 8, 8).unwrap();
    let third = slow::slow_assignments(dir.path(), 0.000_001, 16, 8).unwrap();
    assert_eq!((first.slow.len(), second.slow.len(), third.slow.len()), (8, 8, 4));
    let paged: Vec<f64> = [first.slow, second.slow, third.slow]
        .concat()
        .iter()
        .map(|s| s.ms)
        .collect();
    let whole: Vec<f64> = everything.slow.iter().map(|s| s.ms).collect();
    assert_eq!(paged, whole);
    let none = slow::slow_assignments(dir.path(), 60_000.0, 0, 100).unwrap();
    assert_eq!(none.slow_total, 0);
    assert!(slow::slow_assignments(dir.path(), -1.0, 0, 10).is_err());
}

#[tokio::test]
async fn the_cli_exits_by_what_it_found_and_asks_before_writing() {
    let (name, db) = common::migrated_db().await;
    let home = common::home();
    let run = |args: &[&str]| common::waybill_cli(&name, home.path(), args);
    let (code, out, _) = run(&["indexes"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("✅").count(), 6, "{out}");

    exec(&db, "DROP INDEX idx_shipment_history_event_type").await;
    let (code, out, _) = run(&["indexes"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("❌ (shipment_id, event_type, \"timestamp\" DESC)"),
        "{out}"
    );

    let (code, out, _) = run(&["indexes", "--sql"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_shipment_history_event_type"),
        "{out}"
    );

    let (code, _, err) = run(&["indexes", "--apply"]);
    assert_eq!(code, 2, "no terminal and no --yes: refused");
    assert!(err.contains("needs your confirmation"), "{err}");
    assert!(
        !verify::verify(&db, &table()).await.unwrap().all_present,
        "nothing was written"
    );

    let (code, out, _) = run(&["indexes", "--apply", "--yes", "--json"]);
    assert_eq!(code, 0);
    let health: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(health["all_present"], serde_json::json!(true));

    let (code, out, _) = run(&["indexes", "--advise"]);
    assert_eq!(code, 0);
    assert!(out.contains("redundant: idx_shipment_history_version_desc"), "{out}");

    let (code, _, err) = run(&["indexes", "--table", "nope.nothing"]);
    assert_eq!(code, 2);
    assert!(err.contains("no `nope.nothing` table"), "{err}");
}

#[tokio::test]
async fn a_history_table_under_another_schema_and_name_can_be_checked_and_fixed() {
    let (_, db) = common::migrated_db().await;
    // A copy with the same indexes under generated names, as other people's databases have them.
    exec(&db, "CREATE SCHEMA audit").await;
    exec(
        &db,
        "CREATE TABLE audit.history (LIKE public.shipment_history INCLUDING ALL)",
    )
    .await;
    let table = HistoryTable::parse("audit.history").unwrap();
    let h = verify::verify(&db, &table).await.unwrap();
    assert!(
        h.all_present,
        "{:?}",
        h.expected
            .iter()
            .map(|e| (&e.expected.name, e.state))
            .collect::<Vec<_>>()
    );
    assert!(
        h.expected
            .iter()
            .all(|e| e.found.as_ref().unwrap().name.starts_with("history_")),
        "found under their own names"
    );

    let composite = state_of(&h, "idx_shipment_history_composite").1.unwrap();
    exec(&db, &format!("DROP INDEX audit.{composite}")).await;
    let report = apply::apply(&db, &table, false, &|_| {}).await.unwrap();
    assert_eq!(report.created, vec!["idx_shipment_history_composite"]);
    assert!(report.health.all_present);
    let (schema,): (String,) = sqlx::query_as(
        "SELECT schemaname::text FROM pg_indexes WHERE indexname = 'idx_shipment_history_composite' AND tablename = 'history'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(schema, "audit", "created on that table, in its schema");
}

/// A second apply waits for the first (they take turns on an advisory lock),
/// but not forever: as long as the profile's lock timeout, then it says so.
#[tokio::test]
async fn an_apply_waiting_for_another_gives_up_after_the_lock_timeout() {
    let (name, db) = common::migrated_db().await;
    exec(&db, "DROP INDEX idx_shipment_history_actor").await;
    // Another apply holds the turn: the same advisory lock, in a session of its own.
    let mut holder = db.acquire().await.unwrap();
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(0x0077_6269_6e64_6578i64)
        .execute(&mut *holder)
        .await
        .unwrap();
    let rules = waybill::db::SessionRules {
        lock_timeout_ms: 500,
        ..Default::default()
    };
    let impatient = waybill::db::connect_with(common::options(&name), 2, rules)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        apply::apply(&impatient, &table(), false, &|_| {}),
    )
    .await
    .expect("it gives up by itself");
    assert_eq!(result.unwrap_err().code(), "lock_timeout");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    drop(holder);
}

#[tokio::test]
async fn the_optional_indexes_are_only_offered_and_created_when_asked() {
    let (name, db) = common::migrated_db().await;
    // A plain index on "timestamp" is not the optional one (it covers nothing), nor is
    // one on the status index's columns without its condition.
    exec(&db, "CREATE INDEX plain_ts ON shipment_history (\"timestamp\")").await;
    exec(
        &db,
        "CREATE INDEX every_version ON shipment_history (shipment_id, version_no) INCLUDE (\"timestamp\")",
    )
    .await;
    let h = verify::verify(&db, &table()).await.unwrap();
    assert_eq!(h.optional.len(), 2);
    assert!(
        h.optional.iter().all(|o| o.state == IndexState::Missing),
        "{:?}",
        h.optional
    );
    assert!(h.all_present, "an optional index missing is no health problem");
    assert!(h.others.iter().any(|o| o.name == "plain_ts"));
    assert!(h.others.iter().any(|o| o.name == "every_version"));
    // Applying the expected ones leaves them alone.
    let report = apply::apply(&db, &table(), false, &|_| {}).await.unwrap();
    assert!(report.created.is_empty());
    assert_eq!(report.health.optional[0].state, IndexState::Missing);
    // What the window offers to create is what an apply creates.
    let offered = report.health.optional_to_create.clone();

    let report = apply::apply_optional(&db, &table(), &|_| {}).await.unwrap();
    assert_eq!(
        report.created,
        ["idx_shipment_history_timestamp", "idx_shipment_history_status_changes"]
    );
    assert_eq!(report.created, offered);
    assert!(report.health.optional_to_create.is_empty());
    let o = &report.health.optional[0];
    assert_eq!(o.state, IndexState::Present);
    assert!(o
        .found
        .as_ref()
        .unwrap()
        .definition
        .contains("INCLUDE (shipment_id, actor_id, event_type)"));
    // The partial one is recognised by its condition as PostgreSQL prints it back.
    let status = &report.health.optional[1];
    assert_eq!(status.state, IndexState::Present);
    let found = status.found.as_ref().unwrap();
    assert_eq!(found.name, "idx_shipment_history_status_changes");
    assert!(
        found.definition.ends_with("WHERE (changes ? 'status'::text)"),
        "{}",
        found.definition
    );
    assert!(!report
        .health
        .others
        .iter()
        .any(|x| x.name.starts_with("idx_shipment_history_")));
    // Twice changes nothing; the CLI says so.
    assert!(apply::apply_optional(&db, &table(), &|_| {})
        .await
        .unwrap()
        .created
        .is_empty());
    let home = common::home();
    let (code, out, err) = common::waybill_cli(&name, home.path(), &["indexes", "--apply", "--optional", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("nothing to create: the optional indexes are there"),
        "{out}"
    );
    // The overview knows it is served now.
    let o = waybill::overview::overview(
        &db,
        &waybill::overview::OverviewRequest {
            range: waybill::overview::OverviewRange::Last7Days,
            time_zone: "UTC".into(),
        },
    )
    .await
    .unwrap();
    assert!(o.time_indexed);
}

//! Layouts whose library Debian does not ship (Audited is a Ruby gem outside
//! Debian, supa_audit and the audit trigger are SQL scripts, Bemi reads the
//! WAL with its own worker), and a team's own guide-shaped table: each
//! history written by a trigger shaped on the library's documented table and
//! values, during one story told to every layout:
//!
//! 1. ana books SHP-1 (Coffee, booked);
//! 2. ben sets it in transit with Maersk;
//! 3. ben renames it "Coffee, 12 pallets";
//! 4. ana deletes it.
//!
//! Each step is its own transaction, the actor in `app.user`.

use serde_json::json;
use sqlx::PgPool;
use waybill::domain::layout::{detect, Preset};
use waybill::domain::TimelineFilter;
use waybill::integrity::{FindingKind, IntegrityReport};
use waybill::overview::{self, OverviewRange, OverviewRequest};
use waybill::timeline::{self, blame, version};

use super::{fields, fresh_db, open, open_plain};

const SHIPMENTS: &str =
    "CREATE TABLE shipments (id bigint PRIMARY KEY, reference text, title text, status text, carrier text);
CREATE TABLE users (id bigint PRIMARY KEY, name text);
INSERT INTO users VALUES (1, 'ana'), (2, 'ben');";

async fn tell_the_story(pool: &PgPool) {
    let steps = [
        (
            "1",
            "INSERT INTO shipments VALUES (1, 'SHP-1', 'Coffee', 'booked', NULL)",
        ),
        (
            "2",
            "UPDATE shipments SET status = 'in_transit', carrier = 'Maersk' WHERE id = 1",
        ),
        ("2", "UPDATE shipments SET title = 'Coffee, 12 pallets' WHERE id = 1"),
        ("1", "DELETE FROM shipments WHERE id = 1"),
    ];
    for (user, statement) in steps {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("SELECT set_config('app.user', $1, true)")
            .bind(user)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(statement).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }
}

async fn setup(pool: &PgPool, sql: &str) {
    sqlx::raw_sql(SHIPMENTS).execute(pool).await.unwrap();
    sqlx::raw_sql(sql).execute(pool).await.unwrap();
    tell_the_story(pool).await;
}

/// What every layout must tell of the story, read through `spec` as `key`.
async fn assert_the_story(database: &str, spec: &str, key: &str, actors: Option<[&str; 4]>) {
    let conn = open(database, spec).await;
    let db = conn.db();
    let page = timeline::page(db, key, &TimelineFilter::default(), None, 50)
        .await
        .unwrap_or_else(|e| panic!("{spec}: {e}"));
    let events: Vec<(i32, &str)> = page
        .entries
        .iter()
        .map(|e| (e.version_no, e.event_type.as_str()))
        .collect();
    assert_eq!(
        events,
        [(4, "deleted"), (3, "updated"), (2, "updated"), (1, "created")],
        "{spec}"
    );
    assert_eq!(fields(&page.entries[2]), ["carrier", "status"], "{spec}");
    assert_eq!(fields(&page.entries[1]), ["title"], "{spec}");
    assert!(
        page.entries[2].summary.contains("status: booked → in_transit"),
        "{spec}: {}",
        page.entries[2].summary
    );
    if let Some(actors) = actors {
        let seen: Vec<&str> = page
            .entries
            .iter()
            .map(|e| e.actor_name.as_deref().or(e.actor_id.as_deref()).unwrap_or(""))
            .collect();
        assert_eq!(seen, actors, "{spec}");
    }
    // Versions 1 and 3 compare: the states rebuilt from what each change recorded.
    let cmp = version::compare(db, key, 1, 3).await.unwrap();
    let paths: Vec<(&str, Option<&str>, Option<&str>)> = cmp
        .diff
        .fields
        .iter()
        .map(|f| {
            (
                f.path.as_str(),
                f.old.as_ref().and_then(|v| v.as_str()),
                f.new.as_ref().and_then(|v| v.as_str()),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            ("carrier", None, Some("Maersk")),
            ("status", Some("booked"), Some("in_transit")),
            ("title", Some("Coffee"), Some("Coffee, 12 pallets")),
        ],
        "{spec}"
    );
    let v2 = version::version(db, key, 2).await.unwrap();
    assert_eq!((v2.previous, v2.next, v2.latest), (Some(1), Some(3), 4), "{spec}");
    // Blame, as of the version before the deletion (the deletion removes every field).
    let b = blame::blame(db, key).await.unwrap();
    assert_eq!(b.latest_version, 4, "{spec}");
}

/// Audited's table as its install generator makes it, and what it writes:
/// a creation's and a destruction's attributes as values, an update's as
/// [old, new] pairs; `version` counts per record.
const AUDITED: &str = "CREATE TABLE audits (id bigserial PRIMARY KEY, auditable_id bigint, auditable_type varchar,
           associated_id bigint, associated_type varchar, user_id bigint, user_type varchar, username varchar,
           action varchar, audited_changes jsonb, version integer DEFAULT 0, comment varchar,
           remote_address varchar, request_uuid varchar, created_at timestamp);
         CREATE FUNCTION audited() RETURNS trigger LANGUAGE plpgsql AS $$
         DECLARE row jsonb; changes jsonb; n integer;
         BEGIN
           row := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
           IF TG_OP = 'UPDATE' THEN
             SELECT jsonb_object_agg(k, jsonb_build_array(to_jsonb(OLD) -> k, to_jsonb(NEW) -> k)) INTO changes
               FROM jsonb_object_keys(row) k WHERE to_jsonb(OLD) -> k IS DISTINCT FROM to_jsonb(NEW) -> k;
           ELSE
             changes := jsonb_strip_nulls(row) - 'id';
           END IF;
           SELECT COALESCE(max(version), 0) + 1 INTO n FROM audits WHERE auditable_type = 'Shipment' AND auditable_id = (row ->> 'id')::bigint;
           INSERT INTO audits (auditable_id, auditable_type, user_id, user_type, action, audited_changes, version, created_at)
           VALUES ((row ->> 'id')::bigint, 'Shipment', current_setting('app.user')::bigint, 'User',
                   CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'destroy' END,
                   changes, n, clock_timestamp() AT TIME ZONE 'UTC');
           RETURN NULL;
         END $$;
         CREATE TRIGGER audited AFTER INSERT OR UPDATE OR DELETE ON shipments FOR EACH ROW EXECUTE FUNCTION audited();";

#[tokio::test]
async fn audited() {
    let (name, pool) = fresh_db().await;
    setup(&pool, AUDITED).await;
    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].preset, Preset::Audited);
    assert_eq!(found[0].spec, "audited:auditable_type=Shipment");
    assert_the_story(&name, &found[0].spec, "1", Some(["ana", "ben", "ben", "ana"])).await;
    // The deleted record is found by the reference its history gave it.
    let conn = open(&name, &found[0].spec).await;
    let page = timeline::page(conn.db(), "shp-1", &TimelineFilter::default(), None, 5)
        .await
        .unwrap();
    assert_eq!(
        (page.shipment.id.as_str(), page.shipment.reference.as_str()),
        ("1", "SHP-1")
    );
}

/// The integrity scan of the whole history, read through `spec`.
async fn scan(database: &str, spec: &str) -> IntegrityReport {
    super::integrity_of(&open(database, spec).await).await
}

/// Each kind the scan found, with how many, and the kinds it did not check.
fn found(r: &IntegrityReport) -> (Vec<(&'static str, u64)>, Vec<&'static str>) {
    let found = r
        .counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.kind.code(), c.count))
        .collect();
    let not_checked = r
        .counts
        .iter()
        .filter(|c| c.not_checked.is_some())
        .map(|c| c.kind.code())
        .collect();
    (found, not_checked)
}

/// SHP-2 (Tea) booked, set in transit, given a carrier by ana: three
/// versions written by the layout's trigger, in one transaction.
async fn tea_through_the_trigger(pool: &PgPool) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT set_config('app.user', '1', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    for sql in [
        "INSERT INTO shipments VALUES (2, 'SHP-2', 'Tea', 'booked', NULL)",
        "UPDATE shipments SET status = 'in_transit' WHERE id = 2",
        "UPDATE shipments SET carrier = 'DHL' WHERE id = 2",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Statements with the application's user `user` and the trigger off:
/// what is done behind the audit library's back.
async fn behind_its_back(pool: &PgPool, statements: &[&str]) {
    for sql in statements {
        sqlx::query(sql)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

#[tokio::test]
async fn the_integrity_scan_on_audited_finds_what_its_racy_version_numbers_leave() {
    let (name, pool) = fresh_db().await;
    setup(&pool, AUDITED).await;
    let spec = "audited:auditable_type=Shipment";
    // Audited's creations and destructions hold values, its updates pairs:
    // the scan decodes them as the server's rewrite reads them.
    assert_eq!(super::pairs_read_alike(&open(&name, spec).await).await, 4);
    // The story as Audited wrote it: clean, and every check runs but drift
    // (Audited keeps no snapshot). SHP-1 was destroyed: its history is no orphan.
    let r = scan(&name, spec).await;
    assert!(r.clean, "{:#?}", r.findings);
    assert_eq!(found(&r), (vec![], vec!["snapshot_drift"]));
    assert_eq!(
        r.unique_columns.as_deref(),
        Some("(auditable_type, auditable_id, version)")
    );
    assert!(!r.unique_rule, "Audited's generator makes no unique index");
    sqlx::query("CREATE UNIQUE INDEX audits_version ON audits (auditable_type, auditable_id, version)")
        .execute(&pool)
        .await
        .unwrap();
    assert!(scan(&name, spec).await.unique_rule);
    sqlx::query("DROP INDEX audits_version").execute(&pool).await.unwrap();

    // SHP-2 by the trigger, then what races and hand edits leave: a version
    // number taken twice (MAX + 1, audited #469), a version deleted, a time
    // set back, the row changed with the trigger off.
    tea_through_the_trigger(&pool).await;
    behind_its_back(
        &pool,
        &[
            "INSERT INTO audits (auditable_id, auditable_type, user_id, user_type, action, audited_changes, version, created_at)
             SELECT auditable_id, auditable_type, 2, user_type, action, '{\"carrier\": [null, \"UPS\"]}', version, created_at
               FROM audits WHERE auditable_id = 2 AND version = 3",
            "DELETE FROM audits WHERE auditable_id = 1 AND version = 3",
            "UPDATE audits SET created_at = created_at - interval '1 hour' WHERE auditable_id = 2 AND version = 2",
            "ALTER TABLE shipments DISABLE TRIGGER audited",
            "UPDATE shipments SET title = 'Green tea' WHERE id = 2",
            "ALTER TABLE shipments ENABLE TRIGGER audited",
        ],
    )
    .await;
    let r = scan(&name, spec).await;
    assert!(!r.clean);
    assert_eq!(
        found(&r).0,
        [
            ("duplicate_version", 1),
            ("gap", 1),
            ("time_order", 1),
            ("lost_update", 1),
            ("row_mismatch", 1)
        ],
        "{:#?}",
        r.findings
    );
    let kind = |k: FindingKind| r.findings.iter().find(|f| f.kind == k).unwrap();
    let dup = kind(FindingKind::DuplicateVersion);
    assert_eq!(
        (dup.shipment_reference.as_deref(), dup.versions.as_slice()),
        (Some("SHP-2"), &[3][..])
    );
    let writers: Vec<Option<&str>> = dup.writers.iter().map(|w| w.actor_name.as_deref()).collect();
    assert_eq!(writers, [Some("ana"), Some("ben")]);
    let gap = kind(FindingKind::Gap);
    assert_eq!(
        (gap.shipment_id.as_deref(), gap.versions.as_slice()),
        (Some("1"), &[3][..])
    );
    assert_eq!(kind(FindingKind::TimeOrder).versions, [1, 2]);
    // The twin v3 was written from a copy that had no carrier yet: ana's DHL is overwritten.
    let lost = kind(FindingKind::LostUpdate);
    assert_eq!(lost.field.as_deref(), Some("carrier"));
    assert_eq!(lost.values, [json!(null), json!("DHL")]);
    // The history's latest says UPS (the twin) and Tea; the row says DHL and Green tea.
    let row = kind(FindingKind::RowMismatch);
    assert_eq!(
        row.values,
        [
            json!("carrier"),
            json!("UPS"),
            json!("DHL"),
            json!("title"),
            json!("Tea"),
            json!("Green tea")
        ]
    );
}

/// supa_audit's table: the record's identity as a uuid of its table and
/// primary key, the row before and after as jsonb.
const SUPA_AUDIT: &str = "CREATE SCHEMA audit;
         CREATE TYPE audit.operation AS ENUM ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE');
         CREATE TABLE audit.record_version (id bigserial PRIMARY KEY, record_id uuid, old_record_id uuid,
           op audit.operation NOT NULL, ts timestamptz NOT NULL DEFAULT now(), table_oid oid NOT NULL,
           table_schema name NOT NULL, table_name name NOT NULL, record jsonb, old_record jsonb);
         CREATE FUNCTION audit.insert_update_delete_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
         DECLARE rec jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
                 old jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
         BEGIN
           INSERT INTO audit.record_version (record_id, old_record_id, op, ts, table_oid, table_schema, table_name, record, old_record)
           VALUES (md5(TG_RELID::text || (rec ->> 'id'))::uuid, md5(TG_RELID::text || (old ->> 'id'))::uuid,
                   TG_OP::audit.operation, clock_timestamp(), TG_RELID, TG_TABLE_SCHEMA, TG_TABLE_NAME, rec, old);
           RETURN NULL;
         END $$;
         CREATE TRIGGER audit_i_u_d AFTER INSERT OR UPDATE OR DELETE ON shipments
           FOR EACH ROW EXECUTE FUNCTION audit.insert_update_delete_trigger();";

#[tokio::test]
async fn supa_audit() {
    let (name, pool) = fresh_db().await;
    setup(&pool, SUPA_AUDIT).await;
    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].spec, "supa_audit:table=public.shipments");
    let (key,): (String,) =
        sqlx::query_as("SELECT DISTINCT record_id::text FROM audit.record_version WHERE record_id IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_the_story(&name, &found[0].spec, &key, None).await;
}

#[tokio::test]
async fn the_integrity_scan_on_supa_audit_chains_each_before_to_the_after_before_it() {
    let (name, pool) = fresh_db().await;
    setup(&pool, SUPA_AUDIT).await;
    let spec = "supa_audit:table=public.shipments";
    let r = scan(&name, spec).await;
    assert!(r.clean, "{:#?}", r.findings);
    // Its record ids are uuids of table and key: no records table to compare; no actor.
    assert_eq!(
        found(&r),
        (
            vec![],
            vec![
                "duplicate_version",
                "gap",
                "row_mismatch",
                "orphan_history",
                "unknown_actor"
            ]
        )
    );
    tea_through_the_trigger(&pool).await;
    // The second version's "before" says on_hold where the first left booked
    // (a write from a stale copy); the third's row was retitled in both images
    // (a hand edit): neither a change of its own nor the version before.
    behind_its_back(
        &pool,
        &[
            "UPDATE audit.record_version SET old_record = jsonb_set(old_record, '{status}', '\"on_hold\"')
              WHERE op = 'UPDATE' AND record ->> 'id' = '2' AND record ->> 'status' = 'in_transit' AND record ->> 'carrier' IS NULL",
            "UPDATE audit.record_version SET old_record = jsonb_set(old_record, '{title}', '\"Decaf\"'),
                                             record = jsonb_set(record, '{title}', '\"Decaf\"')
              WHERE op = 'UPDATE' AND record ->> 'id' = '2' AND record ->> 'carrier' = 'DHL'",
        ],
    )
    .await;
    let r = scan(&name, spec).await;
    assert_eq!(found(&r).0, [("snapshot_drift", 1), ("lost_update", 1)]);
    let kind = |k: FindingKind| r.findings.iter().find(|f| f.kind == k).unwrap();
    let lost = kind(FindingKind::LostUpdate);
    assert_eq!(
        (lost.versions.as_slice(), lost.field.as_deref()),
        (&[1, 2][..], Some("status"))
    );
    assert_eq!(lost.values, [json!("on_hold"), json!("booked")]);
    let drift = kind(FindingKind::SnapshotDrift);
    assert_eq!(drift.versions, [3]);
    assert_eq!(drift.values, [json!("title"), json!("Tea"), json!("Decaf")]);
}

/// Bemi's `changes`: the primary key as text, before and after as jsonb
/// (`{}` where there is none), the application's context, ordered by
/// commit time and WAL position.
const BEMI: &str = "CREATE TABLE changes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), primary_key text,
           before jsonb NOT NULL DEFAULT '{}', after jsonb NOT NULL DEFAULT '{}', context jsonb NOT NULL DEFAULT '{}',
           database text, schema text, \"table\" text, operation text, committed_at timestamptz,
           queued_at timestamptz, created_at timestamptz DEFAULT now(), transaction_id bigint, position bigint);
         CREATE SEQUENCE wal;
         CREATE FUNCTION bemi() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           INSERT INTO changes (primary_key, before, after, context, database, schema, \"table\", operation, committed_at, transaction_id, position)
           VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END::text,
                   CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) ELSE '{}' END,
                   CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) ELSE '{}' END,
                   jsonb_build_object('user_id', current_setting('app.user')::int, 'endpoint', '/shipments'),
                   current_database(), TG_TABLE_SCHEMA, TG_TABLE_NAME,
                   CASE TG_OP WHEN 'INSERT' THEN 'CREATE' ELSE TG_OP END,
                   transaction_timestamp(), txid_current(), nextval('wal'));
           RETURN NULL;
         END $$;
         CREATE TRIGGER bemi AFTER INSERT OR UPDATE OR DELETE ON shipments FOR EACH ROW EXECUTE FUNCTION bemi();";

#[tokio::test]
async fn bemi() {
    let (name, pool) = fresh_db().await;
    setup(&pool, BEMI).await;
    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].spec, "bemi:table=shipments");
    // Bemi's context holds the user's id; its text key meets the table's bigint id.
    let spec = "bemi:table=shipments,actor_table=users,records_table=shipments";
    assert_the_story(&name, spec, "1", Some(["ana", "ben", "ben", "ana"])).await;
}

#[tokio::test]
async fn audit_trigger() {
    let (name, pool) = fresh_db().await;
    // The 2ndQuadrant audit trigger's `logged_actions`: the row before (or the
    // new one, for an insert) and the changed fields as hstore.
    setup(
        &pool,
        "CREATE EXTENSION hstore;
         CREATE SCHEMA audit;
         CREATE TABLE audit.logged_actions (event_id bigserial PRIMARY KEY, schema_name text NOT NULL,
           table_name text NOT NULL, relid oid NOT NULL, session_user_name text,
           action_tstamp_tx timestamptz NOT NULL, action_tstamp_stm timestamptz NOT NULL,
           action_tstamp_clk timestamptz NOT NULL, transaction_id bigint, application_name text,
           client_addr inet, client_port integer, client_query text,
           action text NOT NULL CHECK (action IN ('I', 'D', 'U', 'T')), row_data hstore,
           changed_fields hstore, statement_only boolean NOT NULL);
         CREATE FUNCTION audit.if_modified_func() RETURNS trigger LANGUAGE plpgsql AS $$
         DECLARE r audit.logged_actions;
         BEGIN
           r := ROW(nextval('audit.logged_actions_event_id_seq'), TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_RELID,
                    current_setting('app.user'), current_timestamp, statement_timestamp(), clock_timestamp(),
                    txid_current(), current_setting('application_name'), inet_client_addr(), inet_client_port(),
                    current_query(), substring(TG_OP, 1, 1), NULL, NULL, 'f');
           IF TG_OP = 'UPDATE' THEN
             r.row_data := hstore(OLD.*);
             r.changed_fields := (hstore(NEW.*) - r.row_data);
           ELSIF TG_OP = 'DELETE' THEN
             r.row_data := hstore(OLD.*);
           ELSE
             r.row_data := hstore(NEW.*);
           END IF;
           INSERT INTO audit.logged_actions VALUES (r.*);
           RETURN NULL;
         END $$;
         CREATE TRIGGER audit_trigger_row AFTER INSERT OR UPDATE OR DELETE ON shipments
           FOR EACH ROW EXECUTE FUNCTION audit.if_modified_func();",
    )
    .await;
    let found = detect::detect(open_plain(&name).await.db()).await.unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].preset, Preset::AuditTrigger);
    assert_eq!(found[0].spec, "audit_trigger:table=public.shipments");
    // Its session user here stands for the application's user (`app.user`).
    assert_the_story(&name, &found[0].spec, "1", Some(["1", "2", "2", "1"])).await;
}

#[tokio::test]
async fn a_guide_shaped_table_of_a_teams_own() {
    let (name, pool) = fresh_db().await;
    // The guide's audit table with a team's own names: a text reference as
    // the key, `rev` per shipment, `{field: {old, new}}` in `diff`.
    setup(
        &pool,
        "CREATE TABLE shipment_audit (id bigserial PRIMARY KEY, shipment_ref text NOT NULL, rev integer NOT NULL,
           who text, at timestamptz NOT NULL, kind text NOT NULL, diff jsonb, UNIQUE (shipment_ref, rev));
         CREATE FUNCTION shipment_audit() RETURNS trigger LANGUAGE plpgsql AS $$
         DECLARE o jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
                 n jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
                 ref text := COALESCE(n, o) ->> 'reference';
         BEGIN
           INSERT INTO shipment_audit (shipment_ref, rev, who, at, kind, diff)
           SELECT ref, COALESCE((SELECT max(rev) FROM shipment_audit WHERE shipment_ref = ref), 0) + 1,
                  (SELECT name FROM users WHERE id = current_setting('app.user')::bigint), clock_timestamp(),
                  lower(TG_OP),
                  (SELECT jsonb_object_agg(k, jsonb_build_object('old', o -> k, 'new', n -> k))
                     FROM jsonb_object_keys(COALESCE(n, o)) k
                    WHERE k <> 'id' AND (o -> k) IS DISTINCT FROM (n -> k) AND NOT (o IS NULL AND n -> k = 'null'));
           RETURN NULL;
         END $$;
         CREATE TRIGGER shipment_audit AFTER INSERT OR UPDATE OR DELETE ON shipments FOR EACH ROW EXECUTE FUNCTION shipment_audit();",
    )
    .await;
    // Not any library's columns: detection does not guess, the mapping says it.
    assert!(detect::detect(open_plain(&name).await.db()).await.unwrap().is_empty());
    let spec = "custom:table=shipment_audit,key=shipment_ref,version=rev,time=at,actor=who,event=kind,changes=diff,\
                changes_format=old_new,events.insert=created,events.update=updated,events.delete=deleted";
    let checked = detect::check(
        open_plain(&name).await.db(),
        &waybill::domain::layout::Mapping::parse_spec(spec).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!((checked.versions, checked.records), (4, Some(1)));
    assert_the_story(&name, spec, "SHP-1", Some(["ana", "ben", "ben", "ana"])).await;
}

#[tokio::test]
async fn the_overview_on_bemi_finds_where_a_stay_began_before_the_range() {
    let (name, pool) = fresh_db().await;
    setup(&pool, BEMI).await;
    let conn = open(&name, "bemi:table=shipments,actor_table=users,records_table=shipments").await;
    // From the second step on: SHP-1 left `booked` then, a stay that began
    // before the range, at its creation (found by Bemi's commit time and WAL position).
    let (created, moved): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
        "SELECT min(committed_at), min(committed_at) FILTER (WHERE after ->> 'status' = 'in_transit') FROM changes",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let request = OverviewRequest {
        range: OverviewRange::Custom {
            since: moved.to_rfc3339(),
            until: (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339(),
        },
        time_zone: "Asia/Kolkata".into(),
    };
    let o = overview::overview(conn.db(), &request).await.unwrap();
    assert_eq!(o.changes, 3, "the update, the rename and the deletion");
    let booked = o.statuses.iter().find(|s| s.status == "booked").unwrap();
    assert_eq!(booked.stays, 1);
    let hours = (moved - created).num_microseconds().unwrap() as f64 / 3.6e9;
    assert!(
        (booked.median_hours.unwrap() - hours).abs() < 1e-9,
        "{:?} vs {hours}",
        booked.median_hours
    );
    let who: Vec<(Option<&str>, i64)> = o.top_actors.iter().map(|a| (a.name.as_deref(), a.changes)).collect();
    assert_eq!(who, [(Some("ben"), 2), (Some("ana"), 1)]);
    assert_eq!(
        o.top_shipments[0].reference, "SHP-1",
        "named by its history: its row is gone"
    );
    assert_eq!(o.top_shipments[0].status, "deleted");
}

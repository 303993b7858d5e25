//! The overview's SQL, one statement per figure, all in the caller's read-only
//! transaction. Every statement takes the same first parameters: `$1` since,
//! `$2` until (exclusive), `$3` the time zone, `$4` the concurrency test's
//! shipment title (left out).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::*;
use crate::db::query_as;
use crate::timeline::activity::tabulate_between;

/// History rows in the range, concurrency test shipments left out. Written so
/// that an index on `"timestamp"` can serve the range.
const IN_RANGE: &str = r#"h."timestamp" >= $1 AND h."timestamp" < $2
    AND NOT EXISTS (SELECT FROM shipment_requests t WHERE t.id = h.shipment_id AND t.title = $4)"#;

/// Changes per period by event type; `$5` is the period (`day`, `week`…).
fn activity_sql() -> String {
    format!(
        r#"SELECT (date_trunc($5, h."timestamp" AT TIME ZONE $3)::date - DATE '2000-01-01')::int,
                  h.event_type, count(*)
             FROM shipment_history h WHERE {IN_RANGE} GROUP BY 1, 2 ORDER BY 1, 2"#
    )
}

/// The first and last period of the range (the bars' bounds): `$1` since,
/// `$2` until, `$3` the time zone, `$4` the period.
const BOUNDS: &str = r#"SELECT (date_trunc($4, $1 AT TIME ZONE $3)::date - DATE '2000-01-01')::int,
    (date_trunc($4, ($2 - interval '1 microsecond') AT TIME ZONE $3)::date - DATE '2000-01-01')::int,
    current_database()::text"#;

fn totals_sql() -> String {
    format!("SELECT count(*), count(DISTINCT h.shipment_id), count(DISTINCT h.actor_id) FROM shipment_history h WHERE {IN_RANGE}")
}

fn top_actors_sql(with_actors: bool) -> String {
    let (name, join) = if with_actors {
        ("a.display_name, a.email", "LEFT JOIN actors a ON a.id = top.actor_id")
    } else {
        ("NULL::text, NULL::text", "")
    };
    format!(
        r#"SELECT top.actor_id, {name}, top.n FROM (
             SELECT h.actor_id, count(*) AS n FROM shipment_history h WHERE {IN_RANGE}
              GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}) top {join}
            ORDER BY top.n DESC, top.actor_id"#
    )
}

fn top_shipments_sql() -> String {
    format!(
        r#"SELECT s.id, s.reference, s.title, s.status, top.n FROM (
             SELECT h.shipment_id, count(*) AS n FROM shipment_history h WHERE {IN_RANGE}
              GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}) top
             JOIN shipment_requests s ON s.id = top.shipment_id
            ORDER BY top.n DESC, s.reference"#
    )
}

/// Exceptions raised in the range; one is open while no later version of its
/// shipment has changed the status (the change that resolves it).
fn exceptions_cte() -> String {
    format!(
        r#"WITH e AS (
             SELECT h.shipment_id, h.version_no, h."timestamp", COALESCE(h.description, '') AS reason,
                    NOT EXISTS (SELECT FROM shipment_history r
                                 WHERE r.shipment_id = h.shipment_id AND r.version_no > h.version_no
                                   AND r.changes ? 'status') AS open
               FROM shipment_history h
              WHERE h.event_type = 'exception_raised' AND {IN_RANGE})"#
    )
}

fn reasons_sql() -> String {
    format!(
        "{} SELECT reason, count(*), count(*) FILTER (WHERE open) FROM e GROUP BY 1 ORDER BY 2 DESC, 1",
        exceptions_cte()
    )
}

fn open_list_sql() -> String {
    format!(
        r#"{} SELECT e.shipment_id, s.reference, e.version_no, e."timestamp", e.reason
             FROM e JOIN shipment_requests s ON s.id = e.shipment_id
            WHERE e.open ORDER BY e."timestamp" DESC, s.reference LIMIT {OPEN_LISTED}"#,
        exceptions_cte()
    )
}

/// Stays that ended in the range: each status change in the range closes the
/// stay its `old` status began at the shipment's previous status change.
/// Times out of order (a stay of negative length) and infinite times are left out.
fn stays_sql() -> String {
    format!(
        r#"SELECT h.changes -> 'status' ->> 'old' AS status, count(*),
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM h."timestamp" - p."timestamp")) / 3600,
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM h."timestamp" - p."timestamp")) / 3600
             FROM shipment_history h
             CROSS JOIN LATERAL (
                   SELECT y."timestamp" FROM shipment_history y
                    WHERE y.shipment_id = h.shipment_id AND y.version_no < h.version_no
                      AND y.changes ? 'status'
                    ORDER BY y.version_no DESC LIMIT 1) p
            WHERE {IN_RANGE} AND h.changes ? 'status' AND h.changes -> 'status' ->> 'old' IS NOT NULL
              AND isfinite(p."timestamp") AND h."timestamp" >= p."timestamp"
            GROUP BY 1"#
    )
}

/// Shipments in each status now; `$1` the concurrency test's title.
const NOW_SQL: &str = "SELECT status, count(*) FROM shipment_requests WHERE title IS DISTINCT FROM $1 GROUP BY 1";

/// Whether some valid index on the history table starts with `"timestamp"`.
const TIME_INDEXED: &str = r#"SELECT EXISTS (
    SELECT FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
     WHERE i.indrelid = 'shipment_history'::regclass AND i.indisvalid AND a.attname = 'timestamp')"#;

/// The order shipments go through statuses; others after, by name.
const STATUS_ORDER: &[&str] = &[
    "booked",
    "picked_up",
    "in_transit",
    "at_hub",
    "at_customs",
    "on_hold",
    "exception",
    "out_for_delivery",
    "delivered",
    "cancelled",
];

pub(super) async fn load(
    conn: &mut PgConnection,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    tz: &str,
    period: Period,
) -> Result<Overview> {
    let test = crate::concurrency::TEST_TITLE;
    macro_rules! bound {
        ($q:expr) => {
            $q.bind(since).bind(until).bind(tz).bind(test)
        };
    }
    let with_actors = crate::schema::has_actors(conn).await?;
    let (first, last, database): (i32, i32, String) = query_as(BOUNDS)
        .bind(since)
        .bind(until)
        .bind(tz)
        .bind(period.unit())
        .fetch_one(&mut *conn)
        .await?;
    let sql = activity_sql();
    let rows: Vec<(i32, String, i64)> = bound!(query_as(&sql)).bind(period.unit()).fetch_all(&mut *conn).await?;
    let activity = tabulate_between(
        "All shipments".into(),
        tz,
        period,
        rows,
        Some((first.into(), last.into())),
    );

    let sql = totals_sql();
    let (changes, shipments_changed, actors_active): (i64, i64, i64) =
        bound!(query_as(&sql)).fetch_one(&mut *conn).await?;

    let sql = top_actors_sql(with_actors);
    let top_actors = bound!(query_as::<(Option<Uuid>, Option<String>, Option<String>, i64)>(&sql))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, name, email, changes)| ActiveActor {
            id,
            name,
            email,
            changes,
        })
        .collect();

    let sql = top_shipments_sql();
    let top_shipments = bound!(query_as::<(Uuid, String, String, String, i64)>(&sql))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, reference, title, status, changes)| BusyShipment {
            id,
            reference,
            title,
            status,
            changes,
        })
        .collect();

    let sql = reasons_sql();
    let reasons: Vec<ExceptionReason> = bound!(query_as::<(String, i64, i64)>(&sql))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(reason, raised, open)| ExceptionReason { reason, raised, open })
        .collect();
    let tz_parsed = crate::timeline::time::zone(tz)?;
    let sql = open_list_sql();
    let open_list = bound!(query_as::<(Uuid, String, i32, DateTime<Utc>, String)>(&sql))
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(shipment_id, reference, version, at, reason)| OpenException {
            shipment_id,
            reference,
            version,
            raised_at: crate::timeline::time::format_time(at, tz_parsed),
            reason,
        })
        .collect();
    let exceptions = Exceptions {
        raised: reasons.iter().map(|r| r.raised).sum(),
        open: reasons.iter().map(|r| r.open).sum(),
        reasons,
        open_list,
    };

    let sql = stays_sql();
    let stays: Vec<(String, i64, Option<f64>, Option<f64>)> = bound!(query_as(&sql)).fetch_all(&mut *conn).await?;
    let now: Vec<(String, i64)> = query_as(NOW_SQL).bind(test).fetch_all(&mut *conn).await?;
    let statuses = merge_statuses(stays, now);

    let (time_indexed,): (bool,) = query_as(TIME_INDEXED).fetch_one(&mut *conn).await?;
    Ok(Overview {
        since: String::new(),
        until: String::new(),
        time_zone: tz.to_string(),
        database,
        made_at: String::new(),
        activity,
        changes,
        shipments_changed,
        actors_active,
        top_actors,
        top_shipments,
        exceptions,
        statuses,
        time_indexed,
        took_ms: 0,
    })
}

/// One row per status that had stays in the range or has shipments now, in
/// the order shipments go through them.
fn merge_statuses(stays: Vec<(String, i64, Option<f64>, Option<f64>)>, now: Vec<(String, i64)>) -> Vec<StatusTime> {
    let mut out: Vec<StatusTime> = stays
        .into_iter()
        .map(|(status, stays, median_hours, p90_hours)| StatusTime {
            status,
            stays,
            median_hours,
            p90_hours,
            now: 0,
        })
        .collect();
    for (status, n) in now {
        match out.iter_mut().find(|s| s.status == status) {
            Some(s) => s.now = n,
            None => out.push(StatusTime {
                status,
                stays: 0,
                median_hours: None,
                p90_hours: None,
                now: n,
            }),
        }
    }
    let rank = |s: &str| STATUS_ORDER.iter().position(|o| *o == s).unwrap_or(STATUS_ORDER.len());
    out.sort_by(|a, b| rank(&a.status).cmp(&rank(&b.status)).then(a.status.cmp(&b.status)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_a_shipments_course_then_names() {
        let merged = merge_statuses(
            vec![
                ("in_transit".into(), 3, Some(5.0), Some(9.0)),
                ("booked".into(), 2, Some(1.0), Some(2.0)),
                ("zzz_custom".into(), 1, Some(1.0), Some(1.0)),
            ],
            vec![("delivered".into(), 7), ("booked".into(), 4), ("aaa_custom".into(), 1)],
        );
        let order: Vec<&str> = merged.iter().map(|s| s.status.as_str()).collect();
        assert_eq!(order, ["booked", "in_transit", "delivered", "aaa_custom", "zzz_custom"]);
        assert_eq!((merged[0].stays, merged[0].now), (2, 4));
        assert_eq!((merged[2].stays, merged[2].now, merged[2].median_hours), (0, 7, None));
    }
}

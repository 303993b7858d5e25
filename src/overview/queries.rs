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

/// One pass over the range for the counts: changes per period and event type
/// (every group), the ten most active actors and the ten most changed
/// shipments, with how many actors and shipments there were in all. `$5` is
/// the period (`day`, `week`…). Grouping sets read the range once, where a
/// query per figure would read it four times; with the optional index (its
/// key and INCLUDE columns are all these read) the read is an index-only scan.
fn counts_sql() -> String {
    format!(
        r#"WITH r AS (
             SELECT (date_trunc($5, h."timestamp" AT TIME ZONE $3)::date - DATE '2000-01-01')::int AS day,
                    h.event_type, h.actor_id, h.shipment_id
               FROM shipment_history h WHERE {IN_RANGE}
           ), g AS (
             SELECT GROUPING(day, event_type) AS by_day, GROUPING(actor_id) AS by_actor,
                    day, event_type, actor_id, shipment_id, count(*) AS n
               FROM r GROUP BY GROUPING SETS ((day, event_type), (actor_id), (shipment_id))
           ), ranked AS (
             SELECT g.*,
                    row_number() OVER (PARTITION BY by_day, by_actor ORDER BY n DESC, actor_id, shipment_id) AS rank,
                    count(COALESCE(actor_id, shipment_id)) OVER (PARTITION BY by_day, by_actor) AS groups
               FROM g
           )
           SELECT by_day, by_actor, day, event_type, actor_id, shipment_id, n, groups
             FROM ranked WHERE by_day = 0 OR rank <= {TOP}"#
    )
}

/// The first and last period of the range (the bars' bounds): `$1` since,
/// `$2` until, `$3` the time zone, `$4` the period.
const BOUNDS: &str = r#"SELECT (date_trunc($4, $1 AT TIME ZONE $3)::date - DATE '2000-01-01')::int,
    (date_trunc($4, ($2 - interval '1 microsecond') AT TIME ZONE $3)::date - DATE '2000-01-01')::int,
    current_database()::text"#;

/// Names of the most active actors (`$1`), when the database has an `actors` table.
const ACTOR_NAMES: &str = "SELECT id, display_name, email FROM actors WHERE id = ANY($1)";

/// The most changed shipments' references (`$1`).
const SHIPMENT_NAMES: &str = "SELECT id, reference, title, status FROM shipment_requests WHERE id = ANY($1)";

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

/// Per reason: raised, open, and the open ones (newest first), in one read.
fn reasons_sql() -> String {
    format!(
        r#"{} SELECT reason, count(*), count(*) FILTER (WHERE open),
                  array_agg(shipment_id ORDER BY "timestamp" DESC) FILTER (WHERE open),
                  array_agg(version_no ORDER BY "timestamp" DESC) FILTER (WHERE open),
                  array_agg("timestamp" ORDER BY "timestamp" DESC) FILTER (WHERE open)
             FROM e GROUP BY 1 ORDER BY 2 DESC, 1"#,
        exceptions_cte()
    )
}

/// Stays that ended in the range: each status change in the range closes the
/// stay its `old` status began at the shipment's previous status change. The
/// previous one is the row before it among the range's status changes
/// (`lag`), and only for a shipment's first change in the range is it looked
/// up before the range (one index probe per shipment, not per change).
/// Times out of order (a stay of negative length) and infinite times are left out.
fn stays_sql() -> String {
    format!(
        r#"WITH s AS (
             SELECT h.shipment_id, h.version_no, h."timestamp" AS at, h.changes -> 'status' ->> 'old' AS old
               FROM shipment_history h WHERE {IN_RANGE} AND h.changes ? 'status'
           ), prior AS (
             SELECT f.shipment_id, p.version_no, p."timestamp" AS at, NULL::text AS old
               FROM (SELECT shipment_id, min(version_no) AS v FROM s GROUP BY 1) f
              CROSS JOIN LATERAL (
                    SELECT y.version_no, y."timestamp" FROM shipment_history y
                     WHERE y.shipment_id = f.shipment_id AND y.version_no < f.v AND y.changes ? 'status'
                     ORDER BY y.version_no DESC LIMIT 1) p
           ), stays AS (
             -- PostgreSQL refuses to subtract an infinite time: such a stay has no length.
             SELECT old, CASE WHEN isfinite(lag(at) OVER w) THEN at - lag(at) OVER w END AS took
               FROM (SELECT * FROM s UNION ALL SELECT * FROM prior) x
             WINDOW w AS (PARTITION BY shipment_id ORDER BY version_no)
           )
           SELECT old, count(*),
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM took)) / 3600,
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM took)) / 3600
             FROM stays WHERE old IS NOT NULL AND took >= interval '0'
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
    // The range's groups fit in memory (the default 4 MB spills them to disk):
    // for this transaction only.
    crate::db::query("SET LOCAL work_mem = '64MB'")
        .execute(&mut *conn)
        .await?;
    let with_actors = crate::schema::has_actors(conn).await?;
    let (first, last, database): (i32, i32, String) = query_as(BOUNDS)
        .bind(since)
        .bind(until)
        .bind(tz)
        .bind(period.unit())
        .fetch_one(&mut *conn)
        .await?;
    let sql = counts_sql();
    type CountRow = (
        i32,
        i32,
        Option<i32>,
        Option<String>,
        Option<Uuid>,
        Option<Uuid>,
        i64,
        i64,
    );
    let rows: Vec<CountRow> = bound!(query_as(&sql)).bind(period.unit()).fetch_all(&mut *conn).await?;
    let mut per_day = Vec::new();
    let (mut actors, mut shipments) = (Vec::new(), Vec::new());
    let (mut actors_active, mut shipments_changed) = (0, 0);
    for (by_day, by_actor, day, event_type, actor, shipment, n, groups) in rows {
        match (by_day, by_actor, day, event_type, shipment) {
            (0, _, Some(day), Some(event_type), _) => per_day.push((day, event_type, n)),
            (_, 0, ..) => {
                actors.push((actor, n));
                actors_active = groups;
            }
            (_, _, _, _, Some(shipment)) => {
                shipments.push((shipment, n));
                shipments_changed = groups;
            }
            _ => {}
        }
    }
    let changes = per_day.iter().map(|r| r.2).sum();
    let activity = tabulate_between(
        "All shipments".into(),
        tz,
        period,
        per_day,
        Some((first.into(), last.into())),
    );

    let ids: Vec<Uuid> = actors.iter().filter_map(|a| a.0).collect();
    let names: Vec<(Uuid, String, String)> = if with_actors && !ids.is_empty() {
        query_as(ACTOR_NAMES).bind(&ids).fetch_all(&mut *conn).await?
    } else {
        Vec::new()
    };
    let top_actors = actors
        .into_iter()
        .map(|(id, changes)| {
            let known = names.iter().find(|n| Some(n.0) == id);
            ActiveActor {
                id,
                name: known.map(|n| n.1.clone()),
                email: known.map(|n| n.2.clone()),
                changes,
            }
        })
        .collect();

    let ids: Vec<Uuid> = shipments.iter().map(|s| s.0).collect();
    let rows: Vec<(Uuid, String, String, String)> = query_as(SHIPMENT_NAMES).bind(&ids).fetch_all(&mut *conn).await?;
    let mut top_shipments: Vec<BusyShipment> = shipments
        .into_iter()
        .filter_map(|(id, changes)| {
            let (_, reference, title, status) = rows.iter().find(|r| r.0 == id)?.clone();
            Some(BusyShipment {
                id,
                reference,
                title,
                status,
                changes,
            })
        })
        .collect();
    top_shipments.sort_by(|a, b| b.changes.cmp(&a.changes).then(a.reference.cmp(&b.reference)));

    let sql = reasons_sql();
    type ReasonRow = (
        String,
        i64,
        i64,
        Option<Vec<Uuid>>,
        Option<Vec<i32>>,
        Option<Vec<DateTime<Utc>>>,
    );
    let rows: Vec<ReasonRow> = bound!(query_as(&sql)).fetch_all(&mut *conn).await?;
    let mut open: Vec<(DateTime<Utc>, Uuid, i32, String)> = Vec::new();
    let mut reasons = Vec::new();
    for (reason, raised, open_count, ids, versions, times) in rows {
        let listed = ids
            .unwrap_or_default()
            .into_iter()
            .zip(versions.unwrap_or_default())
            .zip(times.unwrap_or_default());
        open.extend(listed.map(|((id, v), at)| (at, id, v, reason.clone())));
        reasons.push(ExceptionReason {
            reason,
            raised,
            open: open_count,
        });
    }
    open.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    open.truncate(OPEN_LISTED as usize);
    let ids: Vec<Uuid> = open.iter().map(|o| o.1).collect();
    let names: Vec<(Uuid, String, String, String)> = query_as(SHIPMENT_NAMES).bind(&ids).fetch_all(&mut *conn).await?;
    let tz_parsed = crate::timeline::time::zone(tz)?;
    let open_list = open
        .into_iter()
        .map(|(at, shipment_id, version, reason)| OpenException {
            shipment_id,
            reference: names
                .iter()
                .find(|n| n.0 == shipment_id)
                .map_or_else(|| shipment_id.to_string(), |n| n.1.clone()),
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

//! The overview's counts (one of its two reads, run by the caller in a
//! read-only transaction of its own; `events.rs` is the other) and what both
//! share: the range of history rows, read through the history's layout.
//!
//! What makes a 30-day overview of a big table fast (measured in
//! `scripts/bench-overview.sh`): no JIT (PostgreSQL compiles these
//! statements for longer than they run), periods found by comparing with
//! their start times (not by converting 460,000 times to the viewer's zone),
//! and each history row in the range read at most twice: once from the
//! optional "timestamp" index for the counts, once from the table for the
//! status changes (`events.rs`).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::*;
use crate::db::query_as;
use crate::domain::activity::tabulate_between;
use crate::domain::layout::Layout;
use crate::domain::vocabulary::status_rank;

/// ` WHERE` history rows (the relation `h`) in the range, written so that an
/// index on the time can serve it, and the concurrency test's shipments
/// left out (`<> ALL` of a parameter is hashed, where a join to the shipments
/// would run for every row; only Waybill's own layout has them).
pub(super) fn push_in_range(
    q: &mut QueryBuilder<'_, Postgres>,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    tests: &[Uuid],
) {
    q.push(r#" WHERE h."timestamp" >= "#)
        .push_bind(since)
        .push(r#" AND h."timestamp" < "#)
        .push_bind(until);
    if !tests.is_empty() {
        q.push(" AND h.shipment_id <> ALL(").push_bind(tests.to_vec()).push(")");
    }
}

/// The concurrency test's shipments (by the whole label: see `domain::test_shipments`).
fn test_shipments_sql() -> String {
    format!(
        "SELECT COALESCE(array_agg(s.id), '{{}}') FROM shipment_requests s WHERE {}",
        crate::domain::test_shipments::is_test("s")
    )
}

/// The periods of the range, as the start of each in the zone and one past
/// the last (`$1` since, `$2` until, `$3` the time zone, `$4` the period:
/// `day`, `week`…), with their days since 2000-01-01 (how the activity chart
/// names them); and the database's name.
const PERIODS: &str = r#"SELECT array_agg(s AT TIME ZONE $3 ORDER BY s),
       array_agg((s::date - DATE '2000-01-01')::int ORDER BY s),
       current_database()::text
  FROM generate_series(date_trunc($4, $1 AT TIME ZONE $3),
                       date_trunc($4, ($2 - interval '1 microsecond') AT TIME ZONE $3) + ('1 ' || $4)::interval,
                       ('1 ' || $4)::interval) s"#;

/// One pass over the range for the counts: changes per period and event type
/// (every group), the ten most active actors and the ten most changed
/// records, with how many actors and records there were in all. A row's
/// period is found by `width_bucket` (a binary search) in the periods' start
/// times. Grouping sets read the range once, where a query per figure would
/// read it four times; with the optional index (its key and INCLUDE columns
/// are all these read) the read is an index-only scan. Keys and actors are
/// grouped in their own types and turned into text only for the few rows
/// returned.
fn counts_query<'a>(
    layout: &Layout,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    tests: &[Uuid],
    starts: &[DateTime<Utc>],
) -> QueryBuilder<'a, Postgres> {
    let mut q = QueryBuilder::new(
        r#"WITH g AS (
             SELECT GROUPING(period, event_type) AS by_period, GROUPING(actor_id) AS by_actor,
                    period, event_type, actor_id, shipment_id, count(*) AS n
               FROM (SELECT width_bucket(h."timestamp", "#,
    );
    q.push_bind(starts.to_vec())
        .push(") AS period, h.event_type, h.actor_id, h.shipment_id FROM ");
    layout.push_from(&mut q);
    push_in_range(&mut q, since, until, tests);
    q.push(format!(
        r#") r
              GROUP BY GROUPING SETS ((period, event_type), (actor_id), (shipment_id))
           ), ranked AS (
             SELECT g.*,
                    row_number() OVER (PARTITION BY by_period, by_actor ORDER BY n DESC, actor_id, shipment_id) AS rank,
                    count(COALESCE(actor_id::text, shipment_id::text)) OVER (PARTITION BY by_period, by_actor) AS groups
               FROM g
           )
           SELECT by_period, by_actor, period, event_type, actor_id::text, shipment_id::text, n, groups
             FROM ranked WHERE by_period = 0 OR rank <= {TOP}"#
    ));
    q
}

/// Records in each status now, from the records table (the concurrency
/// test's shipments left out).
async fn now_in_status(conn: &mut PgConnection, layout: &Layout) -> Result<Vec<(String, i64)>> {
    let Some((r, status)) = layout.records().and_then(|r| Some((r, r.status.as_ref()?))) else {
        return Ok(Vec::new());
    };
    let real = if layout.is_waybill() {
        crate::domain::test_shipments::is_real("s")
    } else {
        "true".into()
    };
    Ok(query_as(&format!(
        "SELECT COALESCE(s.{status}::text, ''), count(*) FROM {} s WHERE {real} GROUP BY 1",
        r.table
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// A stay row: the status, how many stays ended, their median and 90th
/// percentile in hours.
pub(super) type Stays = Vec<(String, i64, Option<f64>, Option<f64>)>;

/// What both reads set first: the range's groups fit in memory (the default
/// 4 MB spills them to disk), and JIT compiling these statements takes longer
/// than running them (700 ms of a 30-day overview): for this transaction only.
pub(super) async fn prepare(conn: &mut PgConnection) -> Result<()> {
    for setting in ["SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off"] {
        crate::db::query(setting).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The concurrency test's shipments, to leave out: read once for both reads
/// (a scan of the shipments), by whichever needs them first, on its
/// connection. None but on Waybill's own layout, whose shipments they are.
pub(super) async fn test_shipments<'a>(
    conn: &mut PgConnection,
    layout: &Layout,
    known: &'a OnceCell<Vec<Uuid>>,
) -> Result<&'a [Uuid]> {
    let ids = known
        .get_or_try_init(|| async {
            if !layout.is_waybill() {
                return Ok(Vec::new());
            }
            let (ids,): (Vec<Uuid>,) = query_as(&test_shipments_sql()).fetch_one(&mut *conn).await?;
            Ok::<_, Error>(ids)
        })
        .await?;
    Ok(ids)
}

/// Everything but the exceptions and the stays: the counts, who and what
/// changed most, where records are now. `statuses` holds only the "now"
/// counts; `merge_statuses` adds the stays.
pub(super) async fn counts(
    conn: &mut PgConnection,
    layout: &Layout,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    tz: &str,
    period: Period,
    tests: &OnceCell<Vec<Uuid>>,
) -> Result<Overview> {
    prepare(conn).await?;
    let tests = test_shipments(conn, layout, tests).await?;
    let (starts, days, database): (Vec<DateTime<Utc>>, Vec<i32>, String) = query_as(PERIODS)
        .bind(since)
        .bind(until)
        .bind(tz)
        .bind(period.unit())
        .fetch_one(&mut *conn)
        .await?;
    // `starts` ends with the start of the period after the range.
    let (first, last) = (days[0], days[days.len().saturating_sub(2)]);
    type CountRow = (
        i32,
        i32,
        Option<i32>,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        i64,
    );
    let rows: Vec<CountRow> = counts_query(layout, since, until, tests, &starts)
        .build_query_as()
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
    let mut per_day = Vec::new();
    let (mut actors, mut shipments) = (Vec::new(), Vec::new());
    let (mut actors_active, mut shipments_changed) = (0, 0);
    for (by_period, by_actor, bucket, event_type, actor, shipment, n, groups) in rows {
        match (by_period, by_actor, bucket, event_type, shipment) {
            // Buckets count from 1; every row in the range has one.
            (0, _, Some(bucket), event_type, _) => {
                if let Some(day) = usize::try_from(bucket - 1).ok().and_then(|i| days.get(i)) {
                    per_day.push((*day, event_type.unwrap_or_else(|| "changed".into()), n));
                }
            }
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
    per_day.sort_by_key(|r| r.0);
    let changes = per_day.iter().map(|r| r.2).sum();
    let activity = tabulate_between(
        format!("All {}", layout.nouns()),
        tz,
        period,
        per_day,
        Some((first.into(), last.into())),
    );

    let ids: Vec<String> = actors.iter().filter_map(|a| a.0.clone()).collect();
    let names = crate::domain::actors::names(conn, layout, ids).await?;
    let top_actors = actors
        .into_iter()
        .map(|(id, changes)| {
            let known = names.iter().find(|n| Some(&n.id) == id.as_ref());
            ActiveActor {
                id,
                name: known.map(|n| n.name.clone()),
                email: known.and_then(|n| n.email.clone()),
                changes,
            }
        })
        .collect();

    let ids: Vec<String> = shipments.iter().map(|s| s.0.clone()).collect();
    let named = crate::domain::record::named(conn, layout, ids).await?;
    let mut top_shipments: Vec<BusyShipment> = shipments
        .into_iter()
        .filter_map(|(id, changes)| {
            let n = named.iter().find(|r| r.id == id)?.clone();
            Some(BusyShipment {
                id,
                reference: n.reference,
                title: n.title,
                status: n.status,
                changes,
            })
        })
        .collect();
    top_shipments.sort_by(|a, b| b.changes.cmp(&a.changes).then(a.reference.cmp(&b.reference)));

    let statuses = merge_statuses(Vec::new(), now_in_status(conn, layout).await?);
    let time_indexed = crate::domain::layout::indexed::time_indexed(conn, layout).await?;
    Ok(Overview {
        since: String::new(),
        until: String::new(),
        time_zone: tz.to_string(),
        database,
        noun: layout.noun().to_string(),
        nouns: layout.nouns(),
        made_at: String::new(),
        activity,
        changes,
        shipments_changed,
        actors_active,
        top_actors,
        top_shipments,
        exceptions: Exceptions::default(),
        statuses,
        time_indexed,
        time_indexable: layout.time_indexable(),
        took_ms: 0,
    })
}

/// One row per status that had stays in the range or has shipments now, in
/// the order shipments go through them.
pub(super) fn merge_statuses(
    stays: Vec<(String, i64, Option<f64>, Option<f64>)>,
    now: Vec<(String, i64)>,
) -> Vec<StatusTime> {
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
    out.sort_by(|a, b| {
        status_rank(&a.status)
            .cmp(&status_rank(&b.status))
            .then(a.status.cmp(&b.status))
    });
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

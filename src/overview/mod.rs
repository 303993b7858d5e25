//! The managers' overview: the whole operation over a time range. Changes per
//! day by event type, who and what changed most, exceptions raised (and how
//! many are still open), and how long shipments stay in each status.
//!
//! Two reads, each a read-only transaction, run side by side: the counts
//! (computed by PostgreSQL), and the exceptions and stays (PostgreSQL finds
//! the range's status changes and exceptions; Waybill follows each
//! shipment's in version order, and hands half of the look-ups this leaves
//! to a third read-only transaction). Like any two statements of a read
//! committed transaction, they may see the database a moment apart. Days are in the
//! viewer's time zone (its time zone database, so days across a daylight
//! saving change have 23 or 25 hours), percentiles as PostgreSQL's
//! `percentile_cont` computes them. The concurrency test's own shipments are
//! left out, as in the shipment list.
//!
//! It reads any history layout through its mapping: a status where the
//! records table has one (and what changed names it), exceptions where the
//! history has `exception_raised` events (Waybill's vocabulary).

mod charts;
mod events;
mod queries;
pub mod report;

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Db;
use crate::domain::activity::{Activity, ActivityChart, Period};
use crate::domain::time::{format_time, zone};
use crate::error::{Error, Field, Result};

/// Listed at most, for the most active actors and shipments.
pub const TOP: i64 = 10;
/// Open exceptions listed at most (the counts stay exact).
pub const OPEN_LISTED: i64 = 50;

/// The time range a manager picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum OverviewRange {
    /// The 24 hours up to now.
    Last24Hours,
    /// Today and the six days before it, in the time zone.
    Last7Days,
    /// Today and the 29 days before it, in the time zone.
    Last30Days,
    /// From `since` (inclusive) to `until` (exclusive), RFC 3339.
    Custom { since: String, until: String },
}

impl OverviewRange {
    /// The range's start and end at `now`, in `tz`. Calendar-day ranges start at
    /// local midnight, so their first bar is a whole day.
    pub fn resolve(&self, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        let days_back = |days: i64| {
            let today = now.with_timezone(&tz).date_naive();
            let first = today - Duration::days(days - 1);
            // Midnight can fall in a daylight saving gap (some zones switch at 0:00).
            tz.from_local_datetime(&first.and_time(NaiveTime::MIN))
                .earliest()
                .or_else(|| {
                    tz.from_local_datetime(&(first.and_time(NaiveTime::MIN) + Duration::hours(1)))
                        .earliest()
                })
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(now - Duration::days(days))
        };
        let (since, until) = match self {
            OverviewRange::Last24Hours => (now - Duration::hours(24), now),
            OverviewRange::Last7Days => (days_back(7), now),
            OverviewRange::Last30Days => (days_back(30), now),
            OverviewRange::Custom { since, until } => (parse(since)?, parse(until)?),
        };
        if since >= until {
            return Err(Error::invalid(
                Field::Time,
                format!(
                    "the range must end after it starts ({} is not before {})",
                    format_time(since, tz),
                    format_time(until, tz)
                ),
            ));
        }
        Ok((since, until))
    }
}

fn parse(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::BadTime { text: text.to_string() })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OverviewRequest {
    pub range: OverviewRange,
    /// IANA name (`Europe/Berlin`, `UTC`): days and times in the overview are in it.
    pub time_zone: String,
}

/// An actor with their number of changes in the range.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActiveActor {
    /// As the history stores it, as text.
    pub id: Option<String>,
    /// Their name, when the layout's actor table knows them.
    pub name: Option<String>,
    pub email: Option<String>,
    #[ts(type = "number")]
    pub changes: i64,
}

/// A record with its number of changes in the range.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BusyShipment {
    /// Its key, as text.
    pub id: String,
    pub reference: String,
    pub title: String,
    pub status: String,
    #[ts(type = "number")]
    pub changes: i64,
}

/// Exceptions raised in the range, by what was raised.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExceptionReason {
    /// The event's description (`Weather delay`).
    pub reason: String,
    #[ts(type = "number")]
    pub raised: i64,
    #[ts(type = "number")]
    pub open: i64,
}

/// An exception raised in the range that no later status change has resolved.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OpenException {
    pub shipment_id: String,
    pub reference: String,
    pub version: i32,
    /// When it was raised, in the overview's time zone.
    pub raised_at: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct Exceptions {
    /// `exception_raised` events in the range.
    #[ts(type = "number")]
    pub raised: i64,
    /// Of those, how many no later status change of their shipment has resolved.
    #[ts(type = "number")]
    pub open: i64,
    pub reasons: Vec<ExceptionReason>,
    /// The open ones, newest first (at most `OPEN_LISTED`).
    pub open_list: Vec<OpenException>,
}

/// How long shipments stayed in one status: stays that ended in the range
/// (the status changed), measured from the change that entered it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StatusTime {
    pub status: String,
    /// Stays that ended in the range.
    #[ts(type = "number")]
    pub stays: i64,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// Shipments in this status now.
    #[ts(type = "number")]
    pub now: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Overview {
    /// The range, as RFC 3339 in the time zone.
    pub since: String,
    pub until: String,
    pub time_zone: String,
    /// The database it was read from (`current_database()`).
    pub database: String,
    /// What a record is called (`shipment`, `order`…), and more than one.
    pub noun: String,
    pub nouns: String,
    /// When the overview was made, in the time zone.
    pub made_at: String,
    /// Changes per day (or longer period) by event type, over the whole range.
    pub activity: Activity,
    #[ts(type = "number")]
    pub changes: i64,
    #[ts(type = "number")]
    pub shipments_changed: i64,
    #[ts(type = "number")]
    pub actors_active: i64,
    pub top_actors: Vec<ActiveActor>,
    pub top_shipments: Vec<BusyShipment>,
    pub exceptions: Exceptions,
    /// In the order shipments go through them, then others by name.
    pub statuses: Vec<StatusTime>,
    /// Whether an index starting with the history's time serves the range:
    /// without one, the overview reads the whole history table.
    pub time_indexed: bool,
    /// Whether one could (Database health offers it): not where the time is
    /// no `timestamptz` column of its own (Rails' and Django's `timestamp`).
    pub time_indexable: bool,
    /// How long the core call took.
    #[ts(type = "number")]
    pub took_ms: u64,
}

/// The overview with its charts drawn, as the app shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OverviewView {
    pub overview: Overview,
    pub activity: ActivityChart,
    /// Status times (median and 90th percentile) as SVG, when any stay ended.
    pub status_svg: Option<String>,
}

/// Reads the overview for `request`.
pub async fn overview(db: &Db, request: &OverviewRequest) -> Result<Overview> {
    let tz = zone(&request.time_zone)?;
    let now = Utc::now();
    let (since, until) = request.range.resolve(tz, now)?;
    let started = Instant::now();
    let tz_name = tz.name().to_string();
    let period = Period::for_span((until - since).num_days());
    // The counts and the status changes are each a read of the whole range:
    // side by side, on two connections, they take as long as the slower one.
    // The concurrency test's shipments are read once, for both.
    let tests = tokio::sync::OnceCell::new();
    let counts = db.read(|r| {
        let (tz_name, tests) = (tz_name.clone(), &tests);
        async move {
            let mut conn = r.conn().await;
            let layout = crate::domain::layout::layout(db, &mut conn).await?;
            queries::counts(&mut conn, &layout, since, until, &tz_name, period, tests).await
        }
    });
    let events = events::events(db, since, until, &tz_name, &tests);
    let (mut o, (exceptions, stays)) = tokio::try_join!(counts, events)?;
    let in_status = o.statuses.iter().map(|s| (s.status.clone(), s.now)).collect();
    o.statuses = queries::merge_statuses(stays, in_status);
    o.exceptions = exceptions;
    o.since = format_time(since, tz);
    o.until = format_time(until, tz);
    o.made_at = format_time(now, tz);
    o.took_ms = started.elapsed().as_millis() as u64;
    Ok(o)
}

/// The overview with its charts, for the app.
pub async fn view(db: &Db, request: &OverviewRequest) -> Result<OverviewView> {
    let overview = overview(db, request).await?;
    let status_svg = match overview.status_chart() {
        Some(chart) => Some(crate::plots::svg(&chart)?),
        None => None,
    };
    Ok(OverviewView {
        activity: ActivityChart::of_changes(overview.activity.clone())?,
        status_svg,
        overview,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_ranges_start_at_local_midnight() {
        let tz: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        // 2026-11-30 10:00 UTC = 11:00 in Berlin.
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap();
        let (since, until) = OverviewRange::Last7Days.resolve(tz, now).unwrap();
        assert_eq!(until, now);
        // Nov 24 00:00 CET = Nov 23 23:00 UTC.
        assert_eq!(since, Utc.with_ymd_and_hms(2026, 11, 23, 23, 0, 0).unwrap());
        let (since, _) = OverviewRange::Last24Hours.resolve(tz, now).unwrap();
        assert_eq!(since, now - Duration::hours(24));
        // Today and the 29 days before: from Nov 1 00:00 CET.
        let (since, _) = OverviewRange::Last30Days.resolve(tz, now).unwrap();
        assert_eq!(since, Utc.with_ymd_and_hms(2026, 10, 31, 23, 0, 0).unwrap());
    }

    #[test]
    fn a_custom_range_must_end_after_it_starts() {
        let tz = chrono_tz::UTC;
        let range = |a: &str, b: &str| OverviewRange::Custom {
            since: a.into(),
            until: b.into(),
        };
        let now = Utc::now();
        assert!(range("2026-11-02T00:00:00Z", "2026-11-03T00:00:00+01:00")
            .resolve(tz, now)
            .is_ok());
        let err = range("2026-11-03T00:00:00Z", "2026-11-02T00:00:00Z")
            .resolve(tz, now)
            .unwrap_err();
        assert!(err.to_string().contains("must end after it starts"), "{err}");
        assert!(matches!(
            range("yesterday", "2026-11-02T00:00:00Z").resolve(tz, now),
            Err(Error::BadTime { .. })
        ));
    }
}

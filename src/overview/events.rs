//! The exceptions raised in the range and the stays that ended in it, from
//! one read of the range's status changes and exceptions.
//!
//! PostgreSQL only finds the rows (in the optional index's time order);
//! Waybill puts each shipment's in version order and follows them. Sorting
//! ~100,000 rows by shipment and version takes PostgreSQL's tuple sort and
//! two window passes ~250 ms of a 30-day overview of 2,000,000 rows, and a
//! few milliseconds here. What the range alone cannot settle is then looked
//! up, in one statement on each of two connections (half the questions
//! each): the status change before a shipment's first in the range (where
//! its stay began), and, for an exception with no status change after it in
//! the range, whether one came later.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::{PgConnection, Postgres, QueryBuilder, Row};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::queries::{prepare, push_in_range, test_shipments, Stays};
use super::*;
use crate::db::Db;
use crate::domain::layout::numbering::{push_ord_cmp_sql, push_ord_of, Numbers};
use crate::domain::layout::{Layout, OrdKey};
use crate::domain::vocabulary::EXCEPTION_RAISED;
use crate::domain::Moment;

/// The range's status changes (`moved`, with the status they left) and
/// exceptions (with their reason), in no particular order, read through the
/// layout: each row's record key as text, its order key, time, whether it
/// changed the status field, the status it left, and an exception's reason.
/// The concurrency test's shipments are left out after reading, so that
/// this read need not wait for them.
fn marked_query<'a>(layout: &Layout, since: DateTime<Utc>, until: DateTime<Utc>) -> QueryBuilder<'a, Postgres> {
    let status = layout.status_field().to_string();
    let mut q = QueryBuilder::new("SELECT h.shipment_id::text, ");
    push_ord_of(&mut q, layout, "h");
    q.push(r#", h."timestamp", h.changes ? "#)
        .push_bind(status.clone())
        .push(", h.changes -> ")
        .push_bind(status.clone())
        .push(" ->> 'old', CASE WHEN h.event_type = ")
        .push_bind(EXCEPTION_RAISED)
        .push(" THEN COALESCE(h.description, '') END FROM ");
    layout.push_from(&mut q);
    push_in_range(&mut q, since, until, &[]);
    q.push(" AND (h.changes ? ")
        .push_bind(status)
        .push(" OR h.event_type = ")
        .push_bind(EXCEPTION_RAISED)
        .push(")");
    q
}

/// For each (record key, order key, before) of `questions`: when `before`,
/// the time of the record's last status change before that version;
/// otherwise whether it has a status change after it. `n` numbers the
/// questions from 1.
fn look_ups_query<'a>(layout: &Layout, keys: &Names, questions: &[Question]) -> QueryBuilder<'a, Postgres> {
    let status = layout.status_field().to_string();
    let key = format!("p.k::{}", layout.key_type());
    let mut q = QueryBuilder::new(r#"SELECT p.n::int, CASE WHEN p.before THEN (SELECT y."timestamp" FROM "#);
    layout.push_from_as(&mut q, "y");
    q.push(format!(" WHERE y.shipment_id = {key} AND "));
    push_ord_cmp_sql(&mut q, layout, "y", "<", "p.v", "p.v2");
    q.push(" AND y.changes ? ").push_bind(status.clone()).push(
        " ORDER BY y.version_no DESC, y.ord2 DESC LIMIT 1) END, CASE WHEN NOT p.before THEN EXISTS (SELECT FROM ",
    );
    layout.push_from_as(&mut q, "y");
    q.push(format!(" WHERE y.shipment_id = {key} AND "));
    push_ord_cmp_sql(&mut q, layout, "y", ">", "p.v", "p.v2");
    q.push(" AND y.changes ? ").push_bind(status).push(") END FROM unnest(");
    q.push_bind(
        questions
            .iter()
            .map(|x| keys.text(x.shipment).to_string())
            .collect::<Vec<_>>(),
    )
    .push("::text[], ")
    .push_bind(questions.iter().map(|x| x.ord.0).collect::<Vec<_>>())
    .push("::bigint[], ")
    .push_bind(questions.iter().map(|x| x.ord.1).collect::<Vec<_>>())
    .push("::bigint[], ")
    .push_bind(questions.iter().map(|x| x.before).collect::<Vec<_>>())
    .push("::bool[]) WITH ORDINALITY AS p(k, v, v2, before, n)");
    q
}

/// A status change or an exception in the range. Records are numbers in
/// `Found::keys`, statuses and reasons numbers in `Found::names`: a few
/// thousand and a few dozen texts, read 100,000 times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Marked {
    pub shipment: u32,
    pub ord: OrdKey,
    pub at: Moment,
    /// It changed the status…
    pub moved: bool,
    /// …from this one (none for the first, or a change without `old`).
    pub old: Option<u32>,
    /// An `exception_raised` event, with its description.
    pub reason: Option<u32>,
}

/// Texts read, each kept once: statuses and reasons, record keys.
#[derive(Debug, Default)]
pub(super) struct Names {
    texts: Vec<String>,
    numbers: HashMap<String, u32>,
}

impl Names {
    pub fn number(&mut self, text: &str) -> u32 {
        if let Some(n) = self.numbers.get(text) {
            return *n;
        }
        let n = self.texts.len() as u32;
        self.texts.push(text.to_string());
        self.numbers.insert(text.to_string(), n);
        n
    }

    pub fn text(&self, n: u32) -> &str {
        &self.texts[n as usize]
    }

    /// The number of `text`, if it was read.
    pub fn known(&self, text: &str) -> Option<u32> {
        self.numbers.get(text).copied()
    }
}

/// What the rows of the range leave open, to be looked up: where a stay
/// began (`before`: the shipment's status change before `version`, the first
/// in the range), or whether an exception was resolved (a status change after
/// `version`, when none is in the range). `index` is the stay's or the
/// exception's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Question {
    pub index: usize,
    pub shipment: u32,
    pub ord: OrdKey,
    pub before: bool,
}

/// The stays and exceptions of one read of the range, and its questions.
#[derive(Debug, Default)]
pub(super) struct Found {
    pub names: Names,
    pub keys: Names,
    pub stays: Vec<Stay>,
    pub raised: Vec<Raised>,
    pub questions: Vec<Question>,
}

/// A stay that ended in the range: the status, when it began (when known) and ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Stay {
    pub status: u32,
    pub began: Option<Moment>,
    pub ended: Moment,
}

/// An exception raised in the range; `open` until a later status change is found.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Raised {
    pub shipment: u32,
    pub ord: OrdKey,
    pub at: Moment,
    pub reason: u32,
    pub open: bool,
}

/// Follows each shipment's rows in version order. Each status change with an
/// `old` status ends a stay that began at the shipment's previous status
/// change: the one before it in the range, or (for its first in the range) a
/// question. An exception is resolved by a later status change: settled here
/// when one is in the range, a question otherwise.
pub(super) fn follow(mut rows: Vec<Marked>) -> (Vec<Stay>, Vec<Raised>, Vec<Question>) {
    rows.sort_unstable_by_key(|r| (r.shipment, r.ord));
    let (mut stays, mut raised, mut questions) = (Vec::new(), Vec::new(), Vec::new());
    for shipment in rows.chunk_by(|a, b| a.shipment == b.shipment) {
        let last_moved = shipment.iter().filter(|r| r.moved).map(|r| r.ord).max();
        let mut previous: Option<Moment> = None;
        for row in shipment {
            if let Some(reason) = row.reason {
                let resolved = last_moved.is_some_and(|v| v > row.ord);
                if !resolved {
                    questions.push(Question {
                        index: raised.len(),
                        shipment: row.shipment,
                        ord: row.ord,
                        before: false,
                    });
                }
                raised.push(Raised {
                    shipment: row.shipment,
                    ord: row.ord,
                    at: row.at,
                    reason,
                    open: !resolved,
                });
            }
            if !row.moved {
                continue;
            }
            if let Some(status) = row.old {
                if previous.is_none() {
                    questions.push(Question {
                        index: stays.len(),
                        shipment: row.shipment,
                        ord: row.ord,
                        before: true,
                    });
                }
                stays.push(Stay {
                    status,
                    began: previous,
                    ended: row.at,
                });
            }
            previous = Some(row.at);
        }
    }
    (stays, raised, questions)
}

/// `percentile_cont` as PostgreSQL computes it: `sorted` ascending, not empty.
fn percentile_cont(sorted: &[f64], fraction: f64) -> f64 {
    let at = fraction * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    if lo == hi {
        return sorted[lo];
    }
    sorted[lo] + (at - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Stays per status: how many, their median and 90th percentile in hours.
/// Stays of unknown or infinite start or end, and of negative length (times
/// out of order), are left out.
pub(super) fn stay_times(stays: &[Stay], names: &Names) -> Stays {
    let mut by_status: HashMap<u32, Vec<f64>> = HashMap::new();
    for stay in stays {
        let Some(began) = stay.began.filter(|b| b.is_finite()) else {
            continue;
        };
        if !stay.ended.is_finite() {
            continue;
        }
        let Some(micros) = stay.ended.micros().checked_sub(began.micros()).filter(|m| *m >= 0) else {
            continue;
        };
        by_status.entry(stay.status).or_default().push(micros as f64 / 1e6);
    }
    let mut out: Stays = by_status
        .into_iter()
        .map(|(status, mut seconds)| {
            seconds.sort_unstable_by(f64::total_cmp);
            (
                names.text(status).to_string(),
                seconds.len() as i64,
                Some(percentile_cont(&seconds, 0.5) / 3600.0),
                Some(percentile_cont(&seconds, 0.9) / 3600.0),
            )
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The exceptions raised in the range and the stays that ended in it: one
/// read of the range, then its questions, half of them on a second
/// connection (thousands of probes into the history table, by when the
/// overview's other read is done and its connection free). With the counts,
/// the overview holds three of the pool's connections at most (Waybill's
/// pools hold four or more).
pub(super) async fn events(
    db: &Db,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    tz: &str,
    tests: &OnceCell<Vec<Uuid>>,
) -> Result<(Exceptions, Stays)> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        let layout = crate::domain::layout::layout(db, &mut conn).await?;
        let mut found = read(&mut conn, &layout, since, until, tests).await?;
        let questions = std::mem::take(&mut found.questions);
        let (mine, theirs) = questions.split_at(questions.len() / 2);
        let keys = &found.keys;
        let (a, b) = tokio::try_join!(look_up(&mut conn, &layout, keys, mine), async {
            if theirs.is_empty() {
                return Ok(Vec::new());
            }
            db.read(|r| {
                let layout = layout.clone();
                async move { look_up(&mut *r.conn().await, &layout, keys, theirs).await }
            })
            .await
        })?;
        found.answer(mine, &a);
        found.answer(theirs, &b);
        finish(&mut conn, &layout, &found, tz).await
    })
    .await
}

/// Reads the range's status changes and exceptions and follows them.
async fn read(
    conn: &mut PgConnection,
    layout: &Layout,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    tests: &OnceCell<Vec<Uuid>>,
) -> Result<Found> {
    prepare(conn).await?;
    let mut names = Names::default();
    let mut keys = Names::default();
    let mut rows = Vec::new();
    // Keys, statuses and reasons are read as borrowed text and numbered,
    // instead of 100,000 strings allocated.
    let mut q = marked_query(layout, since, until);
    let mut stream = q.build().persistent(false).fetch(&mut *conn);
    while let Some(row) = stream.try_next().await? {
        let key: &str = row.try_get(0)?;
        let old: Option<&str> = row.try_get(5)?;
        let reason: Option<&str> = row.try_get(6)?;
        rows.push(Marked {
            shipment: keys.number(key),
            ord: OrdKey(row.try_get(1)?, row.try_get(2)?),
            at: row.try_get(3)?,
            moved: row.try_get::<Option<bool>, _>(4)?.unwrap_or(false),
            old: old.map(|t| names.number(t)),
            reason: reason.map(|t| names.number(t)),
        });
    }
    drop(stream);
    let tests: HashSet<u32> = test_shipments(conn, layout, tests)
        .await?
        .iter()
        .filter_map(|id| keys.known(&id.to_string()))
        .collect();
    if !tests.is_empty() {
        rows.retain(|r| !tests.contains(&r.shipment));
    }
    let (stays, raised, questions) = follow(rows);
    Ok(Found {
        names,
        keys,
        stays,
        raised,
        questions,
    })
}

/// Answers `questions` in one statement: for each, when the stay began (the
/// status change's time), or whether the exception was resolved.
async fn look_up(
    conn: &mut PgConnection,
    layout: &Layout,
    keys: &Names,
    questions: &[Question],
) -> Result<Vec<Answer>> {
    if questions.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i32, Option<Moment>, Option<bool>)> = look_ups_query(layout, keys, questions)
        .build_query_as()
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
    let mut answers = vec![Answer::default(); questions.len()];
    for (n, began, later) in rows {
        if let Some(answer) = usize::try_from(n - 1).ok().and_then(|i| answers.get_mut(i)) {
            *answer = Answer {
                began,
                resolved: later == Some(true),
            };
        }
    }
    Ok(answers)
}

/// What `look_up` found for one question.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Answer {
    pub began: Option<Moment>,
    pub resolved: bool,
}

impl Found {
    /// Takes in the answers to `questions` (in their order).
    pub fn answer(&mut self, questions: &[Question], answers: &[Answer]) {
        for (q, a) in questions.iter().zip(answers) {
            if q.before {
                self.stays[q.index].began = a.began;
            } else if a.resolved {
                self.raised[q.index].open = false;
            }
        }
    }
}

/// The exceptions (their open ones named) and the stays per status.
async fn finish(conn: &mut PgConnection, layout: &Layout, found: &Found, tz: &str) -> Result<(Exceptions, Stays)> {
    let stays = stay_times(&found.stays, &found.names);
    let exceptions = exceptions(conn, layout, found, tz).await?;
    Ok((exceptions, stays))
}

/// Counts by reason (most raised first) and the newest open ones, named.
async fn exceptions(conn: &mut PgConnection, layout: &Layout, found: &Found, tz: &str) -> Result<Exceptions> {
    let (raised, names, keys) = (&found.raised, &found.names, &found.keys);
    let mut by_reason: HashMap<u32, (i64, i64)> = HashMap::new();
    for r in raised {
        let counts = by_reason.entry(r.reason).or_default();
        counts.0 += 1;
        counts.1 += i64::from(r.open);
    }
    let mut reasons: Vec<ExceptionReason> = by_reason
        .into_iter()
        .map(|(reason, (raised, open))| ExceptionReason {
            reason: names.text(reason).to_string(),
            raised,
            open,
        })
        .collect();
    reasons.sort_by(|a, b| b.raised.cmp(&a.raised).then_with(|| a.reason.cmp(&b.reason)));
    let mut open: Vec<&Raised> = raised.iter().filter(|r| r.open).collect();
    open.sort_by(|a, b| b.at.cmp(&a.at).then(keys.text(a.shipment).cmp(keys.text(b.shipment))));
    open.truncate(OPEN_LISTED as usize);
    let ids: Vec<String> = open.iter().map(|o| keys.text(o.shipment).to_string()).collect();
    let named = crate::domain::record::named(conn, layout, ids).await?;
    let tz = crate::domain::time::zone(tz)?;
    let mut open_list = Vec::with_capacity(open.len());
    for o in open {
        let id = keys.text(o.shipment);
        // The version as people read it (numbered 1..n where the layout has no version column).
        let version = Numbers::of(layout, conn, id).await?.version(o.ord);
        open_list.push(OpenException {
            shipment_id: id.to_string(),
            reference: named
                .iter()
                .find(|n| n.id == id)
                .map_or_else(|| id.to_string(), |n| n.reference.clone()),
            version,
            raised_at: o.at.format_in(tz),
            reason: names.text(o.reason).to_string(),
        });
    }
    Ok(Exceptions {
        raised: reasons.iter().map(|r| r.raised).sum(),
        open: reasons.iter().map(|r| r.open).sum(),
        reasons,
        open_list,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: i64) -> Moment {
        Moment::from(DateTime::from_timestamp(1_800_000_000 + hour * 3600, 0).unwrap())
    }

    const BOOKED: u32 = 0;
    const IN_TRANSIT: u32 = 1;
    const WEATHER: u32 = 2;
    const CUSTOMS: u32 = 3;

    fn row(shipment: u32, version: i64, hour: i64, old: Option<u32>, reason: Option<u32>) -> Marked {
        Marked {
            shipment,
            ord: OrdKey(version, 0),
            at: at(hour),
            moved: old.is_some() || reason.is_none(),
            old,
            reason,
        }
    }

    #[test]
    fn stays_follow_versions_not_the_order_rows_came_in() {
        // Shipment 1: created (no old) at 0, booked → in_transit at 10, in_transit → delivered at 40;
        // its exception at 20 is resolved by the change at 40. Shipment 2's first change in
        // the range left `booked`: where that stay began is a question.
        let rows = vec![
            row(1, 4, 40, Some(IN_TRANSIT), None),
            row(2, 7, 5, Some(BOOKED), None),
            row(1, 3, 20, None, Some(WEATHER)),
            row(1, 1, 0, None, None),
            row(1, 2, 10, Some(BOOKED), None),
            row(2, 9, 30, None, Some(CUSTOMS)),
        ];
        let (stays, raised, questions) = follow(rows);
        let got: Vec<(u32, Option<Moment>, Moment)> = stays.iter().map(|s| (s.status, s.began, s.ended)).collect();
        assert_eq!(
            got,
            [
                (BOOKED, Some(at(0)), at(10)),
                (IN_TRANSIT, Some(at(10)), at(40)),
                (BOOKED, None, at(5)),
            ]
        );
        assert_eq!(
            raised.iter().map(|r| (r.ord.0, r.open)).collect::<Vec<_>>(),
            [(3, false), (9, true)]
        );
        let asked: Vec<(usize, u32, i64, bool)> = questions
            .iter()
            .map(|q| (q.index, q.shipment, q.ord.0, q.before))
            .collect();
        assert_eq!(asked, [(2, 2, 7, true), (1, 2, 9, false)]);

        // The stay began at hour 1; a later status change resolved the exception.
        let mut found = Found {
            stays,
            raised,
            ..Found::default()
        };
        let answers = [
            Answer {
                began: Some(at(1)),
                resolved: false,
            },
            Answer {
                began: None,
                resolved: true,
            },
        ];
        found.answer(&questions, &answers);
        assert_eq!(found.stays[2].began, Some(at(1)));
        assert!(!found.raised[1].open);
    }

    #[test]
    fn stay_times_interpolate_like_postgres_and_skip_what_has_no_length() {
        let mut names = Names::default();
        let (booked, in_transit) = (names.number("booked"), names.number("in_transit"));
        assert_eq!(names.number("booked"), booked);
        let stay = |status: u32, began: Option<Moment>, ended: Moment| Stay { status, began, ended };
        let stays = [
            stay(booked, Some(at(0)), at(25)),
            stay(booked, Some(at(0)), at(60)),
            stay(booked, Some(at(10)), at(5)), // out of order
            stay(booked, None, at(5)),         // began before anything known
            stay(booked, Some(Moment::NEG_INFINITY), at(5)),
            stay(in_transit, Some(at(1)), at(3)),
        ];
        let times = stay_times(&stays, &names);
        assert_eq!(times.len(), 2);
        let (status, n, median, p90) = &times[0];
        assert_eq!((status.as_str(), *n), ("booked", 2));
        // percentile_cont: 25 + 0.5 × 35 and 25 + 0.9 × 35.
        assert!((median.unwrap() - 42.5).abs() < 1e-9);
        assert!((p90.unwrap() - 56.5).abs() < 1e-9);
        assert_eq!(times[1], ("in_transit".to_string(), 1, Some(2.0), Some(2.0)));
    }
}

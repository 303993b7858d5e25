//! Demo data (`waybill seed`): realistic, self-consistent, deterministic with
//! `--seed`, and bulk-loaded with COPY.
//!
//! Shape: ~200 actors; shipments whose history lengths are skewed like real
//! data (most have tens of versions, a few have 10,000+; with 1,000,000 rows or
//! more one has 100,000). Timestamps lie in the months before the day of seeding:
//! the same seed gives the same data, shifted to that day.

mod catalog;
mod copy;
pub(crate) mod history;
mod times;

use chrono::{DateTime, Duration, DurationRound, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};
use uuid::Uuid;

use crate::db::Db;
use crate::error::{Error, Field, Result};
use crate::progress::{Progress, ProgressFn};
use catalog::*;
use copy::CsvCopy;
use history::{Ending, HistoryGenerator, ShipmentPlan};

pub const DEFAULT_ROWS: u32 = 100_000;
pub const MAX_ROWS: u32 = 20_000_000;
const ACTORS: usize = 200;
/// About how many changes a day a typical shipment sees at most.
const CHANGES_A_DAY: i64 = 6;
/// Advisory lock key held while seeding ("waybill" in ASCII).
const SEED_LOCK: i64 = 0x0077_6179_6269_6c6c;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// History rows to create in all.
    pub rows: u32,
    pub seed: u64,
    /// Delete existing shipments, history and actors first.
    pub replace: bool,
}

impl Default for SeedOptions {
    fn default() -> Self {
        SeedOptions {
            rows: DEFAULT_ROWS,
            seed: 42,
            replace: false,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SeedReport {
    pub actors: u32,
    pub shipments: u32,
    pub history_rows: u32,
    pub largest_history: u32,
}

/// True when the database holds no shipment yet.
pub async fn is_empty(db: &Db) -> Result<bool> {
    let (any,): (bool,) = db
        .read(|r| async move {
            Ok(crate::db::query_as("SELECT EXISTS (SELECT FROM shipment_requests)")
                .fetch_one(&mut *r.conn().await)
                .await?)
        })
        .await?;
    Ok(!any)
}

/// History lengths: a few very long histories, the rest log-normal around ~30.
fn plan_lengths(rows: u32, rng: &mut impl Rng) -> Vec<u32> {
    let heavy: &[u32] = match rows {
        r if r >= 1_000_000 => &[100_000, 10_000, 10_000],
        r if r >= 40_000 => &[12_000, 10_000],
        _ => &[],
    };
    let mut lengths: Vec<u32> = heavy.to_vec();
    let mut total: u32 = heavy.iter().sum();
    let typical = LogNormal::new(30f64.ln(), 0.6).expect("valid parameters");
    while total < rows {
        let n = (typical.sample(rng).round() as u32).clamp(2, 400).min(rows - total);
        lengths.push(n);
        total += n;
    }
    lengths
}

/// Loads the demo data in one transaction: on any error nothing is left half-done.
pub async fn seed(db: &Db, options: &SeedOptions, progress: ProgressFn<'_>) -> Result<SeedReport> {
    // A dropped connection is reported, never retried: the rows may be there.
    crate::db::write_once(seed_rows(db, options, progress)).await
}

async fn seed_rows(db: &Db, options: &SeedOptions, progress: ProgressFn<'_>) -> Result<SeedReport> {
    if options.rows == 0 || options.rows > MAX_ROWS {
        return Err(Error::OutOfRange {
            field: Field::Rows,
            min: 1,
            max: MAX_ROWS.into(),
            got: options.rows.into(),
        });
    }
    let mut tx = crate::db::begin_write(db).await?;
    // Two seeders at once (two processes opening a new sandbox) would both find
    // the tables empty; this lock makes the second one wait and then see the data.
    crate::db::query("SELECT pg_advisory_xact_lock($1)")
        .bind(SEED_LOCK)
        .execute(&mut *tx)
        .await?;
    if options.replace {
        crate::db::query("TRUNCATE shipment_history, shipment_requests, actors")
            .execute(&mut *tx)
            .await?;
    } else {
        let (shipments,): (i64,) = crate::db::query_as("SELECT count(*) FROM shipment_requests")
            .fetch_one(&mut *tx)
            .await?;
        if shipments > 0 {
            let (database,): (String,) = crate::db::query_as("SELECT current_database()")
                .fetch_one(&mut *tx)
                .await?;
            return Err(Error::NotEmpty { database, shipments });
        }
    }

    progress(Progress::step("Loading demo data"));
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let now = Utc::now()
        .duration_trunc(Duration::hours(1))
        .unwrap_or_else(|_| Utc::now());

    // Actors.
    let actors: Vec<Uuid> = (0..ACTORS).map(|_| random_uuid(&mut rng)).collect();
    let mut copy = CsvCopy::start(&mut tx, "actors", "id, display_name, email, role").await?;
    for (i, id) in actors.iter().enumerate() {
        let first = FIRST_NAMES[i % FIRST_NAMES.len()];
        let last = LAST_NAMES[(i / FIRST_NAMES.len() + i * 7) % LAST_NAMES.len()];
        let role = ROLES
            .choose_weighted(&mut rng, |r| r.1)
            .map(|r| r.0)
            .unwrap_or("support");
        let email = format!("{}.{}{}@demo.waybill.example", ascii_lower(first), ascii_lower(last), i);
        copy.row(&[
            Some(&id.to_string()),
            Some(&format!("{first} {last}")),
            Some(&email),
            Some(role),
        ]);
    }
    copy.finish().await?;

    // Shipments with their fixed facts; their final state is set from the history below.
    let lengths = plan_lengths(options.rows, &mut rng);
    let plans: Vec<ShipmentPlan> = lengths
        .iter()
        .enumerate()
        .map(|(i, &n)| plan(i, n, now, &mut rng))
        .collect();
    let mut copy = CsvCopy::start(
        &mut tx,
        "shipment_requests",
        "id, reference, title, status, origin, destination, eta, created_at, updated_at",
    )
    .await?;
    for p in &plans {
        let (id, eta, created) = (p.id.to_string(), p.eta.to_rfc3339(), p.created_at.to_rfc3339());
        let title = p.title();
        copy.row(&[
            Some(&id),
            Some(&p.reference),
            Some(&title),
            Some(STATUS_FLOW[0]),
            Some(p.origin),
            Some(p.destination),
            Some(&eta),
            Some(&created),
            Some(&created),
        ]);
    }
    copy.finish().await?;

    // Histories, streamed.
    let total = options.rows;
    let mut done: u32 = 0;
    progress(Progress::Rows { done, total });
    let mut copy = CsvCopy::start(
        &mut tx,
        "shipment_history",
        "shipment_id, version_no, event_type, actor_id, \"timestamp\", description, changes, snapshot",
    )
    .await?;
    for p in &plans {
        let id = p.id.to_string();
        HistoryGenerator::new(&mut rng, &actors).generate(p, |e| {
            let changes = serde_json::Value::Object(e.changes).to_string();
            copy.row(&[
                Some(&id),
                Some(&e.version_no.to_string()),
                Some(e.event_type),
                Some(&e.actor_id.to_string()),
                Some(&e.at.to_rfc3339()),
                Some(&e.description),
                Some(&changes),
                Some(&e.snapshot.to_string()),
            ]);
        });
        done += p.versions;
        if copy.flush_if_full().await? {
            progress(Progress::Rows { done, total });
        }
    }
    copy.finish().await?;
    progress(Progress::Rows { done: total, total });

    // Each shipment row takes the state of its latest version, set-based.
    progress(Progress::step("Updating shipments to their latest state"));
    crate::db::query(include_str!("latest_state.sql"))
        .execute(&mut *tx)
        .await?;

    // In the same transaction (ANALYZE sees its rows), so that behind a pooler
    // no statement runs outside one.
    progress(Progress::step("Analyzing tables"));
    crate::db::query("ANALYZE actors, shipment_requests, shipment_history")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    Ok(SeedReport {
        actors: ACTORS as u32,
        shipments: plans.len() as u32,
        history_rows: total,
        largest_history: lengths.iter().copied().max().unwrap_or(0),
    })
}

fn plan(index: usize, versions: u32, now: DateTime<Utc>, rng: &mut impl Rng) -> ShipmentPlan {
    let origin = *CITIES.choose(rng).unwrap();
    let destination = loop {
        let c = *CITIES.choose(rng).unwrap();
        if c != origin {
            break c;
        }
    };
    let goods = format!(
        "{}, {} {}",
        GOODS.choose(rng).unwrap(),
        rng.random_range(1..40),
        PACKAGING.choose(rng).unwrap()
    );
    // Bookings are made in working hours, mostly.
    let booked = |rng: &mut dyn rand::RngCore, days_ago: i64| loop {
        let t = now - Duration::days(days_ago) - Duration::minutes(rng.random_range(0..1440));
        if rng.random_bool(times::activity_weight(t)) {
            break t;
        }
    };
    let (created_at, eta, span, ending) = if versions > 1000 {
        // Recurring freight with a tracking integration: about forty changes a
        // day, for as long as that takes (a few months to a few years).
        let days = i64::from(versions / 40).clamp(120, 1500);
        let created_at = booked(rng, days);
        let eta = created_at + Duration::days(rng.random_range(3..12));
        (created_at, eta, (now - created_at) * 19 / 20, Ending::Recurring)
    } else {
        // A shipment changes a few times a day at most: a long history is an
        // old one (and a long trip), never a week-old booking with 300 changes.
        let at_least = ((i64::from(versions) + CHANGES_A_DAY - 1) / CHANGES_A_DAY).max(2);
        let days_ago = rng.random_range(at_least..=at_least.max(120));
        let created_at = booked(rng, days_ago);
        let transit = Duration::days(rng.random_range(3..21).max(at_least * 3 / 4));
        let eta = created_at + transit;
        let elapsed = now - created_at;
        if eta + Duration::days(1) < now {
            // Delivered around its ETA (or cancelled on the way), paperwork a few days after.
            let ending = if rng.random_bool(0.04) {
                Ending::Cancelled
            } else {
                Ending::Delivered
            };
            let span = transit + Duration::hours(rng.random_range(-24..96));
            (
                created_at,
                eta,
                span.clamp(Duration::hours(2), elapsed * 19 / 20),
                ending,
            )
        } else {
            // On its way: as far along the flow as its time so far says.
            let steps = (elapsed.num_minutes() * (STATUS_FLOW.len() as i64 - 1) / transit.num_minutes().max(1))
                .clamp(0, STATUS_FLOW.len() as i64 - 2) as usize;
            (created_at, eta, elapsed * 19 / 20, Ending::Active { steps })
        }
    };
    ShipmentPlan {
        id: random_uuid(rng),
        reference: format!("SHP-{}-{:06}", created_at.format("%Y"), index + 1),
        goods,
        origin,
        destination,
        created_at,
        eta,
        versions,
        span,
        ending,
    }
}

fn random_uuid(rng: &mut impl Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

fn ascii_lower(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_add_up_and_are_skewed() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let lengths = plan_lengths(100_000, &mut rng);
        assert_eq!(lengths.iter().sum::<u32>(), 100_000);
        assert!(lengths.iter().filter(|&&n| n >= 10_000).count() >= 2);
        let mut typical: Vec<u32> = lengths.iter().copied().filter(|&n| n < 1000).collect();
        typical.sort();
        let median = typical[typical.len() / 2];
        assert!(
            (10..100).contains(&median),
            "median {median} should be tens of versions"
        );
    }

    #[test]
    fn small_seeds_have_no_giant_histories() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let lengths = plan_lengths(500, &mut rng);
        assert_eq!(lengths.iter().sum::<u32>(), 500);
        assert!(lengths.iter().all(|&n| n <= 400));
    }
}

//! One version in full: its state (snapshot), what it changed, and the diff
//! against the version before; any two versions compared; the state as of a time.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;

use super::diff::{self, Diff};
use crate::db::Db;
use crate::domain::changes;
use crate::domain::json;
use crate::domain::reads::{push_entries_from, EntryRow, Reading, TimelineEntry};
use crate::domain::{resolve, Resolved, ShipmentRef};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SnapshotSource {
    /// The `snapshot` column as written.
    Stored,
    /// No snapshot was stored: rebuilt by replaying `changes` from the first version.
    Reconstructed,
    /// Neither a snapshot nor usable changes exist.
    Missing,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VersionDetail {
    pub shipment: ShipmentRef,
    pub entry: TimelineEntry,
    /// The shipment's state after this version.
    pub state: Option<Value>,
    pub state_source: SnapshotSource,
    /// The `changes` column as written.
    pub changes: Value,
    /// Against the version before (for the first version, everything is added).
    pub diff: Diff,
    pub previous: Option<i32>,
    pub next: Option<i32>,
    pub latest: i32,
}

struct Full {
    entry: EntryRow,
    snapshot: Option<Value>,
    /// Said about the row (a value that cannot be read field by field).
    notes: Vec<String>,
}

/// Fetches one version and everything `version` needs, in one transaction.
async fn load_row(conn: &mut PgConnection, resolved: &Resolved, version: i32) -> Result<Option<Full>> {
    let mut q = QueryBuilder::new("SELECT ");
    q.push_bind(resolved.shipment.reference.clone())
        .push("::text AS shipment_reference, ");
    push_entries_from(
        &mut q,
        resolved.with_actors,
        Reading::Whole,
        ", h.snapshot::text AS snapshot_text",
    );
    q.push(" WHERE h.shipment_id = ")
        .push_bind(resolved.shipment.id)
        .push(" AND h.version_no = ")
        .push_bind(version);
    let row = q.build().persistent(false).fetch_optional(&mut *conn).await?;
    let Some(row) = row else { return Ok(None) };
    use sqlx::{FromRow, Row};
    let entry = EntryRow::from_row(&row)?;
    let (snapshot, snapshot_note) = json::parse_opt(row.try_get::<Option<String>, _>("snapshot_text")?.as_deref());
    let v = entry.version_no;
    let notes = [(entry.changes().1, "changes"), (snapshot_note, "snapshot")]
        .into_iter()
        .filter_map(|(note, what)| note.map(|n| format!("v{v}'s {what}: {n}")))
        .collect();
    Ok(Some(Full {
        entry,
        snapshot: Some(snapshot).filter(|s| !s.is_null()),
        notes,
    }))
}

async fn latest(conn: &mut PgConnection, shipment: &ShipmentRef) -> Result<i32> {
    let (latest,): (Option<i32>,) =
        crate::db::query_as("SELECT max(version_no) FROM shipment_history WHERE shipment_id = $1")
            .bind(shipment.id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(latest.unwrap_or(0))
}

async fn require(conn: &mut PgConnection, resolved: &Resolved, version: i32) -> Result<Full> {
    match load_row(conn, resolved, version).await? {
        Some(full) => Ok(full),
        None => Err(Error::VersionNotFound {
            shipment: resolved.shipment.reference.clone(),
            version,
            latest: latest(conn, &resolved.shipment).await?,
        }),
    }
}

/// The states after each of `rows` (in version order): a stored snapshot as
/// it is, else rebuilt by replaying `changes`. The replay is one streamed pass
/// that starts at the latest stored snapshot at or below the earliest version
/// needed, so memory holds one state however long the history, and two
/// versions (a diff's two sides) cost one pass, not two.
/// Each state comes with what to say about how it was found.
struct Found {
    state: Option<Value>,
    source: SnapshotSource,
    note: Option<String>,
}

async fn states_of(conn: &mut PgConnection, shipment: &ShipmentRef, rows: &[&Full]) -> Result<Vec<Found>> {
    let missing: Vec<i32> = rows
        .iter()
        .filter(|r| r.snapshot.is_none())
        .map(|r| r.entry.version_no)
        .collect();
    let rebuilt = match (missing.first(), missing.last()) {
        (Some(&first), Some(&last)) => replay(conn, shipment, first, last, &missing).await?,
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for row in rows {
        let v = row.entry.version_no;
        if let Some(snapshot) = &row.snapshot {
            out.push(Found {
                state: Some(snapshot.clone()),
                source: SnapshotSource::Stored,
                note: None,
            });
            continue;
        }
        match rebuilt.iter().find(|r| r.version == v) {
            Some(Rebuilt {
                state: Some(state),
                from,
                skipped,
                ..
            }) => {
                let mut note = match from {
                    Some(base) => format!("v{v} has no stored snapshot: its state was rebuilt from v{base}'s snapshot and the changes after it"),
                    None => format!("v{v} has no stored snapshot: its state was rebuilt by replaying the changes of every version up to it"),
                };
                if *skipped > 0 {
                    note.push_str(&format!(
                        " ({skipped} versions had changes that are not per field and were skipped)"
                    ));
                }
                out.push(Found {
                    state: Some(Value::Object(state.clone())),
                    source: SnapshotSource::Reconstructed,
                    note: Some(note),
                });
            }
            _ => out.push(Found {
                state: None,
                source: SnapshotSource::Missing,
                note: Some(format!(
                    "v{v} has no snapshot and no changes recorded per field: its state is unknown"
                )),
            }),
        }
    }
    Ok(out)
}

struct Rebuilt {
    version: i32,
    state: Option<Map<String, Value>>,
    /// The version whose stored snapshot the replay started from.
    from: Option<i32>,
    skipped: usize,
}

/// Replays from the latest snapshot at or below `first` up to `last`, keeping
/// the state after each version in `wanted`.
async fn replay(
    conn: &mut PgConnection,
    shipment: &ShipmentRef,
    first: i32,
    last: i32,
    wanted: &[i32],
) -> Result<Vec<Rebuilt>> {
    let base: Option<(i32, String)> = crate::db::query_as(
        "SELECT version_no, snapshot::text FROM shipment_history
          WHERE shipment_id = $1 AND version_no <= $2 AND snapshot IS NOT NULL AND jsonb_typeof(snapshot) = 'object'
          ORDER BY version_no DESC LIMIT 1",
    )
    .bind(shipment.id)
    .bind(first)
    .fetch_optional(&mut *conn)
    .await?;
    let (mut state, from, mut applied) = match base {
        Some((v, text)) => match json::parse(&text).0 {
            Value::Object(map) => (map, Some(v), 1usize),
            _ => (Map::new(), None, 0),
        },
        None => (Map::new(), None, 0),
    };
    let mut skipped = 0;
    let mut out = Vec::new();
    let mut rows = crate::db::query_as::<(i32, Option<String>)>(
        "SELECT version_no, changes::text FROM shipment_history
          WHERE shipment_id = $1 AND version_no > $2 AND version_no <= $3 ORDER BY version_no",
    )
    .bind(shipment.id)
    .bind(from.unwrap_or(0))
    .bind(last)
    .fetch(&mut *conn);
    use futures_util::TryStreamExt;
    while let Some((v, changes)) = rows.try_next().await? {
        if changes::apply_changes(&mut state, &json::parse_opt(changes.as_deref()).0) {
            applied += 1;
        } else {
            skipped += 1;
        }
        if wanted.contains(&v) {
            out.push(Rebuilt {
                version: v,
                state: (applied > 0).then(|| state.clone()),
                from,
                skipped,
            });
        }
    }
    Ok(out)
}

fn diff_of(
    from: Option<(i32, Option<&Value>)>,
    to: (i32, Option<&Value>),
    mut notes: Vec<String>,
    to_changes: &Value,
) -> Diff {
    let (to_version, to_state) = to;
    let fields = match (from, to_state) {
        (Some((_, Some(old))), Some(new)) => {
            let (fields, more) = diff::diff_states(Some(old), new);
            notes.extend(more);
            fields
        }
        (None, Some(new)) => {
            let (fields, more) = diff::diff_states(None, new);
            notes.extend(more);
            fields
        }
        // A side is unknown: the version's own `changes` are the best evidence left.
        _ => match diff::changes_as_fields(to_changes) {
            Some(fields) => {
                notes.push(format!(
                    "compared using the changes v{to_version} recorded, since a state is unknown"
                ));
                fields
            }
            None => {
                notes.push("nothing to compare: a state is unknown and the changes are not per field".into());
                Vec::new()
            }
        },
    };
    Diff {
        from_version: from.map(|f| f.0),
        to_version,
        fields,
        notes,
    }
}

/// One version in full, with its diff against the version before.
pub async fn version(db: &Db, key: &str, version: i32) -> Result<VersionDetail> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        let resolved = resolve(&mut conn, key).await?;
        detail_in(&mut conn, &resolved, version).await
    })
    .await
}

async fn detail_in(conn: &mut PgConnection, resolved: &Resolved, v: i32) -> Result<VersionDetail> {
    let shipment = &resolved.shipment;
    let full = require(conn, resolved, v).await?;
    let (previous, next, latest): (Option<i32>, Option<i32>, Option<i32>) = crate::db::query_as(
        "SELECT (SELECT max(version_no) FROM shipment_history WHERE shipment_id = $1 AND version_no < $2),
                (SELECT min(version_no) FROM shipment_history WHERE shipment_id = $1 AND version_no > $2),
                (SELECT max(version_no) FROM shipment_history WHERE shipment_id = $1)",
    )
    .bind(shipment.id)
    .bind(v)
    .fetch_one(&mut *conn)
    .await?;
    let prev = match previous {
        Some(p) => Some(require(conn, resolved, p).await?),
        None => None,
    };
    let rows: Vec<&Full> = prev.iter().chain([&full]).collect();
    let mut found = states_of(conn, shipment, &rows).await?;
    let this = found.pop().expect("one state per row");
    let before = prev
        .as_ref()
        .zip(found.pop())
        .map(|(p, f)| (p.entry.version_no, f.state));
    // What is said about this version (the one before speaks in its own panel).
    let notes: Vec<String> = full.notes.iter().cloned().chain(this.note).collect();
    let changes = full.entry.changes().0;
    let diff = diff_of(
        before.as_ref().map(|(p, s)| (*p, s.as_ref())),
        (v, this.state.as_ref()),
        notes,
        &changes,
    );
    Ok(VersionDetail {
        shipment: shipment.clone(),
        entry: full.entry.into(),
        state: this.state,
        state_source: this.source,
        changes,
        diff,
        previous,
        next,
        latest: latest.unwrap_or(0),
    })
}

/// Two versions of a shipment compared.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Comparison {
    pub shipment: ShipmentRef,
    pub diff: Diff,
}

/// The differences between any two versions of a shipment (`from` → `to`).
pub async fn compare(db: &Db, key: &str, from: i32, to: i32) -> Result<Comparison> {
    db.read(|r| async move { compare_in(&mut *r.conn().await, key, from, to).await })
        .await
}

async fn compare_in(tx: &mut PgConnection, key: &str, from: i32, to: i32) -> Result<Comparison> {
    let resolved = resolve(&mut *tx, key).await?;
    let old = require(&mut *tx, &resolved, from).await?;
    let new = require(&mut *tx, &resolved, to).await?;
    // In version order, for the one replay pass.
    let ordered = if from <= to { [&old, &new] } else { [&new, &old] };
    let mut found = states_of(&mut *tx, &resolved.shipment, &ordered).await?;
    if from > to {
        found.reverse();
    }
    let mut notes: Vec<String> = old.notes.iter().chain(&new.notes).cloned().collect();
    notes.extend(found.iter().filter_map(|f| f.note.clone()));
    let new_state = found.pop().and_then(|f| f.state);
    let old_state = found.pop().and_then(|f| f.state);
    let to_changes = new.entry.changes().0;
    let mut diff = diff_of(
        Some((from, old_state.as_ref())),
        (to, new_state.as_ref()),
        notes,
        &to_changes,
    );
    // With a state unknown, diff_of falls back to v{to}'s own changes, which say
    // nothing about a span of several versions.
    if (old_state.is_none() || new_state.is_none()) && to != from + 1 {
        diff.fields.clear();
        diff.notes.push(format!(
            "v{from} or v{to} has no known state, so they cannot be compared"
        ));
    }
    Ok(Comparison {
        shipment: resolved.shipment,
        diff,
    })
}

/// The shipment as it was at `at`: the latest version recorded at or before it.
pub async fn as_of(db: &Db, key: &str, at: DateTime<Utc>) -> Result<VersionDetail> {
    db.read(|r| async move { as_of_in(&mut *r.conn().await, key, at).await })
        .await
}

/// Checks that `key` has version `v` (before starting a page at it), naming
/// the range it has when not.
pub async fn check_exists(db: &Db, key: &str, v: i32) -> Result<()> {
    db.read(|r| async move {
        let mut tx = r.conn().await;
        let resolved = resolve(&mut tx, key).await?;
        let (found, latest): (bool, Option<i32>) = crate::db::query_as(
            "SELECT EXISTS (SELECT 1 FROM shipment_history WHERE shipment_id = $1 AND version_no = $2),
                    (SELECT max(version_no) FROM shipment_history WHERE shipment_id = $1)",
        )
        .bind(resolved.shipment.id)
        .bind(v)
        .fetch_one(&mut *tx)
        .await?;
        if found {
            Ok(())
        } else {
            Err(Error::VersionNotFound {
                shipment: resolved.shipment.reference,
                version: v,
                latest: latest.unwrap_or(0),
            })
        }
    })
    .await
}

/// The version in effect at `at` (the last one written by then): where "Go to
/// date" takes the timeline.
pub async fn version_at(db: &Db, key: &str, at: DateTime<Utc>) -> Result<i32> {
    db.read(|r| async move {
        let mut tx = r.conn().await;
        let resolved = resolve(&mut tx, key).await?;
        version_at_in(&mut tx, &resolved, at).await
    })
    .await
}

async fn version_at_in(tx: &mut PgConnection, resolved: &Resolved, at: DateTime<Utc>) -> Result<i32> {
    let found: Option<(i32,)> = crate::db::query_as(
        "SELECT version_no FROM shipment_history WHERE shipment_id = $1 AND \"timestamp\" <= $2
          ORDER BY \"timestamp\" DESC, version_no DESC LIMIT 1",
    )
    .bind(resolved.shipment.id)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((v,)) = found {
        return Ok(v);
    }
    let (first,): (Option<DateTime<Utc>>,) =
        crate::db::query_as("SELECT min(\"timestamp\") FROM shipment_history WHERE shipment_id = $1")
            .bind(resolved.shipment.id)
            .fetch_one(&mut *tx)
            .await?;
    Err(Error::NoHistoryYet {
        shipment: resolved.shipment.reference.clone(),
        at: at.to_rfc3339(),
        first: first.map(|f| f.to_rfc3339()),
    })
}

async fn as_of_in(tx: &mut PgConnection, key: &str, at: DateTime<Utc>) -> Result<VersionDetail> {
    let resolved = resolve(&mut *tx, key).await?;
    let v = version_at_in(tx, &resolved, at).await?;
    detail_in(tx, &resolved, v).await
}

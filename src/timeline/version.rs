//! One version in full: its state (snapshot), what it changed, and the diff
//! against the version before; any two versions compared; the state as of a time.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;

use super::diff::{self, Diff};
use super::{push_entries_from, resolve, EntryRow, Resolved, ShipmentRef, TimelineEntry};
use crate::db::Db;
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
}

/// Fetches one version and everything `version` needs, in one transaction.
async fn load_row(conn: &mut PgConnection, resolved: &Resolved, version: i32) -> Result<Option<Full>> {
    let mut q = QueryBuilder::new("SELECT ");
    q.push_bind(resolved.shipment.reference.clone())
        .push("::text AS shipment_reference, ");
    push_entries_from(&mut q, resolved.with_actors, ", h.snapshot");
    q.push(" WHERE h.shipment_id = ")
        .push_bind(resolved.shipment.id)
        .push(" AND h.version_no = ")
        .push_bind(version);
    let row = q.build().persistent(false).fetch_optional(&mut *conn).await?;
    row.map(|row| {
        use sqlx::{FromRow, Row};
        Ok(Full {
            entry: EntryRow::from_row(&row)?,
            snapshot: row.try_get::<Option<Value>, _>("snapshot")?.filter(|v| !v.is_null()),
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| e.into())
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

/// The state after `full`: its snapshot, or the replay of every change up to it.
async fn state_of(
    conn: &mut PgConnection,
    shipment: &ShipmentRef,
    full: &Full,
    notes: &mut Vec<String>,
) -> Result<(Option<Value>, SnapshotSource)> {
    if let Some(snapshot) = &full.snapshot {
        return Ok((Some(snapshot.clone()), SnapshotSource::Stored));
    }
    let v = full.entry.version_no;
    let changes: Vec<(Option<Value>,)> = crate::db::query_as(
        "SELECT changes FROM shipment_history WHERE shipment_id = $1 AND version_no <= $2 ORDER BY version_no",
    )
    .bind(shipment.id)
    .bind(v)
    .fetch_all(&mut *conn)
    .await?;
    let mut state = Map::new();
    let mut skipped = 0;
    for (c,) in &changes {
        if !diff::apply_changes(&mut state, c.as_ref().unwrap_or(&Value::Null)) {
            skipped += 1;
        }
    }
    if skipped == changes.len() {
        notes.push(format!(
            "v{v} has no snapshot and no changes recorded per field: its state is unknown"
        ));
        return Ok((None, SnapshotSource::Missing));
    }
    let mut note = format!(
        "v{v} has no stored snapshot: its state was rebuilt by replaying the changes of every version up to it"
    );
    if skipped > 0 {
        note.push_str(&format!(
            " ({skipped} versions had changes that are not per field and were skipped)"
        ));
    }
    notes.push(note);
    Ok((Some(Value::Object(state)), SnapshotSource::Reconstructed))
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
    let mut notes = Vec::new();
    let (state, state_source) = state_of(conn, shipment, &full, &mut notes).await?;
    let before = match previous {
        Some(p) => {
            let prev = require(conn, resolved, p).await?;
            let mut ignored = Vec::new();
            Some((p, state_of(conn, shipment, &prev, &mut ignored).await?.0))
        }
        None => None,
    };
    let changes = full.entry.changes.clone().unwrap_or(Value::Null);
    let diff = diff_of(
        before.as_ref().map(|(p, s)| (*p, s.as_ref())),
        (v, state.as_ref()),
        notes,
        &changes,
    );
    Ok(VersionDetail {
        shipment: shipment.clone(),
        entry: full.entry.into(),
        state,
        state_source,
        changes,
        diff,
        previous,
        next,
        latest: latest.unwrap_or(0),
    })
}

/// The differences between any two versions of a shipment (`from` → `to`).
pub async fn compare(db: &Db, key: &str, from: i32, to: i32) -> Result<Diff> {
    db.read(|r| async move { compare_in(&mut *r.conn().await, key, from, to).await })
        .await
}

async fn compare_in(tx: &mut PgConnection, key: &str, from: i32, to: i32) -> Result<Diff> {
    let resolved = resolve(&mut *tx, key).await?;
    let old = require(&mut *tx, &resolved, from).await?;
    let new = require(&mut *tx, &resolved, to).await?;
    let mut notes = Vec::new();
    let (old_state, _) = state_of(&mut *tx, &resolved.shipment, &old, &mut notes).await?;
    let (new_state, _) = state_of(&mut *tx, &resolved.shipment, &new, &mut notes).await?;
    let to_changes = new.entry.changes.clone().unwrap_or(Value::Null);
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
    Ok(diff)
}

/// The shipment as it was at `at`: the latest version recorded at or before it.
pub async fn as_of(db: &Db, key: &str, at: DateTime<Utc>) -> Result<VersionDetail> {
    db.read(|r| async move { as_of_in(&mut *r.conn().await, key, at).await })
        .await
}

async fn as_of_in(tx: &mut PgConnection, key: &str, at: DateTime<Utc>) -> Result<VersionDetail> {
    let resolved = resolve(&mut *tx, key).await?;
    let found: Option<(i32,)> = crate::db::query_as(
        "SELECT version_no FROM shipment_history WHERE shipment_id = $1 AND \"timestamp\" <= $2
          ORDER BY \"timestamp\" DESC, version_no DESC LIMIT 1",
    )
    .bind(resolved.shipment.id)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((v,)) = found else {
        let (first,): (Option<DateTime<Utc>>,) =
            crate::db::query_as("SELECT min(\"timestamp\") FROM shipment_history WHERE shipment_id = $1")
                .bind(resolved.shipment.id)
                .fetch_one(&mut *tx)
                .await?;
        return Err(Error::NoHistoryYet {
            shipment: resolved.shipment.reference,
            at: at.to_rfc3339(),
            first: first.map(|f| f.to_rfc3339()),
        });
    };
    detail_in(tx, &resolved, v).await
}

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
use crate::domain::layout::numbering::{push_ord_cmp, push_ord_order, push_ord_out, Numbers};
use crate::domain::layout::{Layout, OrdKey};
use crate::domain::reads::{push_entries_from, EntryRow, Numbered, Reading, TimelineEntry};
use crate::domain::{resolve, Resolved, ShipmentRef};
use crate::error::{Error, Result};

/// A record found, its layout, and its numbering: what every call here reads with.
struct Record {
    resolved: Resolved,
    numbers: Numbers,
}

impl Record {
    async fn open(db: &Db, conn: &mut PgConnection, key: &str) -> Result<Record> {
        let resolved = resolve(db, conn, key).await?;
        let numbers = Numbers::of(&resolved.layout, conn, &resolved.shipment.id).await?;
        Ok(Record { resolved, numbers })
    }

    fn layout(&self) -> &Layout {
        &self.resolved.layout
    }

    fn shipment(&self) -> &ShipmentRef {
        &self.resolved.shipment
    }

    /// ` WHERE h.shipment_id = key`.
    fn push_where(&self, q: &mut QueryBuilder<'_, sqlx::Postgres>) {
        q.push(" WHERE h.shipment_id = ");
        self.layout().push_key(q, &self.shipment().id);
    }
}

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
    /// Its version number.
    version: i32,
    entry: EntryRow,
    snapshot: Option<Value>,
    /// Said about the row (a value that cannot be read field by field).
    notes: Vec<String>,
}

/// Fetches one version and everything `version` needs, in one transaction.
async fn load_row(conn: &mut PgConnection, record: &Record, version: i32) -> Result<Option<Full>> {
    let Some(ord) = record.numbers.ord(version) else {
        return Ok(None);
    };
    let mut q = QueryBuilder::new("SELECT ");
    q.push_bind(record.shipment().reference.clone())
        .push("::text AS shipment_reference, ");
    push_entries_from(
        &mut q,
        record.layout(),
        Reading::Whole,
        Numbered::OneRecord,
        ", h.snapshot::text AS snapshot_text",
    );
    record.push_where(&mut q);
    q.push(" AND ");
    push_ord_cmp(&mut q, record.layout(), "=", ord);
    let row = q.build().persistent(false).fetch_optional(&mut *conn).await?;
    let Some(row) = row else { return Ok(None) };
    use sqlx::{FromRow, Row};
    let entry = EntryRow::from_row(&row)?;
    let (snapshot, snapshot_note) = json::parse_opt(row.try_get::<Option<String>, _>("snapshot_text")?.as_deref());
    let v = version;
    let notes = [(entry.changes().1, "changes"), (snapshot_note, "snapshot")]
        .into_iter()
        .filter_map(|(note, what)| note.map(|n| format!("v{v}'s {what}: {n}")))
        .collect();
    Ok(Some(Full {
        version,
        entry,
        snapshot: Some(snapshot).filter(|s| !s.is_null()),
        notes,
    }))
}

/// The previous, next and latest version numbers around `v`.
async fn around(conn: &mut PgConnection, record: &Record, v: i32) -> Result<(Option<i32>, Option<i32>, i32)> {
    if let Some(latest) = record.numbers.latest() {
        return Ok(((v > 1).then(|| v - 1), (v < latest).then(|| v + 1), latest));
    }
    // Stored numbers may have gaps: ask.
    let layout = record.layout();
    let mut q = QueryBuilder::new("SELECT (SELECT max(h.version_no)::bigint FROM ");
    layout.push_keys_as(&mut q, "h");
    record.push_where(&mut q);
    q.push(" AND h.version_no < ")
        .push_bind(v)
        .push("), (SELECT min(h.version_no)::bigint FROM ");
    layout.push_keys_as(&mut q, "h");
    record.push_where(&mut q);
    q.push(" AND h.version_no > ")
        .push_bind(v)
        .push("), (SELECT max(h.version_no)::bigint FROM ");
    layout.push_keys_as(&mut q, "h");
    record.push_where(&mut q);
    q.push(")");
    let (previous, next, latest): (Option<i64>, Option<i64>, Option<i64>) =
        q.build_query_as().persistent(false).fetch_one(&mut *conn).await?;
    let n = |x: Option<i64>| x.and_then(|x| i32::try_from(x).ok());
    Ok((n(previous), n(next), n(latest).unwrap_or(0)))
}

async fn latest(conn: &mut PgConnection, record: &Record) -> Result<i32> {
    Ok(around(conn, record, i32::MAX).await?.2)
}

async fn require(conn: &mut PgConnection, record: &Record, version: i32) -> Result<Full> {
    match load_row(conn, record, version).await? {
        Some(full) => Ok(full),
        None => Err(Error::VersionNotFound {
            shipment: record.shipment().reference.clone(),
            version,
            latest: latest(conn, record).await?,
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

async fn states_of(conn: &mut PgConnection, record: &Record, rows: &[&Full]) -> Result<Vec<Found>> {
    let missing: Vec<i32> = rows
        .iter()
        .filter(|r| r.snapshot.is_none())
        .map(|r| r.version)
        .collect();
    let rebuilt = match (missing.first(), missing.last()) {
        (Some(&first), Some(&last)) => replay(conn, record, first, last, &missing).await?,
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for row in rows {
        let v = row.version;
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
    record: &Record,
    first: i32,
    last: i32,
    wanted: &[i32],
) -> Result<Vec<Rebuilt>> {
    let layout = record.layout();
    let numbers = &record.numbers;
    let (Some(first_ord), Some(last_ord)) = (numbers.ord(first), numbers.ord(last)) else {
        return Ok(Vec::new());
    };
    let mut q = QueryBuilder::new("SELECT ");
    push_ord_out(&mut q, layout);
    q.push(", h.snapshot::text FROM ");
    layout.push_from(&mut q);
    record.push_where(&mut q);
    q.push(" AND ");
    push_ord_cmp(&mut q, layout, "<=", first_ord);
    q.push(" AND h.snapshot IS NOT NULL AND jsonb_typeof(h.snapshot) = 'object' ORDER BY ");
    push_ord_order(&mut q, layout, "DESC");
    q.push(" LIMIT 1");
    let base: Option<(i64, i64, String)> = q.build_query_as().persistent(false).fetch_optional(&mut *conn).await?;
    let (mut state, from, mut applied) = match base {
        Some((a, b, text)) => match json::parse(&text).0 {
            Value::Object(map) => (map, Some(OrdKey(a, b)), 1usize),
            _ => (Map::new(), None, 0),
        },
        None => (Map::new(), None, 0),
    };
    let mut skipped = 0;
    let mut out = Vec::new();
    let mut q = QueryBuilder::new("SELECT ");
    push_ord_out(&mut q, layout);
    q.push(", h.changes::text FROM ");
    layout.push_from(&mut q);
    record.push_where(&mut q);
    if let Some(from) = from {
        q.push(" AND ");
        push_ord_cmp(&mut q, layout, ">", from);
    }
    q.push(" AND ");
    push_ord_cmp(&mut q, layout, "<=", last_ord);
    q.push(" ORDER BY ");
    push_ord_order(&mut q, layout, "ASC");
    let mut rows = q
        .build_query_as::<(i64, i64, Option<String>)>()
        .persistent(false)
        .fetch(&mut *conn);
    use futures_util::TryStreamExt;
    while let Some((a, b, changes)) = rows.try_next().await? {
        if changes::apply_changes(&mut state, &json::parse_opt(changes.as_deref()).0) {
            applied += 1;
        } else {
            skipped += 1;
        }
        let v = numbers.version(OrdKey(a, b));
        if wanted.contains(&v) {
            out.push(Rebuilt {
                version: v,
                state: (applied > 0).then(|| state.clone()),
                from: from.map(|f| numbers.version(f)),
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
        let record = Record::open(db, &mut conn, key).await?;
        detail_in(&mut conn, &record, version).await
    })
    .await
}

async fn detail_in(conn: &mut PgConnection, record: &Record, v: i32) -> Result<VersionDetail> {
    let full = require(conn, record, v).await?;
    let (previous, next, latest) = around(conn, record, v).await?;
    let prev = match previous {
        Some(p) => Some(require(conn, record, p).await?),
        None => None,
    };
    let rows: Vec<&Full> = prev.iter().chain([&full]).collect();
    let mut found = states_of(conn, record, &rows).await?;
    let this = found.pop().expect("one state per row");
    let before = prev.as_ref().zip(found.pop()).map(|(p, f)| (p.version, f.state));
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
        shipment: record.shipment().clone(),
        entry: full.entry.entry(Some(&record.numbers)),
        state: this.state,
        state_source: this.source,
        changes,
        diff,
        previous,
        next,
        latest,
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
    db.read(|r| async move {
        let mut conn = r.conn().await;
        let record = Record::open(db, &mut conn, key).await?;
        compare_in(&mut conn, &record, from, to).await
    })
    .await
}

async fn compare_in(tx: &mut PgConnection, record: &Record, from: i32, to: i32) -> Result<Comparison> {
    let old = require(&mut *tx, record, from).await?;
    let new = require(&mut *tx, record, to).await?;
    // In version order, for the one replay pass.
    let ordered = if from <= to { [&old, &new] } else { [&new, &old] };
    let mut found = states_of(&mut *tx, record, &ordered).await?;
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
        shipment: record.shipment().clone(),
        diff,
    })
}

/// The shipment as it was at `at`: the latest version recorded at or before it.
pub async fn as_of(db: &Db, key: &str, at: DateTime<Utc>) -> Result<VersionDetail> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        let record = Record::open(db, &mut conn, key).await?;
        let v = version_at_in(&mut conn, &record, at).await?;
        detail_in(&mut conn, &record, v).await
    })
    .await
}

/// Checks that `key` has version `v` (before starting a page at it), naming
/// the range it has when not.
pub async fn check_exists(db: &Db, key: &str, v: i32) -> Result<()> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        let record = Record::open(db, &mut conn, key).await?;
        let (_, _, latest) = around(&mut conn, &record, v).await?;
        let found = match record.numbers.ord(v) {
            Some(ord) if record.numbers.latest().is_some() => {
                let _ = ord;
                true
            }
            Some(ord) => {
                let mut q = QueryBuilder::new("SELECT EXISTS (SELECT 1 FROM ");
                record.layout().push_keys_as(&mut q, "h");
                record.push_where(&mut q);
                q.push(" AND ");
                push_ord_cmp(&mut q, record.layout(), "=", ord);
                q.push(")");
                let (found,): (bool,) = q.build_query_as().persistent(false).fetch_one(&mut *conn).await?;
                found
            }
            None => false,
        };
        if found {
            Ok(())
        } else {
            Err(Error::VersionNotFound {
                shipment: record.shipment().reference.clone(),
                version: v,
                latest,
            })
        }
    })
    .await
}

/// The version in effect at `at` (the last one written by then): where "Go to
/// date" takes the timeline.
pub async fn version_at(db: &Db, key: &str, at: DateTime<Utc>) -> Result<i32> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        let record = Record::open(db, &mut conn, key).await?;
        version_at_in(&mut conn, &record, at).await
    })
    .await
}

async fn version_at_in(tx: &mut PgConnection, record: &Record, at: DateTime<Utc>) -> Result<i32> {
    let layout = record.layout();
    let mut q = QueryBuilder::new("SELECT ");
    push_ord_out(&mut q, layout);
    q.push(" FROM ");
    layout.push_from(&mut q);
    record.push_where(&mut q);
    q.push(" AND h.\"timestamp\" <= ").push_bind(at);
    q.push(" ORDER BY h.\"timestamp\" DESC, ");
    push_ord_order(&mut q, layout, "DESC");
    q.push(" LIMIT 1");
    let found: Option<(i64, i64)> = q.build_query_as().persistent(false).fetch_optional(&mut *tx).await?;
    if let Some((a, b)) = found {
        return Ok(record.numbers.version(OrdKey(a, b)));
    }
    // Decoded as a Moment: a first version at ±infinity is said as stored.
    let mut q = QueryBuilder::new("SELECT min(h.\"timestamp\") FROM ");
    layout.push_from(&mut q);
    record.push_where(&mut q);
    let (first,): (Option<crate::domain::Moment>,) = q.build_query_as().persistent(false).fetch_one(&mut *tx).await?;
    Err(Error::NoHistoryYet {
        shipment: record.shipment().reference.clone(),
        at: at.to_rfc3339(),
        first: first.map(|f| f.to_rfc3339()),
    })
}

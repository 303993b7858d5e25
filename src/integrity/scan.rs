//! The scan itself: the history read through the layout in (record, version)
//! order by a server-side cursor, each batch's records looked up by key, each
//! record's rows handed to the checks.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::Value;
use sqlx::{PgConnection, QueryBuilder};
use tokio_util::sync::CancellationToken;

use super::allowed::not_checked;
use super::check::{Row, ShipmentCheck};
use super::describe;
use super::report::*;
use crate::db::{Db, ReadLimit};
use crate::domain::layout::{ActorTable, Layout, OrderKind};
use crate::domain::vocabulary::DELETED;
use crate::domain::Moment;
use crate::error::{Error, Field, Result};

/// Rows per FETCH: a few MB at most, one round trip per batch.
const BATCH: u32 = 5_000;

/// Scans the history (see the module comment).
pub async fn scan(
    db: &Db,
    request: &IntegrityRequest,
    progress: &(dyn Fn(ScanProgress) + Sync),
    cancel: &CancellationToken,
) -> Result<IntegrityReport> {
    Error::check_range(
        Field::MaxFindings,
        request.max_findings().into(),
        1,
        MAX_MAX_FINDINGS.into(),
    )?;
    let started = Instant::now();
    let mut report = db
        .read_with(ReadLimit::Export, |r| async move {
            let mut conn = r.conn().await;
            scan_in(db, &mut conn, request, progress, cancel).await
        })
        .await?;
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// The history's columns the checks read, from the layout's relation `h`,
/// in (record, version) order; the benchmark's floor reads the same columns
/// of Waybill's own table without checking anything.
pub const HISTORY_COLUMNS: &str =
    "h.shipment_id::text, h.version_no, h.actor_id::text, h.\"timestamp\", h.event_type, h.changes::text, h.snapshot::text";

#[derive(sqlx::FromRow)]
struct HistoryRow {
    shipment_id: String,
    /// The stored version; 0 where the layout numbers versions (see `Scanner::check`).
    version_no: i32,
    actor_id: Option<String>,
    timestamp: Option<Moment>,
    event_type: Option<String>,
    changes: Option<String>,
    snapshot: Option<String>,
    /// A pairs layout's changes as stored, and what decodes them (see
    /// `domain::changes::from_pairs`).
    pairs: Option<String>,
    pair_event: i32,
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    id: String,
    reference: Option<String>,
    /// The row as JSON, without its key and bookkeeping columns.
    current: Option<String>,
}

/// Columns of a record's row that are bookkeeping, not what its history records.
const BOOKKEEPING: [&str; 2] = ["created_at", "updated_at"];

async fn scan_in(
    db: &Db,
    conn: &mut PgConnection,
    request: &IntegrityRequest,
    progress: &(dyn Fn(ScanProgress) + Sync),
    cancel: &CancellationToken,
) -> Result<IntegrityReport> {
    // One snapshot for the history and the records looked up along the way:
    // a record changed mid-scan is not a row that differs from its history.
    crate::db::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *conn)
        .await?;
    let layout = crate::domain::layout::layout(db, conn).await?;
    let not_checked: HashMap<FindingKind, String> = FindingKind::ALL
        .iter()
        .filter_map(|&kind| Some((kind, not_checked(&layout, kind)?)))
        .collect();
    let unique_rule = crate::domain::layout::indexed::unique_versions(conn, &layout).await?;
    let shipment = match &request.shipment {
        Some(key) => Some(crate::domain::record::find(conn, &layout, key).await?),
        None => None,
    };
    let since = request.since.map(Moment::from);
    let numbered = layout.order() == OrderKind::Version;

    let mut q = QueryBuilder::new("DECLARE waybill_integrity_history NO SCROLL CURSOR FOR SELECT ");
    q.push(if numbered {
        HISTORY_COLUMNS.to_string()
    } else {
        HISTORY_COLUMNS.replace("h.version_no", "0 AS version_no")
    });
    // A layout of [old, new] pairs gives them as stored: decoded here, on the
    // checking thread, rather than rewritten by the server row by row (most of
    // the scan's time on PaperTrail's layout).
    q.push(", h.pairs, h.pair_event FROM ");
    layout.push_from_raw_pairs(&mut q);
    q.push(" WHERE true");
    if let Some(s) = &shipment {
        q.push(" AND h.shipment_id = ");
        layout.push_key(&mut q, &s.id);
    }
    if let Some(t) = since {
        q.push(" AND h.shipment_id IN (SELECT c.shipment_id FROM ");
        layout.push_keys_as(&mut q, "c");
        q.push(" WHERE c.\"timestamp\" >= ").push_bind(t).push(")");
    }
    q.push(" ORDER BY h.shipment_id, h.version_no, h.ord2, h.\"timestamp\"");
    q.build().execute(&mut *conn).await?;

    let mut scanner = Scanner {
        found: Found::new(request.max_findings(), not_checked.keys().copied().collect()),
        since,
        numbered,
        actors: HashMap::new(),
        current: None,
        records: HashMap::new(),
        rows: 0,
        scanned: 0,
    };
    let mut cancelled = false;
    // Two things at once on two cores: while a blocking thread parses and
    // checks one batch, this task fetches the next (the server produces it,
    // sqlx decodes it). The records a batch needs are read before it is
    // handed over, so the checks themselves never wait on the database.
    let mut batch: Vec<HistoryRow> = fetch(conn, "waybill_integrity_history").await?;
    loop {
        let last = batch.len() < BATCH as usize;
        scanner.records = records(conn, &layout, &batch).await?;
        let checking = tokio::task::spawn_blocking(move || {
            scanner.check(batch);
            scanner
        });
        let next = if last {
            None
        } else {
            Some(fetch(conn, "waybill_integrity_history").await)
        };
        scanner = checking.await.map_err(Error::internal)?;
        progress(ScanProgress {
            rows: scanner.rows,
            shipments: scanner.scanned,
            findings: scanner.found.total,
        });
        match next {
            None => break,
            Some(next) => batch = next?,
        }
        if cancel.is_cancelled() {
            cancelled = true;
            break;
        }
    }
    if !cancelled {
        scanner.finish_shipment();
    }
    let Scanner {
        mut found,
        actors,
        rows,
        scanned,
        ..
    } = scanner;
    crate::db::query("CLOSE waybill_integrity_history")
        .execute(&mut *conn)
        .await?;
    if let (Some(table), false) = (layout.actor_table(), cancelled) {
        found.add(unknown_actors(conn, table, &actors).await?, None);
    }
    let mut findings = found.kept;
    findings.sort_by(|a, b| {
        (!a.kind.is_problem(), a.kind, &a.shipment_reference, &a.versions).cmp(&(
            !b.kind.is_problem(),
            b.kind,
            &b.shipment_reference,
            &b.versions,
        ))
    });
    if layout.names_actors() {
        describe::name_writers(conn, &layout, &mut findings).await?;
    }
    for f in &mut findings {
        describe::evidence(f, &layout);
    }
    let counts: Vec<KindCount> = FindingKind::ALL
        .iter()
        .map(|&kind| KindCount {
            kind,
            label: kind.label(layout.noun()),
            short_label: kind.short_label().to_string(),
            problem: kind.is_problem(),
            count: found.counts.get(&kind).copied().unwrap_or(0),
            not_checked: not_checked.get(&kind).cloned(),
        })
        .collect();
    let clean = counts.iter().all(|c| !c.problem || c.count == 0);
    progress(ScanProgress {
        rows,
        shipments: scanned,
        findings: found.total,
    });
    Ok(IntegrityReport {
        scope: scope_words(
            layout.noun(),
            &layout.nouns(),
            shipment.as_ref().map(|s| s.reference.as_str()),
            request.since,
        ),
        noun: layout.noun().to_string(),
        nouns: layout.nouns(),
        unique_columns: unique_rule.map(|_| unique_words(&layout)),
        unique_rule: unique_rule.unwrap_or(false),
        rows,
        shipments: scanned,
        counts,
        findings,
        truncated: found.total > u64::from(found.max),
        cancelled,
        clean,
        elapsed_ms: 0,
    })
}

/// `(shipment_id, version_no)`: the columns a unique rule on versions covers.
fn unique_words(layout: &Layout) -> String {
    let m = &layout.mapping;
    let columns: Vec<&str> = m
        .filter
        .keys()
        .map(String::as_str)
        .chain([m.key.as_str(), m.version.as_deref().unwrap_or("?")])
        .collect();
    format!("({})", columns.join(", "))
}

/// The records a batch of history rows is about, by key (as text): their
/// reference and their row as JSON. One statement per batch, each key by
/// the records table's own index.
async fn records(conn: &mut PgConnection, layout: &Layout, batch: &[HistoryRow]) -> Result<HashMap<String, RecordRow>> {
    let Some(r) = layout.records() else {
        return Ok(HashMap::new());
    };
    let mut keys: Vec<String> = batch.iter().map(|h| h.shipment_id.clone()).collect();
    keys.dedup();
    let mut drop: Vec<String> = vec![r.key_name.clone()];
    drop.extend(BOOKKEEPING.map(String::from));
    let mut q = QueryBuilder::new(format!(
        "SELECT r.{key}::text AS id, {label} AS reference, (to_jsonb(r) - ",
        key = r.key,
        label = r
            .label
            .as_ref()
            .map_or("NULL::text".to_string(), |l| format!("r.{l}::text")),
    ));
    q.push_bind(drop)
        .push("::text[])::text AS current FROM ")
        .push(&r.table)
        .push(" r WHERE ");
    if r.key_ty == layout.key_type() {
        q.push(format!("r.{} = ANY(", r.key));
        layout.push_key_array(&mut q, keys);
    } else {
        q.push(format!("r.{}::text = ANY(", r.key)).push_bind(keys);
    }
    q.push(")");
    let rows: Vec<RecordRow> = q.build_query_as().fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|r| (r.id.clone(), r)).collect())
}

fn scope_words(
    noun: &str,
    nouns: &str,
    shipment: Option<&str>,
    since: Option<chrono::DateTime<chrono::Utc>>,
) -> String {
    let mut words = match shipment {
        Some(r) => format!("{noun} {r}"),
        None => format!("all {nouns}"),
    };
    if let Some(t) = since {
        words.push_str(&format!(", changes since {}", t.to_rfc3339()));
    }
    words
}

/// `changes` or a snapshot as stored; text that is not JSON (or nests deeper
/// than serde reads) counts as no value rather than stopping the scan.
fn parse(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or(Value::Null)
}

/// The next batch of one of the scan's cursors.
async fn fetch<T>(conn: &mut PgConnection, cursor: &str) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    Ok(crate::db::query_as(&format!("FETCH FORWARD {BATCH} FROM {cursor}"))
        .fetch_all(&mut *conn)
        .await?)
}

/// The scan's state between batches: the record being checked, the
/// records the batch is about, what was found, and counts.
struct Scanner {
    found: Found,
    since: Option<Moment>,
    /// The history stores versions; else they are numbered here, 1..n per record.
    numbered: bool,
    actors: HashMap<String, u64>,
    /// The record being checked, its row as JSON (none: orphaned), its rows
    /// so far, and whether its last version deleted it.
    current: Option<Current>,
    records: HashMap<String, RecordRow>,
    rows: u64,
    scanned: u64,
}

struct Current {
    check: ShipmentCheck,
    row: Option<String>,
    rows: u64,
    deleted: bool,
}

impl Scanner {
    /// Parses and checks one batch of history rows (a blocking thread's work).
    fn check(&mut self, batch: Vec<HistoryRow>) {
        for h in batch {
            self.rows += 1;
            if let Some(a) = &h.actor_id {
                if let Some(n) = self.actors.get_mut(a) {
                    *n += 1;
                } else {
                    self.actors.insert(a.clone(), 1);
                }
            }
            if self
                .current
                .as_ref()
                .is_none_or(|c| c.check.shipment_id() != h.shipment_id)
            {
                self.finish_shipment();
                let (reference, row) = match self.records.remove(&h.shipment_id) {
                    Some(r) => (r.reference, Some(r.current.unwrap_or_default())),
                    None => (None, None),
                };
                self.current = Some(Current {
                    check: ShipmentCheck::new(h.shipment_id.clone(), reference),
                    row,
                    rows: 0,
                    deleted: false,
                });
            }
            let current = self.current.as_mut().expect("set above");
            current.rows += 1;
            current.deleted = h.event_type.as_deref() == Some(DELETED);
            let version_no = if self.numbered {
                h.version_no
            } else {
                i32::try_from(current.rows).unwrap_or(i32::MAX)
            };
            current.check.row(Row {
                shipment_id: h.shipment_id,
                version_no,
                actor_id: h.actor_id,
                timestamp: h.timestamp,
                changes: match &h.pairs {
                    Some(pairs) => crate::domain::changes::from_pairs(parse(Some(pairs)), h.pair_event),
                    None => parse(h.changes.as_deref()),
                },
                snapshot: h.snapshot.as_deref().map(|s| parse(Some(s))),
            });
        }
    }

    /// Checks the record row of the record just read, and keeps its findings.
    /// A record whose last version deleted it has no row to compare, and its
    /// history is no orphan.
    fn finish_shipment(&mut self) {
        if let Some(done) = self.current.take() {
            let row = done.row.map(|text| parse(Some(&text)));
            let mut findings = done.check.finish(row.as_ref(), done.rows);
            if done.deleted {
                findings.retain(|f| f.kind != FindingKind::OrphanHistory);
            }
            self.found.add(findings, self.since);
            self.scanned += 1;
        }
    }
}

/// Actor ids seen in the history that the actors table does not have.
async fn unknown_actors(
    conn: &mut PgConnection,
    table: &ActorTable,
    seen: &HashMap<String, u64>,
) -> Result<Vec<Finding>> {
    let ids: Vec<String> = seen.keys().cloned().collect();
    // As text: a history may keep actors as text (PaperTrail's whodunnit) where
    // the table's key is a number; actors tables are small.
    let unknown: Vec<(String,)> = crate::db::query_as(&format!(
        "SELECT u FROM unnest($1::text[]) u WHERE NOT EXISTS (SELECT FROM {} a WHERE a.{}::text = u) ORDER BY u",
        table.table, table.key
    ))
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(unknown
        .into_iter()
        .map(|(id,)| Finding {
            kind: FindingKind::UnknownActor,
            shipment_id: None,
            shipment_reference: None,
            versions: Vec::new(),
            at: None,
            writers: vec![Writer {
                version: 0,
                actor_id: Some(id.clone()),
                actor_name: None,
                at: None,
            }],
            field: None,
            values: Vec::new(),
            evidence: format!(
                "{id} wrote {} history rows; {} has no such actor",
                seen[&id],
                table.table.replace('"', "")
            ),
        })
        .collect())
}

/// Findings kept up to a maximum, counted beyond it.
struct Found {
    kept: Vec<Finding>,
    counts: HashMap<FindingKind, u64>,
    total: u64,
    max: u32,
    /// Kinds the layout does not allow: what the checks say of them is
    /// true by construction, not a finding.
    not_checked: Vec<FindingKind>,
}

impl Found {
    fn new(max: u32, not_checked: Vec<FindingKind>) -> Found {
        Found {
            kept: Vec::new(),
            counts: HashMap::new(),
            total: 0,
            max,
            not_checked,
        }
    }

    /// Adds a shipment's findings; with `since`, only those from then on
    /// (the shipment row's state and orphans are about now, so they stay).
    fn add(&mut self, findings: Vec<Finding>, since: Option<Moment>) {
        for f in findings {
            let before = matches!((since, f.at), (Some(s), Some(at)) if at < s);
            let about_now = matches!(f.kind, FindingKind::RowMismatch | FindingKind::OrphanHistory);
            if (before && !about_now) || self.not_checked.contains(&f.kind) {
                continue;
            }
            *self.counts.entry(f.kind).or_default() += 1;
            self.total += 1;
            if self.kept.len() < self.max as usize {
                self.kept.push(f);
            }
        }
    }
}

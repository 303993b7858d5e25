//! The scan itself: the history and the shipments read through two cursors
//! merged in id order, each shipment's rows handed to the checks.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use serde_json::Value;
use sqlx::PgConnection;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::check::{Row, ShipmentCheck};
use super::describe;
use super::report::*;
use crate::db::{Db, ReadLimit};
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

/// The history's columns the checks read, in (shipment, version) order; the
/// benchmark's floor reads exactly these columns without checking anything.
pub const HISTORY_COLUMNS: &str =
    "h.shipment_id, h.version_no, h.actor_id, h.\"timestamp\", h.changes::text, h.snapshot::text";

#[derive(sqlx::FromRow)]
struct HistoryRow {
    shipment_id: Uuid,
    version_no: i32,
    actor_id: Option<Uuid>,
    timestamp: Option<Moment>,
    changes: Option<String>,
    snapshot: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ShipmentRow {
    id: Uuid,
    reference: Option<String>,
    /// The row as JSON, without its id and bookkeeping columns.
    current: Option<String>,
}

async fn scan_in(
    db: &Db,
    conn: &mut PgConnection,
    request: &IntegrityRequest,
    progress: &(dyn Fn(ScanProgress) + Sync),
    cancel: &CancellationToken,
) -> Result<IntegrityReport> {
    let layout = crate::domain::layout::require_waybill(db, conn, "The integrity scan").await?;
    let with_actors = layout.names_actors();
    let unique_rule = unique_rule(conn).await?;
    let shipment = match &request.shipment {
        Some(key) => Some(crate::domain::record::find(conn, &layout, key).await?),
        None => None,
    };
    let since = request.since.map(Moment::from);
    // Both cursors take the same shipments, in the same (uuid) order.
    let mut which = String::new();
    if shipment.is_some() {
        which.push_str(" AND {id} = $1::uuid");
    }
    if since.is_some() {
        which.push_str(&format!(
            " AND {{id}} IN (SELECT c.shipment_id FROM shipment_history c WHERE c.\"timestamp\" >= ${})",
            if shipment.is_some() { 2 } else { 1 }
        ));
    }
    let history = format!(
        "DECLARE waybill_integrity_history NO SCROLL CURSOR FOR
         SELECT {HISTORY_COLUMNS} FROM shipment_history h WHERE true{}
          ORDER BY h.shipment_id, h.version_no, h.\"timestamp\"",
        which.replace("{id}", "h.shipment_id")
    );
    let shipments = format!(
        "DECLARE waybill_integrity_shipments NO SCROLL CURSOR FOR
         SELECT s.id, s.reference::text AS reference,
                (to_jsonb(s) - 'id' - 'created_at' - 'updated_at')::text AS current
           FROM shipment_requests s WHERE true{}
          ORDER BY s.id",
        which.replace("{id}", "s.id")
    );
    for sql in [&history, &shipments] {
        let mut q = crate::db::query(sql);
        if let Some(s) = &shipment {
            q = q.bind(s.id.clone());
        }
        if let Some(t) = since {
            q = q.bind(t);
        }
        q.execute(&mut *conn).await?;
    }

    let mut scanner = Scanner {
        found: Found::new(request.max_findings()),
        since,
        actors: HashMap::new(),
        current: None,
        shipments: VecDeque::new(),
        rows: 0,
        scanned: 0,
    };
    let mut shipments_done = false;
    let mut cancelled = false;
    // Two things at once on two cores: while a blocking thread parses and
    // checks one batch, this task fetches the next (the server produces it,
    // sqlx decodes it). The shipments a batch needs are fetched before it is
    // handed over, so the checks themselves never wait on the database.
    let mut batch: Vec<HistoryRow> = fetch(conn, "waybill_integrity_history").await?;
    loop {
        let last = batch.len() < BATCH as usize;
        if let Some(h) = batch.last() {
            let upto = h.shipment_id;
            while !shipments_done && scanner.shipments.back().is_none_or(|s| s.id < upto) {
                let more: Vec<ShipmentRow> = fetch(conn, "waybill_integrity_shipments").await?;
                shipments_done = more.len() < BATCH as usize;
                scanner.shipments.extend(more);
            }
        }
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
    crate::db::query("CLOSE waybill_integrity_shipments")
        .execute(&mut *conn)
        .await?;
    if with_actors && !cancelled {
        found.add(unknown_actors(conn, &actors).await?, None);
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
    if with_actors {
        describe::name_writers(conn, &mut findings).await?;
    }
    for f in &mut findings {
        describe::evidence(f);
    }
    let counts: Vec<KindCount> = FindingKind::ALL
        .iter()
        .map(|&kind| KindCount {
            kind,
            label: kind.label().to_string(),
            short_label: kind.short_label().to_string(),
            problem: kind.is_problem(),
            count: found.counts.get(&kind).copied().unwrap_or(0),
        })
        .collect();
    let clean = counts.iter().all(|c| !c.problem || c.count == 0);
    progress(ScanProgress {
        rows,
        shipments: scanned,
        findings: found.total,
    });
    Ok(IntegrityReport {
        scope: scope_words(shipment.as_ref().map(|s| s.reference.as_str()), request.since),
        unique_rule,
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

fn scope_words(shipment: Option<&str>, since: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let mut words = match shipment {
        Some(r) => format!("shipment {r}"),
        None => "all shipments".to_string(),
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

/// The scan's state between batches: the shipment being checked, the
/// shipments fetched ahead (in id order), what was found, and counts.
struct Scanner {
    found: Found,
    since: Option<Moment>,
    actors: HashMap<Uuid, u64>,
    /// The shipment being checked, its row as JSON (none: orphaned), its rows so far.
    current: Option<(ShipmentCheck, Option<String>, u64)>,
    shipments: VecDeque<ShipmentRow>,
    rows: u64,
    scanned: u64,
}

impl Scanner {
    /// Parses and checks one batch of history rows (a blocking thread's work).
    fn check(&mut self, batch: Vec<HistoryRow>) {
        for h in batch {
            self.rows += 1;
            if let Some(a) = h.actor_id {
                *self.actors.entry(a).or_default() += 1;
            }
            if self
                .current
                .as_ref()
                .is_none_or(|(c, _, _)| c.shipment_id() != h.shipment_id)
            {
                self.finish_shipment();
                let (reference, row) = self.shipment_row(h.shipment_id);
                self.current = Some((ShipmentCheck::new(h.shipment_id, reference), row, 0));
            }
            let (check, _, n) = self.current.as_mut().expect("set above");
            *n += 1;
            check.row(Row {
                shipment_id: h.shipment_id,
                version_no: h.version_no,
                actor_id: h.actor_id,
                timestamp: h.timestamp,
                changes: parse(h.changes.as_deref()),
                snapshot: h.snapshot.as_deref().map(|s| parse(Some(s))),
            });
        }
    }

    /// Checks the shipment row of the shipment just read, and keeps its findings.
    fn finish_shipment(&mut self) {
        if let Some((done, row, n)) = self.current.take() {
            let row = row.map(|text| parse(Some(&text)));
            self.found.add(done.finish(row.as_ref(), n), self.since);
            self.scanned += 1;
        }
    }

    /// The reference and row (as JSON text) of shipment `id`, if it exists.
    /// The shipments come in id order, as the history does: those before `id`
    /// have no history (nothing to check) and are let go of.
    fn shipment_row(&mut self, id: Uuid) -> (Option<String>, Option<String>) {
        while self.shipments.front().is_some_and(|s| s.id < id) {
            self.shipments.pop_front();
        }
        match self.shipments.front() {
            Some(s) if s.id == id => {
                let s = self.shipments.pop_front().expect("just seen");
                (s.reference, Some(s.current.unwrap_or_default()))
            }
            _ => (None, None),
        }
    }
}

/// Whether a unique index or constraint covers exactly (shipment_id, version_no).
async fn unique_rule(conn: &mut PgConnection) -> Result<bool> {
    let (unique,): (bool,) = crate::db::query_as(
        "SELECT EXISTS (
           SELECT FROM pg_index i
            WHERE i.indrelid = to_regclass('shipment_history') AND i.indisunique AND i.indpred IS NULL
              AND (SELECT array_agg(a.attname::text ORDER BY k.n)
                     FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
                  = ARRAY['shipment_id', 'version_no'])",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(unique)
}

/// Actor ids seen in the history that the `actors` table does not have.
async fn unknown_actors(conn: &mut PgConnection, seen: &HashMap<Uuid, u64>) -> Result<Vec<Finding>> {
    let ids: Vec<Uuid> = seen.keys().copied().collect();
    let unknown: Vec<(Uuid,)> = crate::db::query_as(
        "SELECT u FROM unnest($1::uuid[]) u WHERE NOT EXISTS (SELECT FROM actors a WHERE a.id = u) ORDER BY u",
    )
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
                actor_id: Some(id),
                actor_name: None,
                at: None,
            }],
            field: None,
            values: Vec::new(),
            evidence: format!(
                "{id} wrote {} history rows; the actors table has no such actor",
                seen[&id]
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
}

impl Found {
    fn new(max: u32) -> Found {
        Found {
            kept: Vec::new(),
            counts: HashMap::new(),
            total: 0,
            max,
        }
    }

    /// Adds a shipment's findings; with `since`, only those from then on
    /// (the shipment row's state and orphans are about now, so they stay).
    fn add(&mut self, findings: Vec<Finding>, since: Option<Moment>) {
        for f in findings {
            let before = matches!((since, f.at), (Some(s), Some(at)) if at < s);
            let about_now = matches!(f.kind, FindingKind::RowMismatch | FindingKind::OrphanHistory);
            if before && !about_now {
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

//! Live lock waits: sessions of this database waiting for a lock, grouped by
//! the session at the head of the queue (the one holding it) and, when the
//! lock is a shipment row's, by that shipment. A writer queued on a row takes
//! a tuple lock on it (`pg_locks`), whose page and item name the row (its
//! `ctid`), so the shipment is found without guessing from query text.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::PgConnection;
use ts_rs::TS;
use uuid::Uuid;

use crate::db::query_as;
use crate::error::Result;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShipmentRef {
    pub id: Uuid,
    pub reference: String,
}

/// A database session as `pg_stat_activity` shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Session {
    pub pid: i32,
    pub application: String,
    /// The client's address, or empty for a local socket.
    pub client: String,
    pub user: String,
    /// `active`, `idle in transaction`…
    pub state: String,
    /// How long its transaction has been open (the holder) or its statement
    /// has run (a waiter), in milliseconds.
    pub for_ms: f64,
    /// Its current or last statement (the first 300 characters).
    pub query: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LockWait {
    /// The shipment whose row is locked, when the wait is on one.
    pub shipment: Option<ShipmentRef>,
    /// The session at the head of the queue: it holds the lock and is not waiting itself.
    pub holder: Session,
    /// Who waits behind it, longest first.
    pub waiters: Vec<Session>,
}

type Row = (i32, String, String, String, String, f64, f64, String);

pub(super) async fn waits(conn: &mut PgConnection) -> Result<Vec<LockWait>> {
    // Waiting sessions and who blocks each one.
    let waiting: Vec<(i32, Vec<i32>)> = query_as(
        "SELECT pid, pg_blocking_pids(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut *conn)
    .await?;
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let blockers: BTreeMap<i32, Vec<i32>> = waiting.into_iter().collect();
    // The head of each waiter's queue: follow who blocks whom to a session that is not waiting.
    let head = |pid: i32| {
        let mut at = pid;
        for _ in 0..blockers.len() + 1 {
            match blockers.get(&at).and_then(|b| b.first()) {
                Some(&next) if next != at => at = next,
                _ => break,
            }
        }
        at
    };
    let mut pids: Vec<i32> = blockers.keys().copied().collect();
    pids.extend(blockers.values().flatten().copied());
    pids.sort_unstable();
    pids.dedup();
    let sessions: BTreeMap<i32, Session> = query_as::<Row>(
        "SELECT pid, COALESCE(application_name, ''), COALESCE(host(client_addr), ''), COALESCE(usename::text, ''),
                COALESCE(state, ''),
                COALESCE(extract(epoch FROM now() - xact_start) * 1000, 0)::float8,
                COALESCE(extract(epoch FROM now() - query_start) * 1000, 0)::float8,
                left(COALESCE(query, ''), 300)
           FROM pg_stat_activity WHERE pid = ANY($1)",
    )
    .bind(&pids)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(pid, application, client, user, state, xact_ms, query_ms, query)| {
        // A waiter: how long its statement has waited; the holder: how long its transaction has held.
        let for_ms = if blockers.contains_key(&pid) { query_ms } else { xact_ms };
        let session = Session {
            pid,
            application,
            client,
            user,
            state,
            for_ms,
            query,
        };
        (pid, session)
    })
    .collect();
    let rows = shipment_rows(conn, &pids).await?;

    let mut groups: Vec<LockWait> = Vec::new();
    for &pid in blockers.keys() {
        let holder_pid = head(pid);
        if holder_pid == pid {
            continue; // Its lock was let go between the two reads: nobody holds it up now.
        }
        let (Some(waiter), Some(holder)) = (sessions.get(&pid), sessions.get(&holder_pid)) else {
            continue; // Gone between the two reads.
        };
        let shipment = rows.get(&pid).cloned();
        match groups.iter_mut().find(|g| {
            g.holder.pid == holder_pid && g.shipment.as_ref().map(|s| s.id) == shipment.as_ref().map(|s| s.id)
        }) {
            Some(group) => group.waiters.push(waiter.clone()),
            None => groups.push(LockWait {
                shipment,
                holder: holder.clone(),
                waiters: vec![waiter.clone()],
            }),
        }
    }
    for g in &mut groups {
        g.waiters.sort_by(|a, b| b.for_ms.total_cmp(&a.for_ms));
    }
    groups.sort_by(|a, b| b.holder.for_ms.total_cmp(&a.holder.for_ms));
    Ok(groups)
}

/// The shipment row each of `pids` is queued on, from their tuple locks on
/// shipment_requests (granted: first in line; not granted: behind it).
async fn shipment_rows(conn: &mut PgConnection, pids: &[i32]) -> Result<BTreeMap<i32, ShipmentRef>> {
    let locked: Vec<(i32, String)> = query_as(
        "SELECT pid, format('(%s,%s)', page, tuple) FROM pg_locks
          WHERE locktype = 'tuple' AND pid = ANY($1)
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND relation = to_regclass('shipment_requests')",
    )
    .bind(pids)
    .fetch_all(&mut *conn)
    .await?;
    if locked.is_empty() {
        return Ok(BTreeMap::new());
    }
    let tids: Vec<&str> = locked.iter().map(|(_, tid)| tid.as_str()).collect();
    // By ctid: a TID scan reads just those rows, however large the table.
    let rows: Vec<(String, Uuid, String)> =
        query_as("SELECT ctid::text, id, reference FROM shipment_requests WHERE ctid = ANY($1::text[]::tid[])")
            .bind(&tids)
            .fetch_all(&mut *conn)
            .await?;
    Ok(locked
        .into_iter()
        .filter_map(|(pid, tid)| {
            let (_, id, reference) = rows.iter().find(|r| r.0 == tid)?;
            Some((
                pid,
                ShipmentRef {
                    id: *id,
                    reference: reference.clone(),
                },
            ))
        })
        .collect())
}

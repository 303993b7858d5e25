//! Version numbers where a layout has none: a record's versions are numbered
//! 1..n in the layout's order. Reads seek on the order key itself (an id, a
//! time), so a page deep in a long history costs what the first one does;
//! the numbers come from each record's order keys, read once (from the index
//! on key and order) and then only the newer ones, on later reads.
//!
//! A row deleted from the middle of a history after its keys were read
//! shifts the numbers after it until the app reads the record again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::{Layout, OrderKind};
use crate::domain::Moment;
use crate::error::Result;

/// A version's place in its record's order: the order key (a version
/// number, an id, or a time as microseconds since 2000) and a tie-breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct OrdKey(pub i64, pub i64);

/// Records whose order keys are known, at most this many at once.
const RECORDS_KEPT: usize = 64;

/// The order keys of recently read records (none for a layout with a
/// version column: there the key is the number).
#[derive(Debug, Default)]
pub struct Numbering {
    known: Mutex<HashMap<String, Arc<Vec<OrdKey>>>>,
}

impl Numbering {
    /// The order keys of `key`'s versions, oldest first, brought up to date.
    pub async fn of(&self, layout: &Layout, conn: &mut PgConnection, key: &str) -> Result<Arc<Vec<OrdKey>>> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned();
        let after = known.as_ref().and_then(|k| k.last().copied());
        let mut q = QueryBuilder::new("SELECT ");
        push_ord_out(&mut q, layout);
        q.push(" FROM ");
        layout.push_keys_as(&mut q, "h");
        q.push(" WHERE h.shipment_id = ");
        layout.push_key(&mut q, key);
        if let Some(after) = after {
            q.push(" AND ");
            push_ord_cmp(&mut q, layout, ">", after);
        }
        q.push(" ORDER BY ");
        push_ord_order(&mut q, layout, "ASC");
        let newer: Vec<(i64, i64)> = q.build_query_as().persistent(false).fetch_all(&mut *conn).await?;
        if known.is_some() && newer.is_empty() {
            return Ok(known.unwrap_or_default());
        }
        let mut ords: Vec<OrdKey> = known.map(|k| k.to_vec()).unwrap_or_default();
        ords.extend(newer.into_iter().map(|(a, b)| OrdKey(a, b)));
        let ords = Arc::new(ords);
        let mut cache = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= RECORDS_KEPT {
            cache.clear();
        }
        cache.insert(key.to_string(), ords.clone());
        Ok(ords)
    }
}

/// A record's numbering: version numbers and order keys, one to the other.
#[derive(Debug, Clone)]
pub enum Numbers {
    /// The layout's version column is the number.
    Stored,
    /// The record's order keys, oldest first: version n is the nth.
    Counted(Arc<Vec<OrdKey>>),
}

impl Numbers {
    pub async fn of(layout: &Layout, conn: &mut PgConnection, key: &str) -> Result<Numbers> {
        Ok(match layout.order() {
            OrderKind::Version => Numbers::Stored,
            _ => Numbers::Counted(layout.numbering.of(layout, conn, key).await?),
        })
    }

    /// The version number of the row at `ord`.
    pub fn version(&self, ord: OrdKey) -> i32 {
        match self {
            Numbers::Stored => i32::try_from(ord.0).unwrap_or(i32::MAX),
            Numbers::Counted(ords) => match ords.binary_search(&ord) {
                Ok(i) => i32::try_from(i + 1).unwrap_or(i32::MAX),
                // Written after the keys were read: after the last known.
                Err(i) => i32::try_from(i + 1).unwrap_or(i32::MAX),
            },
        }
    }

    /// The order key of version `v`, if the record has it.
    pub fn ord(&self, v: i32) -> Option<OrdKey> {
        match self {
            Numbers::Stored => Some(OrdKey(v.into(), 0)),
            Numbers::Counted(ords) => usize::try_from(v)
                .ok()?
                .checked_sub(1)
                .and_then(|i| ords.get(i).copied()),
        }
    }

    /// Where a seek below version `v` starts: its order key, or for a number
    /// past the newest, just past the newest (a page from the top).
    pub fn ord_below(&self, v: i32) -> OrdKey {
        match self {
            Numbers::Stored => OrdKey(v.into(), 0),
            Numbers::Counted(ords) => match usize::try_from(v).ok().and_then(|v| v.checked_sub(1)) {
                Some(i) if i < ords.len() => ords[i],
                Some(_) => OrdKey(i64::MAX, i64::MAX),
                None => OrdKey(i64::MIN, i64::MIN),
            },
        }
    }

    /// The newest version number (0 without versions).
    pub fn latest(&self) -> Option<i32> {
        match self {
            Numbers::Stored => None,
            Numbers::Counted(ords) => Some(i32::try_from(ords.len()).unwrap_or(i32::MAX)),
        }
    }
}

/// The order key of `h`'s row as two bigints, `ord` and `ord2` (see `OrdKey`).
pub fn push_ord_out(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout) {
    push_ord_of(q, layout, "h");
}

/// The order key of `{alias}`'s row as two bigints, `ord` and `ord2`.
pub fn push_ord_of(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, alias: &str) {
    match layout.order() {
        OrderKind::Time => {
            q.push(format!(
                "((extract(epoch FROM {alias}.version_no) - 946684800) * 1000000)::bigint AS ord, {alias}.ord2::bigint AS ord2"
            ));
        }
        _ => {
            q.push(format!(
                "{alias}.version_no::bigint AS ord, {alias}.ord2::bigint AS ord2"
            ));
        }
    }
}

/// `({alias}.version_no, ord2) {op} (ord, ord2)` where `ord` and `ord2` are
/// SQL of an order key's two bigints (columns of an `unnest`): the number
/// turned back into the order's own type, never the column into a number,
/// so the index on (key, order) serves it.
pub fn push_ord_cmp_sql(
    q: &mut QueryBuilder<'_, Postgres>,
    layout: &Layout,
    alias: &str,
    op: &str,
    ord: &str,
    ord2: &str,
) {
    match layout.order() {
        OrderKind::Version | OrderKind::Sequence => {
            q.push(format!("{alias}.version_no {op} {ord}"));
        }
        OrderKind::Time => {
            q.push(format!(
                "({alias}.version_no, {alias}.ord2) {op} ('2000-01-01 00:00:00+00'::timestamptz + {ord} * interval '1 microsecond', {ord2})"
            ));
        }
    }
}

/// `(h.version_no, h.ord2) {op} (ord)`, in the order key's own type, so the
/// index on (key, order) serves it.
pub fn push_ord_cmp(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, op: &str, ord: OrdKey) {
    match layout.order() {
        OrderKind::Version => {
            let v = i32::try_from(ord.0).unwrap_or(if ord.0 < 0 { i32::MIN } else { i32::MAX });
            q.push(format!("h.version_no {op} ")).push_bind(v);
        }
        OrderKind::Sequence => {
            q.push(format!("h.version_no {op} ")).push_bind(ord.0);
        }
        OrderKind::Time => {
            q.push(format!("(h.version_no, h.ord2) {op} ("))
                .push_bind(Moment::from_micros(ord.0));
            q.push(", ").push_bind(ord.1).push(")");
        }
    }
}

/// `ORDER BY` the layout's order, in `dir`.
pub fn push_ord_order(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, dir: &str) {
    match layout.order() {
        OrderKind::Time => {
            q.push(format!("h.version_no {dir}, h.ord2 {dir}"));
        }
        _ => {
            q.push(format!("h.version_no {dir}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_versions_number_the_order_keys_from_one() {
        let n = Numbers::Counted(Arc::new(vec![OrdKey(10, 0), OrdKey(17, 0), OrdKey(40, 0)]));
        assert_eq!(n.version(OrdKey(17, 0)), 2);
        assert_eq!(n.ord(3), Some(OrdKey(40, 0)));
        assert_eq!(n.ord(4), None);
        assert_eq!(n.ord(0), None);
        assert_eq!(n.ord_below(99), OrdKey(i64::MAX, i64::MAX));
        assert_eq!(n.latest(), Some(3));
        assert_eq!(Numbers::Stored.version(OrdKey(7, 0)), 7);
        assert_eq!(Numbers::Stored.ord(7), Some(OrdKey(7, 0)));
    }
}

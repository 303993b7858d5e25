//! Everything one actor changed, across shipments, newest first: paged by the
//! keyset (timestamp, shipment, version), since timestamps tie often (bulk
//! imports, one request touching many shipments) and the time alone is no key.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::{Postgres, QueryBuilder};
use ts_rs::TS;

use super::{push_entries_from, Numbered, Reading, Seek, TimelineEntry};
use crate::domain::layout::{Layout, OrdKey, OrderKind};
use crate::domain::{Moment, TimelineFilter};
use crate::error::{Error, Field, Result};

/// Where the next page of an actor's changes starts (exclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorCursor {
    /// `null` for a row without a time (those come first, as PostgreSQL sorts NULLs).
    pub timestamp: Option<Moment>,
    /// The record's key, as text.
    pub shipment_id: String,
    pub version_no: i32,
}

/// A cursor with its version's place in its record's order.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub cursor: &'a ActorCursor,
    pub ord: OrdKey,
}

/// `2026-11-02T10:00:00.000001Z/<shipment id>/<version>`, for `--before` in scripts.
impl fmt::Display for ActorCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.timestamp.map(|t| t.to_rfc3339()).unwrap_or_else(|| "null".into()),
            self.shipment_id,
            self.version_no
        )
    }
}

impl FromStr for ActorCursor {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                Field::Cursor,
                format!("`{s}` is not a cursor of the actor view (time/shipment/version)"),
            )
        };
        // The key is in the middle and may hold a `/` itself.
        let (t, rest) = s.split_once('/').ok_or_else(bad)?;
        let (id, v) = rest.rsplit_once('/').ok_or_else(bad)?;
        if id.is_empty() {
            return Err(bad());
        }
        Ok(ActorCursor {
            timestamp: match t {
                "null" => None,
                t => Some(t.parse().map_err(|_| bad())?),
            },
            shipment_id: id.to_string(),
            version_no: v.parse().map_err(|_| bad())?,
        })
    }
}

impl ActorCursor {
    /// Where `entry` stands in the actor view's order.
    pub fn of(entry: &TimelineEntry) -> ActorCursor {
        ActorCursor {
            timestamp: entry.timestamp,
            shipment_id: entry.shipment_id.clone(),
            version_no: entry.version_no,
        }
    }
}

/// The cursor's record key in the key's type (NULL for a key of another
/// shape: the "before everything" cursor of an empty list).
fn push_cursor_key(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, c: &ActorCursor) {
    if layout.key_is_valid(&c.shipment_id) {
        layout.push_key(q, &c.shipment_id);
    } else {
        q.push("NULL");
    }
}

/// `(time?, h.shipment_id, order) {op} (cursor's)`: one row comparison,
/// which the actor index serves as a range.
fn push_row_cmp(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, op: &str, at: At<'_>, with_time: bool) {
    let time = if with_time { "h.\"timestamp\", " } else { "" };
    q.push(format!("({time}h.shipment_id, h.version_no, h.ord2) {op} ("));
    if with_time {
        q.push_bind(at.cursor.timestamp).push(", ");
    }
    push_cursor_key(q, layout, at.cursor);
    q.push(", ");
    match layout.order() {
        OrderKind::Version => {
            q.push_bind(i32::try_from(at.ord.0).unwrap_or(if at.ord.0 < 0 { i32::MIN } else { i32::MAX }));
        }
        OrderKind::Sequence => {
            q.push_bind(at.ord.0);
        }
        OrderKind::Time => {
            q.push_bind(Moment::from_micros(at.ord.0));
        }
    }
    q.push(", ").push_bind(at.ord.1).push("::bigint)");
}

/// ` AND …` keeping rows strictly older than `at` in (time, record, order)
/// order, which the actor index serves.
pub fn push_before(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, at: At<'_>) {
    match at.cursor.timestamp {
        Some(_) => {
            q.push(" AND ");
            push_row_cmp(q, layout, "<", at, true);
        }
        // Rows without a time sort first (NULLS FIRST in a descending order):
        // the rest of them, then every row that has one.
        None => {
            q.push(" AND ((h.\"timestamp\" IS NULL AND ");
            push_row_cmp(q, layout, "<", at, false);
            q.push(") OR h.\"timestamp\" IS NOT NULL)");
        }
    }
}

/// ` AND …` keeping rows strictly newer than `at`: the mirror of [`push_before`].
fn push_after(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, at: At<'_>) {
    match at.cursor.timestamp {
        // Rows without a time are the newest of all.
        Some(_) => {
            q.push(" AND (");
            push_row_cmp(q, layout, ">", at, true);
            q.push(" OR h.\"timestamp\" IS NULL)");
        }
        None => {
            q.push(" AND h.\"timestamp\" IS NULL AND ");
            push_row_cmp(q, layout, ">", at, false);
        }
    }
}

/// The query behind a page of the actor view, after `prefix` (`SELECT ` or
/// `EXPLAIN … SELECT `). `actor` is as the history names them (text).
pub fn actor_query<'a>(
    prefix: &str,
    layout: &Layout,
    actor: &str,
    filter: &TimelineFilter,
    seek: Seek<At<'_>>,
    limit: u32,
) -> QueryBuilder<'a, Postgres> {
    let mut q = QueryBuilder::new(prefix);
    match layout.records() {
        Some(r) => {
            q.push(format!(
                "COALESCE((SELECT {} FROM {} r WHERE {}), h.shipment_id::text) AS shipment_reference, ",
                r.label
                    .as_ref()
                    .map_or(format!("r.{}::text", r.key), |l| format!("r.{l}::text")),
                r.table,
                layout.records_key_eq("r", "h.shipment_id")
            ));
        }
        None => {
            q.push("h.shipment_id::text AS shipment_reference, ");
        }
    }
    push_entries_from(&mut q, layout, Reading::Page, Numbered::ManyRecords, "");
    q.push(" WHERE h.actor_id = ");
    layout.push_actor(&mut q, actor);
    match seek {
        Seek::Older(Some(at)) => push_before(&mut q, layout, at),
        Seek::Newer(at) => push_after(&mut q, layout, at),
        Seek::Older(None) => {}
    }
    filter.push_sql(&mut q, layout);
    // Reading upwards is the exact reverse: ASC puts NULLs last as DESC put them first.
    let order = seek.order();
    q.push(format!(
        " ORDER BY h.\"timestamp\" {order}, h.shipment_id {order}, h.version_no {order}, h.ord2 {order} LIMIT "
    ))
    .push_bind(limit as i64 + 1);
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_command_line() {
        let cursor = ActorCursor {
            timestamp: Some("2026-11-02T10:00:00.000123Z".parse().unwrap()),
            shipment_id: "00000000-0000-0000-0000-000000000000".into(),
            version_no: 42,
        };
        let text = cursor.to_string();
        assert_eq!(
            text,
            "2026-11-02T10:00:00.000123Z/00000000-0000-0000-0000-000000000000/42"
        );
        assert_eq!(text.parse::<ActorCursor>().unwrap(), cursor);
        assert!("yesterday".parse::<ActorCursor>().is_err());
        for stored in ["infinity", "+010000-01-01T00:00:00.000000Z", "null"] {
            let text = format!("{stored}/00000000-0000-0000-0000-000000000000/1");
            assert_eq!(text.parse::<ActorCursor>().unwrap().to_string(), text);
        }
        assert!("2026-11-02T10:00:00Z//1".parse::<ActorCursor>().is_err());
        let slashed = "2026-11-02T10:00:00.000000Z/orders/7/3";
        let cursor: ActorCursor = slashed.parse().unwrap();
        assert_eq!((cursor.shipment_id.as_str(), cursor.version_no), ("orders/7", 3));
    }
}

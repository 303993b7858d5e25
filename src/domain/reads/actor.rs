//! Everything one actor changed, across shipments, newest first: paged by the
//! keyset (timestamp, shipment, version), since timestamps tie often (bulk
//! imports, one request touching many shipments) and the time alone is no key.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::QueryBuilder;
use ts_rs::TS;
use uuid::Uuid;

use super::{push_entries_from, Reading, Seek, TimelineEntry};
use crate::domain::{Moment, TimelineFilter};
use crate::error::{Error, Field, Result};

/// Where the next page of an actor's changes starts (exclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActorCursor {
    /// `null` for a row without a time (those come first, as PostgreSQL sorts NULLs).
    pub timestamp: Option<Moment>,
    pub shipment_id: Uuid,
    pub version_no: i32,
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
        let mut parts = s.split('/');
        let (Some(t), Some(id), Some(v), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        Ok(ActorCursor {
            timestamp: match t {
                "null" => None,
                t => Some(t.parse().map_err(|_| bad())?),
            },
            shipment_id: Uuid::parse_str(id).map_err(|_| bad())?,
            version_no: v.parse().map_err(|_| bad())?,
        })
    }
}

impl ActorCursor {
    /// Where `entry` stands in the actor view's order.
    pub fn of(entry: &TimelineEntry) -> ActorCursor {
        ActorCursor {
            timestamp: entry.timestamp,
            shipment_id: entry.shipment_id,
            version_no: entry.version_no,
        }
    }
}

/// ` AND …` keeping rows strictly older than `c` in (time, shipment, version)
/// order: a row comparison, which the actor index serves.
pub fn push_before(q: &mut QueryBuilder<'_, sqlx::Postgres>, c: &ActorCursor) {
    match c.timestamp {
        Some(t) => {
            q.push(" AND (h.\"timestamp\", h.shipment_id, h.version_no) < (")
                .push_bind(t)
                .push(", ")
                .push_bind(c.shipment_id)
                .push(", ")
                .push_bind(c.version_no)
                .push(")");
        }
        // Rows without a time sort first (NULLS FIRST in a descending order):
        // the rest of them, then every row that has one.
        None => {
            q.push(" AND ((h.\"timestamp\" IS NULL AND (h.shipment_id, h.version_no) < (")
                .push_bind(c.shipment_id)
                .push(", ")
                .push_bind(c.version_no)
                .push(")) OR h.\"timestamp\" IS NOT NULL)");
        }
    }
}

/// ` AND …` keeping rows strictly newer than `c`: the mirror of [`push_before`].
fn push_after(q: &mut QueryBuilder<'_, sqlx::Postgres>, c: &ActorCursor) {
    match c.timestamp {
        // Rows without a time are the newest of all.
        Some(t) => {
            q.push(" AND ((h.\"timestamp\", h.shipment_id, h.version_no) > (")
                .push_bind(t)
                .push(", ")
                .push_bind(c.shipment_id)
                .push(", ")
                .push_bind(c.version_no)
                .push(") OR h.\"timestamp\" IS NULL)");
        }
        None => {
            q.push(" AND h.\"timestamp\" IS NULL AND (h.shipment_id, h.version_no) > (")
                .push_bind(c.shipment_id)
                .push(", ")
                .push_bind(c.version_no)
                .push(")");
        }
    }
}

/// The query behind a page of the actor view, after `prefix` (`SELECT ` or `EXPLAIN … SELECT `).
pub fn actor_query<'a>(
    prefix: &str,
    actor: Uuid,
    with_actors: bool,
    filter: &TimelineFilter,
    seek: Seek<&ActorCursor>,
    limit: u32,
) -> QueryBuilder<'a, sqlx::Postgres> {
    let mut q = QueryBuilder::new(prefix);
    q.push("s.reference AS shipment_reference, ");
    push_entries_from(&mut q, with_actors, Reading::Page, "");
    q.push(" JOIN shipment_requests s ON s.id = h.shipment_id WHERE h.actor_id = ")
        .push_bind(actor);
    match seek {
        Seek::Older(Some(c)) => push_before(&mut q, c),
        Seek::Newer(c) => push_after(&mut q, c),
        Seek::Older(None) => {}
    }
    filter.push_sql(&mut q);
    // Reading upwards is the exact reverse: ASC puts NULLs last as DESC put them first.
    let order = seek.order();
    q.push(format!(
        " ORDER BY h.\"timestamp\" {order}, h.shipment_id {order}, h.version_no {order} LIMIT "
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
            shipment_id: Uuid::nil(),
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
        assert!("2026-11-02T10:00:00Z/not-a-uuid/1".parse::<ActorCursor>().is_err());
    }
}

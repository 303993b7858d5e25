//! One record's versions, newest first, keyset-paged on `version_no`.

use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::{check_limit, keyset_rows, push_entries_from, EntryRow, Reading, Seek, TimelineEntry};
use crate::domain::{ShipmentRef, TimelineFilter};
use crate::error::Result;

/// A record's newest `limit` versions, as the first page of its timeline reads them.
pub async fn newest(
    conn: &mut PgConnection,
    shipment: &ShipmentRef,
    with_actors: bool,
    limit: u32,
) -> Result<Vec<TimelineEntry>> {
    check_limit(limit)?;
    let seek = Seek::Older(None);
    let rows: Vec<EntryRow> = page_query(
        "SELECT ",
        shipment,
        with_actors,
        &TimelineFilter::default(),
        seek,
        limit,
    )
    .build_query_as()
    .persistent(false)
    .fetch_all(&mut *conn)
    .await?;
    Ok(keyset_rows(rows, limit, seek).0)
}

/// The query behind a timeline page, after `prefix` (`SELECT ` or `EXPLAIN … SELECT `):
/// index health explains exactly what the app runs.
pub fn page_query<'a>(
    prefix: &str,
    shipment: &ShipmentRef,
    with_actors: bool,
    filter: &TimelineFilter,
    seek: Seek<i32>,
    limit: u32,
) -> QueryBuilder<'a, Postgres> {
    let mut q = QueryBuilder::new(prefix);
    q.push_bind(shipment.reference.clone())
        .push("::text AS shipment_reference, ");
    push_entries_from(&mut q, with_actors, Reading::Page, "");
    q.push(" WHERE h.shipment_id = ").push_bind(shipment.id);
    match seek {
        Seek::Older(Some(v)) => {
            q.push(" AND h.version_no < ").push_bind(v);
        }
        Seek::Newer(v) => {
            q.push(" AND h.version_no > ").push_bind(v);
        }
        Seek::Older(None) => {}
    }
    filter.push_sql(&mut q);
    // One row more than asked tells whether another page exists, without a COUNT.
    q.push(format!(" ORDER BY h.version_no {} LIMIT ", seek.order()))
        .push_bind(limit as i64 + 1);
    q
}

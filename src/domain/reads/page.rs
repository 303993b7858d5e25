//! One record's versions, newest first, keyset-paged on the layout's order.

use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::{check_limit, keyset_rows, push_entries_from, EntryRow, Numbered, Reading, Seek, TimelineEntry};
use crate::domain::layout::numbering::{push_ord_cmp, push_ord_order, Numbers};
use crate::domain::layout::{Layout, OrdKey};
use crate::domain::{ShipmentRef, TimelineFilter};
use crate::error::Result;

/// A record's newest `limit` versions, as the first page of its timeline reads them.
pub async fn newest(
    conn: &mut PgConnection,
    layout: &Layout,
    shipment: &ShipmentRef,
    limit: u32,
) -> Result<Vec<TimelineEntry>> {
    check_limit(limit)?;
    let numbers = Numbers::of(layout, conn, &shipment.id).await?;
    let seek = Seek::Older(None);
    let rows: Vec<EntryRow> = page_query("SELECT ", layout, shipment, &TimelineFilter::default(), seek, limit)
        .build_query_as()
        .persistent(false)
        .fetch_all(&mut *conn)
        .await?;
    Ok(keyset_rows(rows, Some(&numbers), limit, seek).0)
}

/// The query behind a timeline page, after `prefix` (`SELECT ` or `EXPLAIN … SELECT `):
/// index health explains exactly what the app runs. `seek` is in the
/// layout's order keys (see `Numbers` for version numbers).
pub fn page_query<'a>(
    prefix: &str,
    layout: &Layout,
    shipment: &ShipmentRef,
    filter: &TimelineFilter,
    seek: Seek<OrdKey>,
    limit: u32,
) -> QueryBuilder<'a, Postgres> {
    let mut q = QueryBuilder::new(prefix);
    q.push_bind(shipment.reference.clone())
        .push("::text AS shipment_reference, ");
    push_entries_from(&mut q, layout, Reading::Page, Numbered::OneRecord, "");
    q.push(" WHERE h.shipment_id = ");
    layout.push_key(&mut q, &shipment.id);
    match seek {
        Seek::Older(Some(ord)) => {
            q.push(" AND ");
            push_ord_cmp(&mut q, layout, "<", ord);
        }
        Seek::Newer(ord) => {
            q.push(" AND ");
            push_ord_cmp(&mut q, layout, ">", ord);
        }
        Seek::Older(None) => {}
    }
    filter.push_sql(&mut q, layout);
    // One row more than asked tells whether another page exists, without a COUNT.
    q.push(" ORDER BY ");
    push_ord_order(&mut q, layout, seek.order());
    q.push(" LIMIT ").push_bind(limit as i64 + 1);
    q
}

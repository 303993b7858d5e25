//! The records of a history in any layout, listed from the history itself:
//! each record's latest change and its number of versions, with its
//! reference, title and status from the records' own table where the layout
//! names one. (Waybill's own shipments are listed from their table: `mod.rs`.)

use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::{escape_like, ShipmentFacets, ShipmentQuery, ShipmentSort, ShipmentSummary, ValueCount};
use crate::domain::layout::{Layout, OrderKind};
use crate::domain::ShipmentRef;
use crate::error::Result;

/// `SELECT … FROM (each record's latest change and count) k LEFT JOIN records r`,
/// of every record, or `only` these (keys as text).
fn push_select(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, only: Option<Vec<String>>) {
    let r = layout.records();
    let col = |c: Option<&String>| c.map_or("NULL::text".to_string(), |c| format!("r.{c}::text"));
    // A record whose row is gone is named as its history last named it.
    let push_named = |q: &mut QueryBuilder<'_, Postgres>, column: Option<&String>, name: Option<&String>| {
        q.push(format!("COALESCE({}", col(column)));
        if let (Some(r), Some(name)) = (r, name) {
            q.push(format!(", CASE WHEN r.{} IS NULL THEN ", r.key));
            layout.push_named_by_history(q, name, |q| {
                q.push("k.shipment_id");
            });
            q.push(" END");
        }
    };
    q.push("SELECT k.shipment_id::text AS id, ");
    push_named(
        q,
        r.and_then(|r| r.label.as_ref()),
        r.and_then(|r| r.label_name.as_ref()),
    );
    q.push(", k.shipment_id::text) AS reference, ");
    push_named(
        q,
        r.and_then(|r| r.title.as_ref()),
        r.and_then(|r| r.title_name.as_ref()),
    );
    // A record whose row is gone from its table is said to be deleted.
    let status = match r {
        Some(r) => format!(
            "COALESCE({}, CASE WHEN r.{} IS NULL THEN 'deleted' END, '')",
            col(r.status.as_ref()),
            r.key
        ),
        None => "''".to_string(),
    };
    q.push(format!(
        ", '') AS title, {status} AS status,
                '' AS origin, '' AS destination, NULL::text AS carrier, NULL::timestamptz AS eta,
                k.last AS updated_at, k.versions::int AS versions
           FROM (SELECT h.shipment_id, max(h.\"timestamp\") AS last, count(*) AS versions FROM ",
    ));
    layout.push_keys_as(q, "h");
    if let Some(keys) = only {
        q.push(" WHERE h.shipment_id = ANY(");
        layout.push_key_array(q, keys);
        q.push(")");
    }
    q.push(" GROUP BY 1) k");
    if let Some(r) = r {
        q.push(format!(
            " LEFT JOIN {} r ON {}",
            r.table,
            layout.records_key_eq("r", "k.shipment_id")
        ));
    }
}

/// The records a query asks for: search by key, reference or title, filter
/// by status, in the order asked (carrier and ETA are Waybill's own columns:
/// here they order by the latest change).
pub(super) async fn find(
    conn: &mut PgConnection,
    layout: &Layout,
    query: &ShipmentQuery,
) -> Result<Vec<ShipmentSummary>> {
    let only = match newest_first(query, layout) {
        true => recently_changed(conn, layout, query.limit).await?,
        false => None,
    };
    let mut q = QueryBuilder::new("SELECT * FROM (");
    push_select(&mut q, layout, only);
    q.push(") s WHERE true");
    let search = query.search.trim();
    if !search.is_empty() {
        let pattern = format!("%{}%", escape_like(search));
        q.push(" AND (s.reference ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR s.title ILIKE ")
            .push_bind(pattern)
            .push(" OR s.id LIKE ")
            .push_bind(format!("{}%", escape_like(search)))
            .push(")");
    }
    if !query.statuses.is_empty() {
        q.push(" AND s.status = ANY(")
            .push_bind(query.statuses.clone())
            .push(")");
    }
    if !query.carriers.is_empty() {
        // No record of this layout has a carrier.
        q.push(" AND false");
    }
    let column = match query.sort {
        ShipmentSort::Reference => "s.reference",
        ShipmentSort::Title => "s.title",
        ShipmentSort::Status => "s.status",
        ShipmentSort::Versions => "s.versions",
        ShipmentSort::Updated | ShipmentSort::Carrier | ShipmentSort::Eta => "s.updated_at",
    };
    let descending = query.sort.descending_by_default() != query.reversed;
    q.push(format!(
        " ORDER BY {column} {} NULLS LAST, s.updated_at DESC, s.id LIMIT ",
        if descending { "DESC" } else { "ASC" }
    ))
    .push_bind(i64::from(query.limit));
    Ok(q.build_query_as().persistent(false).fetch_all(&mut *conn).await?)
}

/// Whether `query` is the list as it opens, latest change first and
/// unfiltered, on a layout whose order is global (an id or a time): then
/// its records are the ones the newest changes are about.
fn newest_first(query: &ShipmentQuery, layout: &Layout) -> bool {
    query.search.trim().is_empty()
        && query.statuses.is_empty()
        && query.carriers.is_empty()
        && query.sort == ShipmentSort::Updated
        && !query.reversed
        && layout.order() != OrderKind::Version
}

/// Changes read, at most, per record listed, looking for the records changed last.
const SCAN_PER_RECORD: i64 = 100;

/// The `limit` records changed last, from the newest changes only (by the
/// order's index, not an aggregate over the whole history); none when those
/// changes are about fewer records than that (then every record is read).
async fn recently_changed(conn: &mut PgConnection, layout: &Layout, limit: u32) -> Result<Option<Vec<String>>> {
    let scan = i64::from(limit) * SCAN_PER_RECORD;
    let mut q = QueryBuilder::new("SELECT h.shipment_id::text FROM ");
    layout.push_keys_as(&mut q, "h");
    q.push(" ORDER BY h.version_no DESC, h.ord2 DESC LIMIT ")
        .push_bind(scan);
    let newest: Vec<String> = q.build_query_scalar().persistent(false).fetch_all(&mut *conn).await?;
    let mut keys: Vec<String> = Vec::new();
    for key in &newest {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    let every_record_seen = (newest.len() as i64) < scan;
    Ok((keys.len() >= limit as usize || every_record_seen).then(|| {
        keys.truncate(limit as usize);
        keys
    }))
}

/// One record's summary.
pub(super) async fn summary(conn: &mut PgConnection, layout: &Layout, record: &ShipmentRef) -> Result<ShipmentSummary> {
    let mut q = QueryBuilder::new("SELECT * FROM (");
    push_select(&mut q, layout, Some(vec![record.id.clone()]));
    q.push(") s");
    Ok(q.build_query_as().persistent(false).fetch_one(&mut *conn).await?)
}

/// The statuses records are in, from the records' own table.
pub(super) async fn facets(conn: &mut PgConnection, layout: &Layout) -> Result<ShipmentFacets> {
    let statuses = match layout.records().and_then(|r| r.status.as_ref().map(|s| (r, s))) {
        Some((r, status)) => {
            crate::db::query_as::<ValueCount>(&format!(
                "SELECT COALESCE(r.{status}::text, '') AS value, count(*) AS count FROM {} r GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 200",
                r.table
            ))
            .fetch_all(&mut *conn)
            .await?
        }
        None => Vec::new(),
    };
    Ok(ShipmentFacets {
        statuses,
        carriers: Vec::new(),
        test_shipments: 0,
    })
}

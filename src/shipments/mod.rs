//! Finding records and reading one with its latest changes. Read-only.
//! Waybill's own shipments are listed from their table (carrier, ETA, the
//! concurrency test's left out); the records of any other history layout
//! from the history itself, with the records' own table for a reference,
//! title and status where the layout names one.

mod records;

use serde::{Deserialize, Serialize};
use sqlx::QueryBuilder;
use ts_rs::TS;

use crate::db::Db;
use crate::domain::layout;
use crate::domain::reads::{newest, TimelineEntry};
use crate::domain::test_shipments;
use crate::domain::Moment;
use crate::error::{Error, Field, Result};

pub const MAX_LIMIT: u32 = 1000;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ShipmentSummary {
    /// Its key in the history, as text.
    pub id: String,
    pub reference: String,
    pub title: String,
    pub status: String,
    pub origin: String,
    pub destination: String,
    pub carrier: Option<String>,
    /// As stored: `infinity` and years past 9999 included.
    pub eta: Option<Moment>,
    pub updated_at: Option<Moment>,
    /// The latest version number (0 for a shipment without history).
    pub versions: i32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShipmentDetail {
    pub shipment: ShipmentSummary,
    /// The latest versions, newest first.
    pub recent: Vec<TimelineEntry>,
}

// NULLs where Waybill's own schema has NOT NULL are other people's data too.
const SUMMARY_COLUMNS: &str =
    "s.id::text AS id, COALESCE(s.reference, '') AS reference, COALESCE(s.title, '') AS title, COALESCE(s.status, '') AS status,
    COALESCE(s.origin, '') AS origin, COALESCE(s.destination, '') AS destination, s.carrier, s.eta, s.updated_at,
    COALESCE((SELECT h.version_no FROM shipment_history h
               WHERE h.shipment_id = s.id ORDER BY h.version_no DESC LIMIT 1), 0) AS versions";

/// How the list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ShipmentSort {
    /// Most recently changed first (the default).
    #[default]
    Updated,
    Reference,
    Title,
    Status,
    Carrier,
    Eta,
    Versions,
}

impl ShipmentSort {
    pub const ALL: [ShipmentSort; 7] = [
        ShipmentSort::Updated,
        ShipmentSort::Reference,
        ShipmentSort::Title,
        ShipmentSort::Status,
        ShipmentSort::Carrier,
        ShipmentSort::Eta,
        ShipmentSort::Versions,
    ];

    /// Its name, as JSON and the command line spell it.
    pub fn name(self) -> &'static str {
        match self {
            ShipmentSort::Updated => "updated",
            ShipmentSort::Reference => "reference",
            ShipmentSort::Title => "title",
            ShipmentSort::Status => "status",
            ShipmentSort::Carrier => "carrier",
            ShipmentSort::Eta => "eta",
            ShipmentSort::Versions => "versions",
        }
    }

    pub fn parse(name: &str) -> Option<ShipmentSort> {
        ShipmentSort::ALL.into_iter().find(|s| s.name() == name)
    }

    fn column(self) -> &'static str {
        match self {
            ShipmentSort::Updated => "s.updated_at",
            ShipmentSort::Reference => "s.reference",
            ShipmentSort::Title => "s.title",
            ShipmentSort::Status => "s.status",
            ShipmentSort::Carrier => "s.carrier",
            ShipmentSort::Eta => "s.eta",
            ShipmentSort::Versions => "versions",
        }
    }

    /// The last change and the count read newest or largest first; text A to Z;
    /// ETAs soonest first (what arrives next).
    pub fn descending_by_default(self) -> bool {
        matches!(self, ShipmentSort::Updated | ShipmentSort::Versions)
    }
}

/// What the shipment list asks for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShipmentQuery {
    /// Text in the reference, title or carrier, in the name or email of an
    /// actor who changed the shipment, or the start of its id.
    #[serde(default)]
    pub search: String,
    /// Any of these statuses (none: all).
    #[serde(default)]
    pub statuses: Vec<String>,
    /// Any of these carriers (none: all).
    #[serde(default)]
    pub carriers: Vec<String>,
    #[serde(default)]
    pub sort: ShipmentSort,
    /// Against the sort's natural direction.
    #[serde(default)]
    pub reversed: bool,
    /// Also the shipments the concurrency test created (hidden otherwise).
    #[serde(default)]
    pub include_test: bool,
    pub limit: u32,
}

impl ShipmentQuery {
    pub fn search(text: &str, limit: u32) -> ShipmentQuery {
        ShipmentQuery {
            search: text.to_string(),
            limit,
            ..ShipmentQuery::default()
        }
    }
}

/// Shipments whose reference or title contains `search`, or whose id starts with
/// it; most recently updated first. An empty search lists the latest shipments.
pub async fn search(db: &Db, search: &str, limit: u32) -> Result<Vec<ShipmentSummary>> {
    find(db, &ShipmentQuery::search(search, limit)).await
}

/// The shipments a query asks for (see `ShipmentQuery`).
pub async fn find(db: &Db, query: &ShipmentQuery) -> Result<Vec<ShipmentSummary>> {
    Error::check_range(Field::Limit, query.limit.into(), 1, MAX_LIMIT.into())?;
    if query.statuses.len() > 200 || query.carriers.len() > 200 {
        return Err(Error::invalid(
            Field::Filter,
            "a filter takes at most 200 statuses and 200 carriers",
        ));
    }
    db.read(|r| async move {
        let mut tx = r.conn().await;
        let layout = layout::layout(db, &mut tx).await?;
        if !layout.is_waybill() {
            return records::find(&mut tx, &layout, query).await;
        }
        let with_actors = layout.names_actors();
        let mut q = QueryBuilder::new(format!("SELECT {SUMMARY_COLUMNS} FROM shipment_requests s WHERE true"));
        let search = query.search.trim();
        if !search.is_empty() {
            let pattern = format!("%{}%", escape_like(search));
            q.push(" AND (s.reference ILIKE ")
                .push_bind(pattern.clone())
                .push(" OR s.title ILIKE ")
                .push_bind(pattern.clone())
                .push(" OR s.carrier ILIKE ")
                .push_bind(pattern.clone())
                .push(" OR s.id::text LIKE ")
                .push_bind(format!("{}%", escape_like(&search.to_lowercase())));
            if with_actors {
                q.push(
                    " OR s.id IN (SELECT h.shipment_id FROM shipment_history h WHERE h.actor_id IN
                        (SELECT a.id FROM actors a WHERE a.display_name ILIKE ",
                )
                .push_bind(pattern.clone())
                .push(" OR a.email ILIKE ")
                .push_bind(pattern)
                .push("))");
            }
            q.push(")");
        }
        if !query.statuses.is_empty() {
            q.push(" AND s.status = ANY(")
                .push_bind(query.statuses.clone())
                .push(")");
        }
        if !query.carriers.is_empty() {
            q.push(" AND s.carrier = ANY(")
                .push_bind(query.carriers.clone())
                .push(")");
        }
        if !query.include_test {
            // IS DISTINCT FROM: a shipment without a title or status is not a test one
            // (with `NOT (title = … AND …)` a NULL would hide it).
            q.push(" AND ").push(test_shipments::is_real("s"));
        }
        let descending = query.sort.descending_by_default() != query.reversed;
        // Ties (one status, one carrier) keep the most recently changed first.
        q.push(format!(
            " ORDER BY {} {} NULLS LAST, s.updated_at DESC, s.id LIMIT ",
            query.sort.column(),
            if descending { "DESC" } else { "ASC" }
        ))
        .push_bind(i64::from(query.limit));
        Ok(q.build_query_as::<ShipmentSummary>()
            .persistent(false)
            .fetch_all(&mut *tx)
            .await?)
    })
    .await
}

/// The values the list's filters offer, with counts.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ShipmentFacets {
    pub statuses: Vec<ValueCount>,
    pub carriers: Vec<ValueCount>,
    /// Shipments the concurrency test created (hidden unless asked for).
    #[ts(type = "number")]
    pub test_shipments: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, TS)]
#[ts(export)]
pub struct ValueCount {
    pub value: String,
    #[ts(type = "number")]
    pub count: i64,
}

pub async fn facets(db: &Db) -> Result<ShipmentFacets> {
    db.read(|r| async move {
        let mut tx = r.conn().await;
        let layout = layout::layout(db, &mut tx).await?;
        if !layout.is_waybill() {
            return records::facets(&mut tx, &layout).await;
        }
        let (real, test) = (test_shipments::is_real("s"), test_shipments::is_test("s"));
        let statuses: Vec<ValueCount> = crate::db::query_as(&format!(
            "SELECT COALESCE(s.status, '') AS value, count(*) AS count FROM shipment_requests s
              WHERE {real} GROUP BY 1 ORDER BY 2 DESC, 1"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let carriers: Vec<ValueCount> = crate::db::query_as(&format!(
            "SELECT s.carrier AS value, count(*) AS count FROM shipment_requests s
              WHERE s.carrier IS NOT NULL AND {real} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 200"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let (test_shipments,): (i64,) =
            crate::db::query_as(&format!("SELECT count(*) FROM shipment_requests s WHERE {test}"))
                .fetch_one(&mut *tx)
                .await?;
        Ok(ShipmentFacets {
            statuses,
            carriers,
            test_shipments,
        })
    })
    .await
}

/// One shipment by id or reference (case-insensitive), with its latest `recent` changes.
pub async fn get(db: &Db, key: &str, recent: u32) -> Result<ShipmentDetail> {
    db.read(|r| async move {
        let mut conn = r.conn().await;
        let layout = layout::layout(db, &mut conn).await?;
        let found = crate::domain::record::find(&mut conn, &layout, key).await?;
        let shipment = if layout.is_waybill() {
            let sql = format!("SELECT {SUMMARY_COLUMNS} FROM shipment_requests s WHERE s.id = $1::uuid");
            crate::db::query_as::<ShipmentSummary>(&sql)
                .bind(&found.id)
                .fetch_one(&mut *conn)
                .await?
        } else {
            records::summary(&mut conn, &layout, &found).await?
        };
        let recent = match recent {
            0 => Vec::new(),
            n => newest(&mut conn, &layout, &found, n.min(MAX_LIMIT)).await?,
        };
        Ok(ShipmentDetail { shipment, recent })
    })
    .await
}

/// Makes user text match literally inside LIKE/ILIKE (default escape is `\`).
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn a_sort_has_one_name_and_json_spells_it_so() {
        for s in super::ShipmentSort::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.name()));
            assert_eq!(super::ShipmentSort::parse(s.name()), Some(s));
        }
    }

    #[test]
    fn like_wildcards_match_literally() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
        assert_eq!(escape_like("SHP-2026"), "SHP-2026");
    }
}

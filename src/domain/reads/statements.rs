//! The reads the app runs on one shipment, named, each built by the very
//! function its screen uses: index health explains them and checks advice
//! against their real plans, so a figure taken on them cannot drift from the code.

use std::sync::Arc;

use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::{actor_query, blame_query, page_query, Seek};
use crate::db::Db;
use crate::domain::layout::{self, Layout};
use crate::domain::record::find;
use crate::domain::{ShipmentRef, TimelineFilter};
use crate::error::{Error, Result};

/// The app's queries on `shipment`, each a builder that starts with `prefix`.
pub struct AppQueries {
    pub shipment: ShipmentRef,
    pub layout: Arc<Layout>,
    pub actor: Option<String>,
    pub event_type: String,
}

impl AppQueries {
    /// The queries on `key`, or on the most recently changed record.
    pub async fn for_shipment(db: &Db, conn: &mut PgConnection, key: Option<&str>) -> Result<AppQueries> {
        let layout = layout::layout(db, conn).await?;
        let key = match key {
            Some(k) => k.to_string(),
            None => {
                // The newest row's record: from the order's own index.
                let mut q = sqlx::QueryBuilder::new("SELECT h.shipment_id::text FROM ");
                layout.push_keys_as(&mut q, "h");
                q.push(" ORDER BY h.version_no DESC, h.ord2 DESC LIMIT 1");
                let newest: Option<(String,)> = match layout.records() {
                    // Waybill's own: from the shipments, not the history, which has no index on time alone.
                    Some(r) if layout.is_waybill() => {
                        crate::db::query_as(&format!(
                            "SELECT {}::text FROM {} ORDER BY updated_at DESC LIMIT 1",
                            r.key, r.table
                        ))
                        .fetch_optional(&mut *conn)
                        .await?
                    }
                    _ => q.build_query_as().persistent(false).fetch_optional(&mut *conn).await?,
                };
                newest.ok_or(Error::NoShipments { action: "explain" })?.0
            }
        };
        let shipment = find(conn, &layout, &key).await?;
        // The newest version's actor and event type: values the app would really be asked for.
        let mut q = sqlx::QueryBuilder::new("SELECT h.actor_id::text, COALESCE(h.event_type, '') FROM ");
        layout.push_from(&mut q);
        q.push(" WHERE h.shipment_id = ");
        layout.push_key(&mut q, &shipment.id);
        q.push(" ORDER BY h.version_no DESC, h.ord2 DESC LIMIT 1");
        let latest: Option<(Option<String>, String)> =
            q.build_query_as().persistent(false).fetch_optional(&mut *conn).await?;
        let (actor, event_type) = latest.unwrap_or((None, "status_changed".into()));
        Ok(AppQueries {
            shipment,
            layout,
            actor,
            event_type,
        })
    }

    /// (name, query) pairs, each query starting with `prefix`.
    pub fn build<'a>(&self, prefix: &str) -> Vec<(String, QueryBuilder<'a, Postgres>)> {
        let none = TimelineFilter::default();
        let by_type = TimelineFilter {
            event_types: vec![self.event_type.clone()],
            ..Default::default()
        };
        let l = &self.layout;
        let mut out = vec![
            (
                "Timeline page (100 newest)".to_string(),
                page_query(prefix, l, &self.shipment, &none, Seek::Older(None), 100),
            ),
            (
                "Latest 1,000 versions".to_string(),
                page_query(prefix, l, &self.shipment, &none, Seek::Older(None), 1000),
            ),
            (
                format!("Filter by event type ({})", self.event_type),
                page_query(prefix, l, &self.shipment, &by_type, Seek::Older(None), 100),
            ),
        ];
        if let Some(actor) = &self.actor {
            out.push((
                "Actor view (100 newest by one actor)".to_string(),
                actor_query(prefix, l, actor, &none, Seek::Older(None), 100),
            ));
        }
        out.push(("Blame".to_string(), blame_query(prefix, l, &self.shipment.id)));
        out
    }
}

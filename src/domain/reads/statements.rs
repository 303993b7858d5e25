//! The reads the app runs on one shipment, named, each built by the very
//! function its screen uses: index health explains them and checks advice
//! against their real plans, so a figure taken on them cannot drift from the code.

use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{actor_query, blame_query, page_query, Seek};
use crate::domain::{resolve, ShipmentRef, TimelineFilter};
use crate::error::{Error, Result};

/// The app's queries on `shipment`, each a builder that starts with `prefix`.
pub struct AppQueries {
    pub shipment: ShipmentRef,
    pub with_actors: bool,
    pub actor: Option<Uuid>,
    pub event_type: String,
}

impl AppQueries {
    pub async fn for_shipment(conn: &mut PgConnection, key: Option<&str>) -> Result<AppQueries> {
        let key = match key {
            Some(k) => k.to_string(),
            None => {
                // From the shipments, not the history: that has no index on time alone.
                let (id,): (Uuid,) =
                    crate::db::query_as("SELECT id FROM shipment_requests ORDER BY updated_at DESC LIMIT 1")
                        .fetch_optional(&mut *conn)
                        .await?
                        .ok_or(Error::NoShipments { action: "explain" })?;
                id.to_string()
            }
        };
        let resolved = resolve(conn, &key).await?;
        // The newest version's actor and event type: values the app would really be asked for.
        let latest: Option<(Option<Uuid>, String)> = crate::db::query_as(
            "SELECT actor_id, event_type FROM shipment_history WHERE shipment_id = $1 ORDER BY version_no DESC LIMIT 1",
        )
        .bind(resolved.shipment.id)
        .fetch_optional(&mut *conn)
        .await?;
        let (actor, event_type) = latest.unwrap_or((None, "status_changed".into()));
        Ok(AppQueries {
            shipment: resolved.shipment,
            with_actors: resolved.with_actors,
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
        let mut out = vec![
            (
                "Timeline page (100 newest)".to_string(),
                page_query(prefix, &self.shipment, self.with_actors, &none, Seek::Older(None), 100),
            ),
            (
                "Latest 1,000 versions".to_string(),
                page_query(prefix, &self.shipment, self.with_actors, &none, Seek::Older(None), 1000),
            ),
            (
                format!("Filter by event type ({})", self.event_type),
                page_query(
                    prefix,
                    &self.shipment,
                    self.with_actors,
                    &by_type,
                    Seek::Older(None),
                    100,
                ),
            ),
        ];
        if let Some(actor) = self.actor {
            out.push((
                "Actor view (100 newest by one actor)".to_string(),
                actor_query(prefix, actor, self.with_actors, &none, Seek::Older(None), 100),
            ));
        }
        let blame = blame_query(prefix, self.shipment.id, self.with_actors);
        out.push(("Blame".to_string(), blame));
        out
    }
}

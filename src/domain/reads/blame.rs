//! Who last changed each field of a record: per field, its newest change.

use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

/// The blame query after `prefix` (`SELECT ` or `EXPLAIN … SELECT `).
pub fn blame_query<'a>(prefix: &str, shipment: Uuid, with_actors: bool) -> QueryBuilder<'a, Postgres> {
    // DISTINCT ON keeps, per field, the row with the highest version; names are
    // looked up only for those few rows, not for every change of the history.
    let (name, join) = if with_actors {
        ("a.display_name", "LEFT JOIN actors a ON a.id = b.actor_id")
    } else {
        ("NULL::text", "")
    };
    let mut q = QueryBuilder::new(format!(
        "{prefix}b.field, b.change::text AS change, b.version_no, COALESCE(b.event_type, '') AS event_type, b.actor_id,
                 {name} AS actor_name, b.\"timestamp\"
           FROM (SELECT DISTINCT ON (c.key) c.key AS field, c.value AS change, h.version_no, h.event_type,
                        h.actor_id, h.\"timestamp\"
                   FROM shipment_history h
                  CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(h.changes) = 'object'
                                                     THEN h.changes ELSE '{{}}'::jsonb END) c
                  WHERE h.shipment_id = "
    ));
    q.push_bind(shipment);
    q.push(format!(" ORDER BY c.key, h.version_no DESC) b {join} ORDER BY b.field"));
    q
}

//! Who last changed each field of a record: per field, its newest change.

use sqlx::{Postgres, QueryBuilder};

use crate::domain::layout::numbering::{push_ord_order, push_ord_out};
use crate::domain::layout::{Layout, OrderKind};

/// The blame query after `prefix` (`SELECT ` or `EXPLAIN … SELECT `): per
/// field, its newest change's value (`change`), order key (`ord`, `ord2`),
/// stored version (or NULL), event, actor and time.
pub fn blame_query<'a>(prefix: &str, layout: &Layout, key: &str) -> QueryBuilder<'a, Postgres> {
    let mut q = QueryBuilder::new(format!(
        "{prefix}b.field, b.change::text AS change, b.ord, b.ord2, b.version_no, COALESCE(b.event_type, '') AS event_type,
                 b.actor_id, b.actor_name, b.\"timestamp\"
           FROM (SELECT DISTINCT ON (c.key) c.key AS field, c.value AS change, "
    ));
    push_ord_out(&mut q, layout);
    q.push(match layout.order() {
        OrderKind::Version => ", h.version_no::int AS version_no",
        _ => ", NULL::int AS version_no",
    });
    q.push(
        ", h.event_type, h.actor_id::text AS actor_id, h.actor_name, h.\"timestamp\"
                   FROM ",
    );
    layout.push_from(&mut q);
    q.push(
        " CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(h.changes) = 'object'
                                            THEN h.changes ELSE '{}'::jsonb END) c
          WHERE h.shipment_id = ",
    );
    layout.push_key(&mut q, key);
    q.push(" ORDER BY c.key, ");
    push_ord_order(&mut q, layout, "DESC");
    q.push(") b ORDER BY b.field");
    q
}

//! What the history table's indexes say about a layout: whether a unique
//! rule keeps a record's versions apart, and whether a range of times can be
//! read from an index.

use sqlx::PgConnection;

use super::{Expr, Layout, OrderKind};
use crate::error::Result;

/// Whether a unique index (or constraint) keeps a record's versions apart:
/// one whose columns include the key and the version column and are all
/// among them and the row filters' columns (`(item_type, item_id, version)`
/// counts for Audited). `None` where the layout has no per-record version
/// column (versions are numbered, so none can repeat) or its key is not a
/// column (no index can hold it).
pub async fn unique_versions(conn: &mut PgConnection, layout: &Layout) -> Result<Option<bool>> {
    let (OrderKind::Version, Expr::Column { .. }, Some(version)) =
        (layout.order, &layout.key, layout.mapping.version.as_deref())
    else {
        return Ok(None);
    };
    let required = vec![layout.mapping.key.clone(), version.to_string()];
    let mut allowed = required.clone();
    allowed.extend(layout.mapping.filter.keys().cloned());
    let (unique,): (bool,) = crate::db::query_as(
        "SELECT EXISTS (
           SELECT FROM pg_index i
            WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
              AND (SELECT array_agg(a.attname::text) FROM unnest(i.indkey::int2[]) k(attnum)
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
                  <@ $2::text[]
              AND $3::text[] <@ (SELECT array_agg(a.attname::text) FROM unnest(i.indkey::int2[]) k(attnum)
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum))",
    )
    .bind(&layout.table)
    .bind(&allowed)
    .bind(&required)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(unique))
}

/// Whether a valid index on the history table starts with the layout's time
/// column (so a range of times is read from it): false where the time is
/// not a column of its own.
pub async fn time_indexed(conn: &mut PgConnection, layout: &Layout) -> Result<bool> {
    let (Some(Expr::Column { .. }), Some(time)) = (&layout.time, layout.mapping.time.as_deref()) else {
        return Ok(false);
    };
    let (indexed,): (bool,) = crate::db::query_as(
        "SELECT EXISTS (
           SELECT FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = to_regclass($1) AND i.indisvalid AND a.attname = $2)",
    )
    .bind(&layout.table)
    .bind(time)
    .fetch_one(&mut *conn)
    .await?;
    Ok(indexed)
}

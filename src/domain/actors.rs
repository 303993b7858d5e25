//! Who made a change. A history names its actors by id; a database may also
//! keep an `actors` table with their names (Waybill's own tables include one), which
//! every feature then shows instead of ids.

/// Is the optional actors table there (for names instead of ids)?
pub async fn has_actors(conn: &mut sqlx::PgConnection) -> crate::error::Result<bool> {
    let (present,): (bool,) = crate::db::query_as("SELECT to_regclass('actors') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await?;
    Ok(present)
}

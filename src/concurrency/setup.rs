//! What a run sets up before it starts: the real function or the checker's
//! unsafe control, the shipments it writes to (fresh test shipments, or one the
//! user chose), and a check that the server has connections to spare.

use uuid::Uuid;

use super::report::TargetShipment;
use crate::db::Db;
use crate::domain::test_shipments;
use crate::error::{Error, Result};

/// The version-assignment function and the table it writes to.
#[derive(Debug, Clone, Copy)]
pub struct Assignment {
    pub call: &'static str,
    pub history_table: &'static str,
}

pub const SAFE: Assignment = Assignment {
    call: "SELECT version_no, \"timestamp\" FROM create_history_entry($1, $2, $3, $4, $5)",
    history_table: "shipment_history",
};

pub const UNSAFE_CONTROL: Assignment = Assignment {
    call: "SELECT version_no, \"timestamp\" FROM waybill_unsafe.create_history_entry($1, $2, $3, $4, $5)",
    history_table: "waybill_unsafe.shipment_history",
};

/// The rule for the checker's self-test: the deliberately unsafe control
/// runs only on the sandbox, never on another database.
pub fn check_unsafe_control(unsafe_control: bool, is_sandbox: bool) -> Result<()> {
    if unsafe_control && !is_sandbox {
        return Err(Error::UnsafeControlOutsideSandbox);
    }
    Ok(())
}

/// Installs the deliberately unsafe control. The caller must have checked that
/// the database is the sandbox.
pub async fn install_unsafe_control(db: &Db) -> Result<()> {
    sqlx::raw_sql(include_str!("unsafe_control.sql")).execute(db).await?;
    Ok(())
}

/// Creates `count` shipments labelled as test shipments, with no history.
pub async fn create_test_shipments(db: &Db, run_id: &str, count: u32) -> Result<Vec<TargetShipment>> {
    let mut created = Vec::new();
    let mut tx = crate::db::begin_write(db).await?;
    for n in 1..=count {
        let reference = test_shipments::reference(run_id, n);
        let (id,): (Uuid,) = crate::db::query_as(
            "INSERT INTO shipment_requests (reference, title, status, origin, destination)
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(&reference)
        .bind(test_shipments::TITLE)
        .bind(test_shipments::STATUS)
        .bind(test_shipments::PLACE)
        .fetch_one(&mut *tx)
        .await?;
        created.push(TargetShipment {
            id,
            reference,
            created_for_test: true,
        });
    }
    tx.commit().await?;
    Ok(created)
}

/// Removes test shipments (and their history) among `ids`: only those that
/// carry the whole label. Returns how many went.
pub async fn remove_test_shipments(db: &Db, ids: &[Uuid]) -> Result<u64> {
    remove_labelled(db, Some(ids)).await
}

/// Removes every test shipment a run left behind (kept with `--keep`, or from
/// a run that was killed): those carrying the whole label, and nothing else.
pub async fn remove_leftovers(db: &Db) -> Result<u64> {
    remove_labelled(db, None).await
}

async fn remove_labelled(db: &Db, only: Option<&[Uuid]>) -> Result<u64> {
    crate::db::write_once(async {
        let mut tx = crate::db::begin_write(db).await?;
        let sql = format!(
            "SELECT COALESCE(array_agg(s.id), '{{}}') FROM shipment_requests s
              WHERE {} AND ($1::uuid[] IS NULL OR s.id = ANY($1))",
            test_shipments::is_test("s")
        );
        let (ids,): (Vec<Uuid>,) = crate::db::query_as(&sql).bind(only).fetch_one(&mut *tx).await?;
        // History first: another database's foreign key may not cascade.
        crate::db::query("DELETE FROM shipment_history WHERE shipment_id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        let removed = crate::db::query("DELETE FROM shipment_requests WHERE id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(removed)
    })
    .await
    .map_err(|e| db.classify(e))
}

/// An existing shipment by id or reference.
pub async fn existing_shipment(db: &Db, key: &str) -> Result<TargetShipment> {
    let id = Uuid::parse_str(key.trim()).ok();
    let mut tx = crate::db::begin_read_only(db).await?;
    let row: Option<(Uuid, String)> = crate::db::query_as(
        "SELECT id, reference FROM shipment_requests WHERE ($1::uuid IS NOT NULL AND id = $1) OR upper(reference) = upper($2)",
    )
    .bind(id)
    .bind(key.trim())
    .fetch_optional(&mut *tx)
    .await?;
    let (id, reference) = row.ok_or_else(|| Error::ShipmentNotFound {
        noun: "shipment".into(),
        query: key.to_string(),
    })?;
    Ok(TargetShipment {
        id,
        reference,
        created_for_test: false,
    })
}

/// Fails clearly when the server cannot take `needed` more connections.
pub async fn check_capacity(db: &Db, needed: u32) -> Result<()> {
    let (max, reserved, used): (i32, i32, i64) = crate::db::query_as(
        "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int,
                (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')",
    )
    .fetch_one(db)
    .await?;
    let free = (max - reserved) as i64 - used;
    if needed as i64 + 2 > free {
        return Err(Error::NotEnoughConnections { needed, free, max });
    }
    Ok(())
}

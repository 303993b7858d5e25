//! The statements the timeline runs for one shipment, built by the very
//! functions its calls use, so that `EXPLAIN` and the benchmarks measure what
//! the app runs: a figure taken on them cannot drift from the code.

use sqlx::{Postgres, QueryBuilder};

use super::export::{self, ExportRequest};
use crate::db::Db;
use crate::domain::{resolve, Resolved, ShipmentRef, TimelineFilter};
use crate::error::Result;

/// A shipment resolved once, as the timeline's calls resolve it.
pub struct Statements {
    pub shipment: ShipmentRef,
    with_actors: bool,
}

impl Statements {
    pub async fn for_shipment(db: &Db, key: &str) -> Result<Statements> {
        let Resolved { shipment, with_actors } = db
            .read(|r| async move { resolve(&mut *r.conn().await, key).await })
            .await?;
        Ok(Statements { shipment, with_actors })
    }

    /// A page, as [`super::page`] runs it (one row more than `limit`).
    pub fn page(
        &self,
        prefix: &str,
        filter: &TimelineFilter,
        before_version: Option<i32>,
        limit: u32,
    ) -> QueryBuilder<'static, Postgres> {
        crate::domain::reads::page_query(
            prefix,
            &self.shipment,
            self.with_actors,
            filter,
            crate::domain::reads::Seek::Older(before_version),
            limit,
        )
    }

    /// Who last changed each field, as [`super::blame::blame`] reads it.
    pub fn blame(&self, prefix: &str) -> QueryBuilder<'static, Postgres> {
        crate::domain::reads::blame_query(prefix, self.shipment.id, self.with_actors)
    }

    /// The filter menus' three queries, as [`super::facets`] runs them.
    pub fn facets(&self, prefix: &str) -> [QueryBuilder<'static, Postgres>; 3] {
        super::facets_queries(prefix, self.shipment.id, self.with_actors)
    }

    /// The query an export streams, as [`export::export`] builds it.
    pub async fn export(
        &self,
        db: &Db,
        request: &ExportRequest,
        prefix: &str,
    ) -> Result<QueryBuilder<'static, Postgres>> {
        db.read(|r| async move {
            let (q, _, _) = export::query(&mut *r.conn().await, request, prefix).await?;
            Ok(q)
        })
        .await
    }
}

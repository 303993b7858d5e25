//! The statements the timeline runs for one shipment, built by the very
//! functions its calls use, so that `EXPLAIN` and the benchmarks measure what
//! the app runs: a figure taken on them cannot drift from the code.

use std::sync::Arc;

use sqlx::{Postgres, QueryBuilder};

use super::export::{self, ExportRequest};
use crate::db::Db;
use crate::domain::layout::numbering::Numbers;
use crate::domain::layout::Layout;
use crate::domain::{resolve, Resolved, ShipmentRef, TimelineFilter};
use crate::error::Result;

/// A shipment resolved once, as the timeline's calls resolve it.
pub struct Statements {
    pub shipment: ShipmentRef,
    layout: Arc<Layout>,
    numbers: Numbers,
}

impl Statements {
    pub async fn for_shipment(db: &Db, key: &str) -> Result<Statements> {
        db.read(|r| async move {
            let mut conn = r.conn().await;
            let Resolved { shipment, layout } = resolve(db, &mut conn, key).await?;
            let numbers = Numbers::of(&layout, &mut conn, &shipment.id).await?;
            Ok(Statements {
                shipment,
                layout,
                numbers,
            })
        })
        .await
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
            &self.layout,
            &self.shipment,
            filter,
            crate::domain::reads::Seek::Older(before_version.map(|v| self.numbers.ord_below(v))),
            limit,
        )
    }

    /// Who last changed each field, as [`super::blame::blame`] reads it.
    pub fn blame(&self, prefix: &str) -> QueryBuilder<'static, Postgres> {
        crate::domain::reads::blame_query(prefix, &self.layout, &self.shipment.id)
    }

    /// The filter menus' three queries, as [`super::facets`] runs them.
    pub fn facets(&self, prefix: &str) -> [QueryBuilder<'static, Postgres>; 3] {
        super::facets_queries(prefix, &self.layout, &self.shipment.id)
    }

    /// The query an export streams, as [`export::export`] builds it.
    pub async fn export(
        &self,
        db: &Db,
        request: &ExportRequest,
        prefix: &str,
    ) -> Result<QueryBuilder<'static, Postgres>> {
        db.read(|r| async move {
            let (q, _, _, _) = export::query(db, &mut *r.conn().await, request, prefix).await?;
            Ok(q)
        })
        .await
    }
}

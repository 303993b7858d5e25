//! Changes per day by event type, for a shipment or an actor: what managers
//! look at. Days are calendar days in the viewer's time zone, computed by
//! PostgreSQL (its time zone database, so day boundaries match `AT TIME ZONE`).

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;

use crate::db::Db;
use crate::domain::activity::{tabulate, Activity, ActivityChart, Period};
use crate::domain::{resolve, TimelineFilter};
use crate::error::Result;

/// What a chart or an export is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
#[ts(export)]
pub enum Scope {
    /// A shipment by id or reference.
    Shipment(String),
    /// An actor by id, email or name.
    Actor(String),
}

/// Changes per day with the chart drawn.
pub async fn chart(db: &Db, scope: &Scope, filter: &TimelineFilter, time_zone: &str) -> Result<ActivityChart> {
    ActivityChart::of_changes(activity(db, scope, filter, time_zone).await?)
}

/// The subject's id condition (`h.shipment_id = …` or `h.actor_id = …`) and its title.
pub(crate) async fn scope_sql(
    conn: &mut PgConnection,
    scope: &Scope,
    q: &mut QueryBuilder<'_, sqlx::Postgres>,
) -> Result<(String, bool)> {
    match scope {
        Scope::Shipment(key) => {
            let resolved = resolve(conn, key).await?;
            q.push("h.shipment_id = ").push_bind(resolved.shipment.id);
            Ok((resolved.shipment.reference, resolved.with_actors))
        }
        Scope::Actor(key) => {
            let with_actors = crate::domain::actors::has_actors(conn).await?;
            let actor = super::actor::resolve(conn, key, with_actors).await?;
            q.push("h.actor_id = ").push_bind(actor.id);
            Ok((actor.name.clone().unwrap_or_else(|| actor.id.to_string()), with_actors))
        }
    }
}

/// Changes per day and event type.
pub async fn activity(db: &Db, scope: &Scope, filter: &TimelineFilter, time_zone: &str) -> Result<Activity> {
    filter.validate()?;
    crate::domain::time::zone(time_zone)?;
    db.read(|r| async move { load(&mut *r.conn().await, scope, filter, time_zone).await })
        .await
}

async fn load(tx: &mut PgConnection, scope: &Scope, filter: &TimelineFilter, tz: &str) -> Result<Activity> {
    // The span first (finite times only), to choose the bars' period; PostgreSQL
    // does the day arithmetic in the time zone, so boundaries match `AT TIME ZONE`.
    const FINITE: &str = "h.\"timestamp\") FILTER (WHERE isfinite(h.\"timestamp\"))";
    let mut q = QueryBuilder::new(format!("SELECT (max({FINITE} AT TIME ZONE "));
    q.push_bind(tz.to_string())
        .push(format!(")::date - (min({FINITE} AT TIME ZONE "))
        .push_bind(tz.to_string())
        .push(")::date, count(*) FILTER (WHERE h.\"timestamp\" IS NULL OR NOT isfinite(h.\"timestamp\"))")
        .push(" FROM shipment_history h WHERE ");
    let (subject, _) = scope_sql(&mut *tx, scope, &mut q).await?;
    filter.push_sql(&mut q);
    let (span, untimed): (Option<i32>, i64) = q.build_query_as().persistent(false).fetch_one(&mut *tx).await?;
    let period = Period::for_span(span.unwrap_or(0).into());

    let mut q = QueryBuilder::new("SELECT date_trunc(");
    q.push_bind(period.unit())
        .push(", h.\"timestamp\" AT TIME ZONE ")
        .push_bind(tz.to_string())
        .push(")::date - DATE '2000-01-01' AS start, COALESCE(h.event_type, '') AS event_type, count(*) AS n")
        .push(" FROM shipment_history h WHERE isfinite(h.\"timestamp\") AND ");
    scope_sql(&mut *tx, scope, &mut q).await?;
    filter.push_sql(&mut q);
    q.push(" GROUP BY 1, 2 ORDER BY 1, 2");
    let rows: Vec<(i32, String, i64)> = q.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
    let mut activity = tabulate(subject, tz, period, rows);
    activity.total += untimed;
    activity.untimed = untimed;
    Ok(activity)
}

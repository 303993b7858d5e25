//! Changes per day by event type, for a shipment or an actor: what managers
//! look at. Days are calendar days in the viewer's time zone, computed by
//! PostgreSQL (its time zone database, so day boundaries match `AT TIME ZONE`).

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;

use super::actor::ActorRef;
use crate::db::Db;
use crate::domain::activity::{tabulate, Activity, ActivityChart, Period};
use crate::domain::layout::Layout;
use crate::domain::{ShipmentRef, TimelineFilter};
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

/// A scope found: the record or the actor it names.
pub(crate) enum Subject {
    Record(ShipmentRef),
    Actor(ActorRef),
}

impl Subject {
    /// Finds what `scope` names.
    pub(crate) async fn find(conn: &mut PgConnection, layout: &Layout, scope: &Scope) -> Result<Subject> {
        Ok(match scope {
            Scope::Shipment(key) => Subject::Record(crate::domain::record::find(conn, layout, key).await?),
            Scope::Actor(key) => Subject::Actor(super::actor::resolve(conn, layout, key).await?),
        })
    }

    /// The reference, or the actor's name: for titles.
    pub(crate) fn title(&self) -> String {
        match self {
            Subject::Record(s) => s.reference.clone(),
            Subject::Actor(a) => a.name.clone().unwrap_or_else(|| a.id.clone()),
        }
    }

    /// `h.shipment_id = …` or `h.actor_id = …`.
    pub(crate) fn push_where(&self, q: &mut QueryBuilder<'_, sqlx::Postgres>, layout: &Layout) {
        match self {
            Subject::Record(s) => {
                q.push("h.shipment_id = ");
                layout.push_key(q, &s.id);
            }
            Subject::Actor(a) => {
                q.push("h.actor_id = ");
                layout.push_actor(q, &a.id);
            }
        }
    }
}

/// Changes per day and event type.
pub async fn activity(db: &Db, scope: &Scope, filter: &TimelineFilter, time_zone: &str) -> Result<Activity> {
    filter.validate()?;
    crate::domain::time::zone(time_zone)?;
    db.read(|r| async move { load(db, &mut *r.conn().await, scope, filter, time_zone).await })
        .await
}

async fn load(db: &Db, tx: &mut PgConnection, scope: &Scope, filter: &TimelineFilter, tz: &str) -> Result<Activity> {
    let layout = crate::domain::layout::layout(db, &mut *tx).await?;
    let subject = Subject::find(&mut *tx, &layout, scope).await?;
    // The span first (finite times only), to choose the bars' period; PostgreSQL
    // does the day arithmetic in the time zone, so boundaries match `AT TIME ZONE`.
    const FINITE: &str = "h.\"timestamp\") FILTER (WHERE isfinite(h.\"timestamp\"))";
    let mut q = QueryBuilder::new(format!("SELECT (max({FINITE} AT TIME ZONE "));
    q.push_bind(tz.to_string())
        .push(format!(")::date - (min({FINITE} AT TIME ZONE "))
        .push_bind(tz.to_string())
        .push(")::date, count(*) FILTER (WHERE h.\"timestamp\" IS NULL OR NOT isfinite(h.\"timestamp\")) FROM ");
    layout.push_from(&mut q);
    q.push(" WHERE ");
    subject.push_where(&mut q, &layout);
    filter.push_sql(&mut q, &layout);
    let (span, untimed): (Option<i32>, i64) = q.build_query_as().persistent(false).fetch_one(&mut *tx).await?;
    let period = Period::for_span(span.unwrap_or(0).into());

    let mut q = QueryBuilder::new("SELECT date_trunc(");
    q.push_bind(period.unit())
        .push(", h.\"timestamp\" AT TIME ZONE ")
        .push_bind(tz.to_string())
        .push(")::date - DATE '2000-01-01' AS start, COALESCE(h.event_type, '') AS event_type, count(*) AS n FROM ");
    layout.push_from(&mut q);
    q.push(" WHERE isfinite(h.\"timestamp\") AND ");
    subject.push_where(&mut q, &layout);
    filter.push_sql(&mut q, &layout);
    q.push(" GROUP BY 1, 2 ORDER BY 1, 2");
    let rows: Vec<(i32, String, i64)> = q.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
    let mut activity = tabulate(subject.title(), tz, period, rows);
    activity.total += untimed;
    activity.untimed = untimed;
    Ok(activity)
}

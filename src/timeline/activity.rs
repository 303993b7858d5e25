//! Changes per day by event type, for a shipment or an actor: what managers
//! look at. Days are calendar days in the viewer's time zone, computed by
//! PostgreSQL (its time zone database, so day boundaries match `AT TIME ZONE`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, QueryBuilder};
use ts_rs::TS;

use super::{resolve, TimelineFilter};
use crate::db::Db;
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

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivityDay {
    #[ts(type = "string")]
    pub day: NaiveDate,
    /// One count per entry of `Activity::event_types`.
    #[ts(type = "number[]")]
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Activity {
    /// `SHP-2026-000001` or the actor's name, for titles.
    pub subject: String,
    pub time_zone: String,
    pub event_types: Vec<String>,
    /// Every day from the first change to the last, days without changes included.
    pub days: Vec<ActivityDay>,
    #[ts(type = "number")]
    pub total: i64,
}

/// The counts with their chart, as the app shows them.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivityChart {
    pub activity: Activity,
    /// The chart as SVG text (drawn by plotters).
    pub svg: String,
}

/// Changes per day with the chart drawn.
pub async fn chart(db: &Db, scope: &Scope, filter: &TimelineFilter, time_zone: &str) -> Result<ActivityChart> {
    let activity = activity(db, scope, filter, time_zone).await?;
    let svg = crate::plots::svg(crate::plots::Plot::Activity(&activity))?;
    Ok(ActivityChart { activity, svg })
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
            let with_actors = crate::schema::has_actors(conn).await?;
            let actor = super::actor::resolve(conn, key, with_actors).await?;
            q.push("h.actor_id = ").push_bind(actor.id);
            Ok((actor.name.clone().unwrap_or_else(|| actor.id.to_string()), with_actors))
        }
    }
}

/// Changes per day and event type.
pub async fn activity(db: &Db, scope: &Scope, filter: &TimelineFilter, time_zone: &str) -> Result<Activity> {
    filter.validate()?;
    super::time::zone(time_zone)?;
    db.read(|r| async move { load(&mut *r.conn().await, scope, filter, time_zone).await })
        .await
}

async fn load(tx: &mut PgConnection, scope: &Scope, filter: &TimelineFilter, tz: &str) -> Result<Activity> {
    let mut q = QueryBuilder::new("SELECT (h.\"timestamp\" AT TIME ZONE ");
    q.push_bind(tz.to_string())
        .push(")::date AS day, h.event_type, count(*) AS n FROM shipment_history h WHERE ");
    let (subject, _) = scope_sql(&mut *tx, scope, &mut q).await?;
    filter.push_sql(&mut q);
    q.push(" GROUP BY 1, 2 ORDER BY 1, 2");
    let rows: Vec<(NaiveDate, String, i64)> = q.build_query_as().persistent(false).fetch_all(&mut *tx).await?;
    Ok(tabulate(subject, tz, rows))
}

/// Day × event type counts, with empty days filled in and types by volume.
fn tabulate(subject: String, tz: &str, rows: Vec<(NaiveDate, String, i64)>) -> Activity {
    let mut totals: Vec<(String, i64)> = Vec::new();
    for (_, t, n) in &rows {
        match totals.iter_mut().find(|(name, _)| name == t) {
            Some(entry) => entry.1 += n,
            None => totals.push((t.clone(), *n)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let event_types: Vec<String> = totals.iter().map(|t| t.0.clone()).collect();
    let mut days: Vec<ActivityDay> = Vec::new();
    if let (Some(first), Some(last)) = (rows.first().map(|r| r.0), rows.last().map(|r| r.0)) {
        let mut day = first;
        while day <= last {
            days.push(ActivityDay {
                day,
                counts: vec![0; event_types.len()],
            });
            day = day.succ_opt().unwrap_or(day);
            if days.last().map(|d| d.day) == Some(day) {
                break;
            }
        }
        for (day, t, n) in &rows {
            let index = (*day - first).num_days() as usize;
            let column = event_types.iter().position(|e| e == t).unwrap_or(0);
            days[index].counts[column] += n;
        }
    }
    Activity {
        subject,
        time_zone: tz.to_string(),
        event_types,
        total: totals.iter().map(|t| t.1).sum(),
        days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_empty_days_and_orders_types_by_volume() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let rows = vec![
            (d(1), "created".to_string(), 1),
            (d(1), "note_added".to_string(), 2),
            (d(4), "note_added".to_string(), 3),
        ];
        let a = tabulate("SHP-1".into(), "UTC", rows);
        assert_eq!(a.event_types, vec!["note_added", "created"]);
        assert_eq!(a.days.len(), 4);
        assert_eq!(a.days[0].counts, vec![2, 1]);
        assert_eq!(a.days[1].counts, vec![0, 0]);
        assert_eq!(a.days[3].counts, vec![3, 0]);
        assert_eq!(a.total, 6);
        assert!(tabulate("x".into(), "UTC", vec![]).days.is_empty());
    }
}

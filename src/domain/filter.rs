//! What a timeline is narrowed to: actors, event types and a time range, combined.
//! Every value is a bound parameter; only fixed SQL text is ever appended.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Postgres, QueryBuilder};
use ts_rs::TS;

use crate::domain::layout::Layout;
use crate::error::{Error, Field, Result};

/// More than this many actors or event types at once is a mistake, not a filter.
const MAX_VALUES: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelineFilter {
    /// Any of these actors, as the history names them (none: every actor).
    #[serde(default)]
    pub actors: Vec<String>,
    /// Any of these event types (none: every type).
    #[serde(default)]
    pub event_types: Vec<String>,
    /// From this moment, inclusive.
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// Up to this moment, exclusive.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
}

impl TimelineFilter {
    pub fn validate(&self) -> Result<()> {
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since >= until {
                return Err(Error::EmptyTimeRange {
                    since: since.to_rfc3339(),
                    until: until.to_rfc3339(),
                });
            }
        }
        if self.actors.len() > MAX_VALUES || self.event_types.len() > MAX_VALUES {
            return Err(Error::invalid(
                Field::Filter,
                format!("a filter takes at most {MAX_VALUES} actors and {MAX_VALUES} event types"),
            ));
        }
        if self.event_types.iter().any(|t| t.trim().is_empty()) {
            return Err(Error::invalid(Field::EventType, "an event type in the filter is empty"));
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        *self == TimelineFilter::default()
    }

    /// Appends ` AND …` for each part that is set, on history alias `h`. Only the
    /// parts in use become SQL, so each combination gets a plan that can use its
    /// index (a catch-all `$1 IS NULL OR …` would defeat the keyset index scans).
    pub(crate) fn push_sql(&self, q: &mut QueryBuilder<'_, Postgres>, layout: &Layout) {
        if !self.actors.is_empty() {
            // In the actor's own type, so an index on it serves the filter.
            q.push(" AND h.actor_id = ANY(")
                .push_bind(self.actors.clone())
                .push(format!("::text[]::{}[])", layout.actor_type()));
        }
        if !self.event_types.is_empty() {
            q.push(" AND h.event_type = ANY(")
                .push_bind(self.event_types.clone())
                .push(")");
        }
        if let Some(since) = self.since {
            q.push(" AND h.\"timestamp\" >= ").push_bind(since);
        }
        if let Some(until) = self.until {
            q.push(" AND h.\"timestamp\" < ").push_bind(until);
        }
    }

    /// One line for people: export headers, "copy as text", CLI notes.
    pub fn describe(&self, actor_label: impl Fn(&String) -> String) -> String {
        let mut parts = Vec::new();
        if !self.actors.is_empty() {
            let names: Vec<String> = self.actors.iter().map(actor_label).collect();
            parts.push(format!("actor {}", names.join(" or ")));
        }
        if !self.event_types.is_empty() {
            parts.push(format!("event type {}", self.event_types.join(" or ")));
        }
        if let Some(since) = self.since {
            parts.push(format!("from {}", since.to_rfc3339()));
        }
        if let Some(until) = self.until {
            parts.push(format!("before {}", until.to_rfc3339()));
        }
        if parts.is_empty() {
            "no filter".into()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_inverted_or_empty_time_range_is_refused() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 1, h, 0, 0).unwrap();
        let inverted = TimelineFilter {
            since: Some(at(12)),
            until: Some(at(10)),
            ..Default::default()
        };
        let message = inverted.validate().unwrap_err().to_string();
        assert!(message.contains("Put the earlier time first"), "{message}");
        let empty = TimelineFilter {
            since: Some(at(10)),
            until: Some(at(10)),
            ..Default::default()
        };
        assert!(empty.validate().is_err());
        let fine = TimelineFilter {
            since: Some(at(10)),
            until: Some(at(12)),
            ..Default::default()
        };
        assert!(fine.validate().is_ok());
    }

    #[test]
    fn only_the_parts_in_use_become_sql_and_values_are_bound() {
        let filter = TimelineFilter {
            event_types: vec!["x'; DROP TABLE shipment_history; --".into()],
            ..Default::default()
        };
        let mut q = QueryBuilder::<Postgres>::new("SELECT 1 FROM shipment_history h WHERE true");
        filter.push_sql(&mut q, &crate::domain::layout::catalog::waybill_assumed());
        let sql = q.sql();
        assert_eq!(
            sql,
            "SELECT 1 FROM shipment_history h WHERE true AND h.event_type = ANY($1)"
        );
        assert!(!sql.contains("DROP"));
    }

    #[test]
    fn describes_itself_for_people() {
        let filter = TimelineFilter {
            event_types: vec!["status_changed".into(), "note_added".into()],
            ..Default::default()
        };
        assert_eq!(
            filter.describe(|id| id.to_string()),
            "event type status_changed or note_added"
        );
        assert_eq!(TimelineFilter::default().describe(|id| id.to_string()), "no filter");
    }
}

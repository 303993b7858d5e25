//! Generating one shipment's history: every event's `changes` turn the previous
//! `snapshot` into the next one, so replaying the changes from version 1
//! reproduces every snapshot (a test checks exactly that).

use chrono::{DateTime, Duration, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::catalog::*;

/// One history row, ready for COPY.
pub struct Event {
    pub version_no: u32,
    pub event_type: &'static str,
    pub actor_id: Uuid,
    pub at: DateTime<Utc>,
    pub description: String,
    pub changes: Map<String, Value>,
    pub snapshot: Value,
}

/// A shipment's fixed facts, chosen before its history.
pub struct ShipmentPlan {
    pub id: Uuid,
    pub reference: String,
    pub title: String,
    pub origin: &'static str,
    pub destination: &'static str,
    pub created_at: DateTime<Utc>,
    pub eta: DateTime<Utc>,
    pub versions: u32,
    /// The time span the history covers, ending before `now`.
    pub span: Duration,
    /// Whether its last event cancels it.
    pub cancelled: bool,
}

/// Event types and their weights after version 1.
const EVENT_WEIGHTS: &[(&str, u32)] = &[
    ("location_updated", 30),
    ("status_changed", 24),
    ("eta_changed", 12),
    ("document_attached", 12),
    ("note_added", 12),
    ("carrier_assigned", 6),
    ("exception_raised", 4),
];

pub struct HistoryGenerator<'a, R: Rng> {
    rng: &'a mut R,
    actors: &'a [Uuid],
    state: Map<String, Value>,
    status_step: usize,
}

impl<'a, R: Rng> HistoryGenerator<'a, R> {
    pub fn new(rng: &'a mut R, actors: &'a [Uuid]) -> Self {
        HistoryGenerator {
            rng,
            actors,
            state: Map::new(),
            status_step: 0,
        }
    }

    /// Calls `emit` for each event of the shipment, oldest first.
    pub fn generate(&mut self, plan: &ShipmentPlan, mut emit: impl FnMut(Event)) {
        // Each version gets its own slot of the span and a jittered moment in it:
        // timestamps follow versions and never pass the end of the span.
        let slot_ms = (plan.span.num_milliseconds() / plan.versions.max(1) as i64).max(2);
        for version_no in 1..=plan.versions {
            let offset = (version_no as i64 - 1) * slot_ms
                + if version_no == 1 {
                    0
                } else {
                    self.rng.random_range(0..slot_ms / 2)
                };
            let at = plan.created_at + Duration::milliseconds(offset);
            let last = version_no == plan.versions;
            let (event_type, description, changes) = if version_no == 1 {
                self.created(plan)
            } else if last && plan.cancelled {
                self.change(
                    "cancelled",
                    "Cancelled at the customer's request".into(),
                    &[("status", json!("cancelled"))],
                )
            } else {
                self.next_event(plan.eta)
            };
            let snapshot = Value::Object(self.state.clone());
            emit(Event {
                version_no,
                event_type,
                actor_id: self.actor(),
                at,
                description,
                changes,
                snapshot,
            });
        }
    }

    /// A skewed pick: a few actors make most of the changes, as in real teams.
    fn actor(&mut self) -> Uuid {
        let u: f64 = self.rng.random();
        self.actors[((u * u) * self.actors.len() as f64) as usize % self.actors.len()]
    }

    fn created(&mut self, plan: &ShipmentPlan) -> (&'static str, String, Map<String, Value>) {
        let fields = [
            ("reference", json!(plan.reference)),
            ("title", json!(plan.title)),
            ("status", json!(STATUS_FLOW[0])),
            ("origin", json!(plan.origin)),
            ("destination", json!(plan.destination)),
            ("carrier", Value::Null),
            ("eta", json!(plan.eta.to_rfc3339())),
            ("current_location", json!(plan.origin)),
            ("documents", json!(0)),
            ("last_document", Value::Null),
            ("last_note", Value::Null),
            ("exception", Value::Null),
        ];
        self.change("created", format!("Shipment {} created", plan.reference), &fields)
    }

    /// Picks a shipment up where its history stands (its latest snapshot),
    /// to write its next change (`waybill sandbox simulate`).
    pub fn resume(rng: &'a mut R, actors: &'a [Uuid], state: Map<String, Value>) -> Self {
        let status = state.get("status").and_then(Value::as_str).unwrap_or("");
        let status_step = STATUS_FLOW
            .iter()
            .position(|s| *s == status)
            .unwrap_or(STATUS_FLOW.len());
        HistoryGenerator {
            rng,
            actors,
            state,
            status_step,
        }
    }

    /// The next change of a resumed shipment: its event type, description and
    /// `changes`, with the actor who makes it and the state after it.
    pub fn next_change(&mut self) -> (&'static str, String, Map<String, Value>, Uuid, &Map<String, Value>) {
        // A state without an ETA moves one from a week from now.
        let (kind, description, changes) = self.next_event(Utc::now() + Duration::days(7));
        let actor = self.actor();
        (kind, description, changes, actor, &self.state)
    }

    fn next_event(&mut self, eta: DateTime<Utc>) -> (&'static str, String, Map<String, Value>) {
        let kind = EVENT_WEIGHTS
            .choose_weighted(self.rng, |e| e.1)
            .map(|e| e.0)
            .unwrap_or("note_added");
        match kind {
            "status_changed" => self.status_changed(),
            "location_updated" => {
                let city = self.pick_other(CITIES, "current_location");
                self.change(
                    "location_updated",
                    format!("Scanned at {city}"),
                    &[("current_location", json!(city))],
                )
            }
            "eta_changed" => self.eta_changed(eta),
            "carrier_assigned" => {
                let carrier = self.pick_other(CARRIERS, "carrier");
                self.change(
                    "carrier_assigned",
                    format!("Assigned to {carrier}"),
                    &[("carrier", json!(carrier))],
                )
            }
            "document_attached" => {
                let doc = *DOCUMENTS.choose(self.rng).unwrap();
                let count = self.state.get("documents").and_then(Value::as_i64).unwrap_or(0) + 1;
                self.change(
                    "document_attached",
                    format!("{doc} attached"),
                    &[("documents", json!(count)), ("last_document", json!(doc))],
                )
            }
            "exception_raised" => {
                let what = self.pick_other(EXCEPTIONS, "exception");
                self.change(
                    "exception_raised",
                    what.to_string(),
                    &[("status", json!("exception")), ("exception", json!(what))],
                )
            }
            _ => {
                let note = self.pick_other(NOTES, "last_note");
                self.change("note_added", format!("Note: {note}"), &[("last_note", json!(note))])
            }
        }
    }

    fn status_changed(&mut self) -> (&'static str, String, Map<String, Value>) {
        let current = self
            .state
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let next = if self.status_step + 1 < STATUS_FLOW.len() {
            self.status_step += 1;
            STATUS_FLOW[self.status_step]
        } else {
            loop {
                let s = *CYCLE_STATUSES.choose(self.rng).unwrap();
                if s != current {
                    break s;
                }
            }
        };
        let mut fields = vec![("status", json!(next))];
        if current == "exception" {
            fields.push(("exception", Value::Null));
        }
        self.change(
            "status_changed",
            format!("Status: {} → {}", words(&current), words(next)),
            &fields,
        )
    }

    fn eta_changed(&mut self, fallback: DateTime<Utc>) -> (&'static str, String, Map<String, Value>) {
        let eta = self
            .state
            .get("eta")
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(fallback);
        // Earlier by up to a day or later by up to three, never by zero.
        let hours = self.rng.random_range(1..=96);
        let moved = eta + Duration::hours(if hours <= 24 { -hours } else { hours - 24 });
        if self.rng.random_bool(0.2) {
            // Rerouting: the delivery address changes along with the ETA.
            let destination = self.pick_other(CITIES, "destination");
            let fields = [("destination", json!(destination)), ("eta", json!(moved.to_rfc3339()))];
            self.change("eta_changed", format!("Rerouted to {destination}"), &fields)
        } else {
            let text = format!("ETA moved to {}", moved.format("%Y-%m-%d %H:%M UTC"));
            self.change("eta_changed", text, &[("eta", json!(moved.to_rfc3339()))])
        }
    }

    /// A value from `choices` different from the field's current one.
    fn pick_other(&mut self, choices: &[&'static str], field: &str) -> &'static str {
        let current = self.state.get(field).and_then(Value::as_str).map(str::to_string);
        loop {
            let c = *choices.choose(self.rng).unwrap();
            if current.as_deref() != Some(c) {
                return c;
            }
        }
    }

    /// Applies new field values to the state and returns them as `changes`
    /// (field → {"old", "new"}), skipping fields that did not really change.
    fn change(
        &mut self,
        event_type: &'static str,
        description: String,
        fields: &[(&str, Value)],
    ) -> (&'static str, String, Map<String, Value>) {
        let mut changes = Map::new();
        for (field, new) in fields {
            let old = self.state.get(*field).cloned().unwrap_or(Value::Null);
            if &old != new || event_type == "created" {
                changes.insert(field.to_string(), json!({ "old": old, "new": new }));
                self.state.insert(field.to_string(), new.clone());
            }
        }
        (event_type, description, changes)
    }
}

/// `out_for_delivery` → `out for delivery`, for descriptions people read.
fn words(code: &str) -> String {
    code.replace('_', " ")
}

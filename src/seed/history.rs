//! Generating one shipment's history: every event's `changes` turn the previous
//! `snapshot` into the next one, so replaying the changes from version 1
//! reproduces every snapshot (a test checks exactly that).
//!
//! Histories read like real ones: a shipment goes booked → picked up → in
//! transit → at customs → out for delivery → delivered (or is cancelled), its
//! status changes spread over its life; exceptions are raised and resolved;
//! reroutes are their own event; ETAs move by hours or days; and changes
//! happen mostly in working hours on weekdays. Recurring freight (the very
//! long histories) goes through the same legs again and again.

use chrono::{DateTime, Duration, DurationRound, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::catalog::*;
use super::times::working_times;

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

/// How a shipment's history ends (at the time of seeding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Delivered, a little after its last status change.
    Delivered,
    /// Cancelled at the customer's request (its last event).
    Cancelled,
    /// Still on its way: it has come `steps` steps along the status flow.
    Active { steps: usize },
    /// Recurring freight: the legs of the flow over and over, up to now.
    Recurring,
}

/// A shipment's fixed facts, chosen before its history.
pub struct ShipmentPlan {
    pub id: Uuid,
    pub reference: String,
    pub goods: String,
    pub origin: &'static str,
    pub destination: &'static str,
    pub created_at: DateTime<Utc>,
    pub eta: DateTime<Utc>,
    pub versions: u32,
    /// The time span the history covers from `created_at`, ending before now.
    pub span: Duration,
    pub ending: Ending,
}

impl ShipmentPlan {
    pub fn title(&self) -> String {
        title(&self.goods, self.origin, self.destination)
    }
}

/// `Coffee beans, 12 pallets: Santos → Hamburg`.
fn title(goods: &str, origin: &str, destination: &str) -> String {
    format!("{goods}: {} → {}", city(origin), city(destination))
}

fn city(c: &str) -> &str {
    c.split(',').next().unwrap_or(c)
}

/// Events between status changes, and their weights.
const EVENT_WEIGHTS: &[(&str, u32)] = &[
    ("location_updated", 34),
    ("eta_changed", 14),
    ("document_attached", 14),
    ("note_added", 14),
    ("carrier_assigned", 3),
    ("rerouted", 3),
    ("exception_raised", 5),
];

pub struct HistoryGenerator<'a, R: Rng> {
    rng: &'a mut R,
    actors: &'a [Uuid],
    state: Map<String, Value>,
    /// How far along the flow the shipment is (an index into STATUS_FLOW).
    step: usize,
    /// The status an open exception interrupted, to go back to when it is resolved.
    interrupted: Option<String>,
    /// The ETA the shipment was booked with: later ETAs stay within days of it.
    planned_eta: Option<DateTime<Utc>>,
    recurring: bool,
}

impl<'a, R: Rng> HistoryGenerator<'a, R> {
    pub fn new(rng: &'a mut R, actors: &'a [Uuid]) -> Self {
        HistoryGenerator {
            rng,
            actors,
            state: Map::new(),
            step: 0,
            interrupted: None,
            planned_eta: None,
            recurring: false,
        }
    }

    /// Calls `emit` for each event of the shipment, oldest first.
    pub fn generate(&mut self, plan: &ShipmentPlan, mut emit: impl FnMut(Event)) {
        let times = working_times(self.rng, plan.created_at, plan.span, plan.versions);
        let n = plan.versions;
        self.planned_eta = Some(plan.eta);
        self.recurring = plan.ending == Ending::Recurring;
        // Which versions move the status along, spread over the history.
        let flow_steps = STATUS_FLOW.len() - 1;
        let (steps, last_status) = match plan.ending {
            // Delivered a little before the end: proof of delivery and notes follow.
            Ending::Delivered => (flow_steps, n.saturating_sub(n / 12).max(2)),
            Ending::Cancelled => (self.rng.random_range(0..flow_steps - 1), n.saturating_sub(1)),
            // Its latest step a while ago: what happened since (an exception, say) is still open.
            Ending::Active { steps } => (steps, n.saturating_sub(n / 5).max(2)),
            Ending::Recurring => (0, n),
        };
        let steps = steps.min(last_status.saturating_sub(1) as usize);
        let status_at = |k: usize| {
            2 + ((k as u32 * last_status.saturating_sub(1)) / steps.max(1) as u32).min(last_status.saturating_sub(2))
        };
        let mut next_status = 1;
        for (i, at) in times.into_iter().enumerate() {
            let version_no = i as u32 + 1;
            let (event_type, description, changes) = if version_no == 1 {
                self.created(plan)
            } else if version_no == n && plan.ending == Ending::Cancelled {
                self.set_status(
                    "cancelled",
                    "status_changed",
                    "Cancelled at the customer's request".into(),
                )
            } else if next_status <= steps && version_no >= status_at(next_status) {
                // An open exception is resolved first; the step comes with the next version.
                if self.interrupted.is_none() {
                    next_status += 1;
                }
                self.advance(at)
            } else if self.recurring && self.rng.random_bool(0.12) {
                self.advance(at)
            } else {
                let finished = next_status > steps && plan.ending == Ending::Delivered;
                self.between(at, finished)
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
            ("title", json!(plan.title())),
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
        let step = STATUS_FLOW.iter().position(|s| *s == status).unwrap_or(2);
        let interrupted = (status == "exception").then(|| "in_transit".to_string());
        HistoryGenerator {
            rng,
            actors,
            state,
            step,
            interrupted,
            planned_eta: None,
            recurring: false,
        }
    }

    /// The next change of a resumed shipment at `at`: its event type,
    /// description and `changes`, with the actor who makes it and the state
    /// after it. None for a shipment that is delivered or cancelled.
    pub fn next_change(
        &mut self,
        at: DateTime<Utc>,
    ) -> Option<(&'static str, String, Map<String, Value>, Uuid, &Map<String, Value>)> {
        let status = self.state.get("status").and_then(Value::as_str).unwrap_or("");
        if status == "delivered" || status == "cancelled" {
            return None;
        }
        let (kind, description, changes) = if self.rng.random_bool(0.2) {
            self.advance(at)
        } else {
            self.between(at, false)
        };
        let actor = self.actor();
        Some((kind, description, changes, actor, &self.state))
    }

    /// The next status change: an open exception resolved, else one step along
    /// the flow (recurring freight starts its next leg after a delivery).
    fn advance(&mut self, at: DateTime<Utc>) -> (&'static str, String, Map<String, Value>) {
        if let Some(back) = self.interrupted.take() {
            let what = self.text("exception").unwrap_or_default();
            let mut out = self.set_status(&back, "status_changed", format!("Resolved: {what}"));
            out.2
                .extend(self.change("", String::new(), &[("exception", Value::Null)]).2);
            return out;
        }
        if self.step + 1 >= STATUS_FLOW.len() {
            if !self.recurring {
                return self.note();
            }
            // The next leg of recurring freight: picked up again, a new ETA.
            self.step = 1;
            let eta = to_minute(at + Duration::days(self.rng.random_range(3..12)));
            let mut out = self.set_status(STATUS_FLOW[1], "status_changed", "Next leg: picked up".into());
            out.2
                .extend(self.change("", String::new(), &[("eta", json!(eta.to_rfc3339()))]).2);
            return out;
        }
        self.step += 1;
        let next = STATUS_FLOW[self.step];
        let current = self.text("status").unwrap_or_default();
        let description = format!("Status: {} → {}", words(&current), words(next));
        let mut out = self.set_status(next, "status_changed", description);
        // Where the shipment is follows from its status.
        let place = match next {
            "picked_up" => self.text("origin"),
            "out_for_delivery" | "delivered" => self.text("destination"),
            _ => None,
        };
        if let Some(place) = place {
            out.2
                .extend(self.change("", String::new(), &[("current_location", json!(place))]).2);
        }
        out
    }

    /// An event between status changes; once `finished` (delivered) only
    /// paperwork and notes.
    fn between(&mut self, at: DateTime<Utc>, finished: bool) -> (&'static str, String, Map<String, Value>) {
        if finished {
            return if self.rng.random_bool(0.5) {
                self.document(Some("Proof of delivery"))
            } else {
                self.note()
            };
        }
        let kind = EVENT_WEIGHTS
            .choose_weighted(self.rng, |e| e.1)
            .map(|e| e.0)
            .unwrap_or("note_added");
        let on_the_way = self.step >= 1 && self.step + 1 < STATUS_FLOW.len();
        match kind {
            "location_updated" if on_the_way => {
                let city = self.pick_other(CITIES, "current_location");
                self.change(
                    "location_updated",
                    format!("Scanned at {city}"),
                    &[("current_location", json!(city))],
                )
            }
            "eta_changed" => self.eta_changed(at),
            "carrier_assigned" if self.state.get("carrier").is_none_or(Value::is_null) || self.rng.random_bool(0.2) => {
                let carrier = self.pick_other(CARRIERS, "carrier");
                self.change(
                    "carrier_assigned",
                    format!("Assigned to {carrier}"),
                    &[("carrier", json!(carrier))],
                )
            }
            "rerouted" if self.step + 2 < STATUS_FLOW.len() => self.rerouted(at),
            "exception_raised" if self.interrupted.is_none() && self.step + 1 < STATUS_FLOW.len() => {
                let what = self.pick_other(EXCEPTIONS, "exception");
                self.interrupted = self.text("status");
                self.change(
                    "exception_raised",
                    what.to_string(),
                    &[("status", json!("exception")), ("exception", json!(what))],
                )
            }
            "document_attached" => self.document(None),
            _ => self.note(),
        }
    }

    fn set_status(
        &mut self,
        status: &str,
        event_type: &'static str,
        description: String,
    ) -> (&'static str, String, Map<String, Value>) {
        self.change(event_type, description, &[("status", json!(status))])
    }

    fn document(&mut self, which: Option<&'static str>) -> (&'static str, String, Map<String, Value>) {
        let doc = which.unwrap_or_else(|| *DOCUMENTS.choose(self.rng).unwrap());
        let count = self.state.get("documents").and_then(Value::as_i64).unwrap_or(0) + 1;
        self.change(
            "document_attached",
            format!("{doc} attached"),
            &[("documents", json!(count)), ("last_document", json!(doc))],
        )
    }

    fn note(&mut self) -> (&'static str, String, Map<String, Value>) {
        let note = self.pick_other(NOTES, "last_note");
        self.change("note_added", format!("Note: {note}"), &[("last_note", json!(note))])
    }

    fn eta(&self) -> Option<DateTime<Utc>> {
        self.text("eta")
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|d| d.with_timezone(&Utc))
    }

    /// The ETA moves by hours or a day or two, never to before `at` and never
    /// more than ten days past what was planned (a drifting ETA gets corrected).
    fn eta_changed(&mut self, at: DateTime<Utc>) -> (&'static str, String, Map<String, Value>) {
        let eta = self.eta().unwrap_or(at + Duration::days(5));
        let hours = self.rng.random_range(1..=36);
        let moved = if self.rng.random_bool(0.45) {
            eta - Duration::hours(hours)
        } else {
            eta + Duration::hours(hours)
        };
        let floor = at + Duration::hours(2);
        let ceiling = self
            .planned_eta
            .map_or(at + Duration::days(20), |p| p + Duration::days(10))
            .max(floor + Duration::days(2));
        let moved = moved.clamp(floor, ceiling);
        let moved = to_minute(if moved == eta { eta + Duration::hours(1) } else { moved });
        let text = format!("ETA moved to {}", moved.format("%Y-%m-%d %H:%M UTC"));
        self.change("eta_changed", text, &[("eta", json!(moved.to_rfc3339()))])
    }

    /// A new destination (never the origin), the title's route with it, and a
    /// later ETA.
    fn rerouted(&mut self, at: DateTime<Utc>) -> (&'static str, String, Map<String, Value>) {
        let origin = self.text("origin").unwrap_or_default();
        let current = self.text("destination").unwrap_or_default();
        let destination = loop {
            let c = *CITIES.choose(self.rng).unwrap();
            if c != origin && c != current {
                break c;
            }
        };
        let goods = self
            .text("title")
            .and_then(|t| t.split(": ").next().map(str::to_string))
            .unwrap_or_default();
        let eta = to_minute(self.eta().unwrap_or(at).max(at) + Duration::hours(self.rng.random_range(12..72)));
        // The new route is the plan now: later ETAs stay within days of it.
        self.planned_eta = Some(eta);
        let fields = [
            ("destination", json!(destination)),
            ("title", json!(title(&goods, &origin, destination))),
            ("eta", json!(eta.to_rfc3339())),
        ];
        self.change("rerouted", format!("Rerouted to {destination}"), &fields)
    }

    fn text(&self, field: &str) -> Option<String> {
        self.state.get(field).and_then(Value::as_str).map(str::to_string)
    }

    /// A value from `choices` different from the field's current one.
    fn pick_other(&mut self, choices: &[&'static str], field: &str) -> &'static str {
        let current = self.text(field);
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

/// An ETA as people give them, to the minute (and as `timestamptz` keeps it:
/// a nanosecond one would differ from the row it is copied to).
fn to_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::minutes(1)).unwrap_or(t)
}

/// `out_for_delivery` → `out for delivery`, for descriptions people read.
fn words(code: &str) -> String {
    code.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn plan(ending: Ending, versions: u32) -> ShipmentPlan {
        let created_at = DateTime::parse_from_rfc3339("2026-10-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        ShipmentPlan {
            id: Uuid::nil(),
            reference: "SHP-1".into(),
            goods: "Wine, 4 pallets".into(),
            origin: "Valencia, ES",
            destination: "Hamburg, DE",
            created_at,
            eta: created_at + Duration::days(10),
            versions,
            span: Duration::days(12),
            ending,
        }
    }

    fn run(plan: &ShipmentPlan, seed: u64) -> Vec<Event> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let actors = [Uuid::nil()];
        let mut events = Vec::new();
        HistoryGenerator::new(&mut rng, &actors).generate(plan, |e| events.push(e));
        events
    }

    #[test]
    fn a_delivered_shipment_goes_through_the_flow_in_order_and_resolves_its_exceptions() {
        for seed in 0..40 {
            let events = run(&plan(Ending::Delivered, 40), seed);
            let statuses: Vec<&str> = events
                .iter()
                .filter_map(|e| e.changes.get("status").and_then(|c| c["new"].as_str()))
                .filter(|s| *s != "exception")
                .collect();
            let mut flow: Vec<&str> = statuses.clone();
            flow.dedup();
            let expected: Vec<&str> = STATUS_FLOW.to_vec();
            // Resolutions go back to the status the exception interrupted.
            let progress: Vec<&str> = flow.iter().copied().fold(Vec::new(), |mut seen: Vec<&str>, s| {
                if !seen.contains(&s) {
                    seen.push(s);
                }
                seen
            });
            assert_eq!(progress, expected, "seed {seed}: {statuses:?}");
            let last = events.last().unwrap();
            assert_eq!(last.snapshot["status"], "delivered", "seed {seed}");
            assert_eq!(
                last.snapshot["exception"],
                Value::Null,
                "seed {seed}: every exception resolved"
            );
            assert_eq!(last.snapshot["current_location"], last.snapshot["destination"]);
        }
    }

    #[test]
    fn a_resumed_shipment_moves_on_until_delivered_and_then_changes_no_more() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let actors = [Uuid::nil()];
        let mut state = Map::new();
        state.insert("status".into(), json!("out_for_delivery"));
        state.insert("destination".into(), json!("Hamburg, DE"));
        let mut g = HistoryGenerator::resume(&mut rng, &actors, state);
        let now = Utc::now();
        let mut delivered = false;
        for _ in 0..200 {
            match g.next_change(now) {
                Some((_, _, _, _, after)) => delivered |= after["status"] == "delivered",
                None => break,
            }
        }
        assert!(delivered, "out for delivery, then delivered");
        assert!(g.next_change(now).is_none(), "a delivered shipment changes no more");
    }

    #[test]
    fn reroutes_are_their_own_event_and_etas_move_by_hours_or_days() {
        let mut reroutes = 0;
        for seed in 0..60 {
            let events = run(&plan(Ending::Active { steps: 3 }, 120), seed);
            for e in &events {
                if e.changes.contains_key("destination") && e.version_no > 1 {
                    assert_eq!(e.event_type, "rerouted");
                    reroutes += 1;
                    assert_ne!(e.snapshot["destination"], e.snapshot["origin"]);
                    let to = city(e.snapshot["destination"].as_str().unwrap()).to_string();
                    assert!(e.snapshot["title"].as_str().unwrap().ends_with(&format!("→ {to}")));
                }
                if e.event_type == "eta_changed" {
                    let eta = |v: &Value| {
                        DateTime::parse_from_rfc3339(v.as_str().unwrap())
                            .unwrap()
                            .with_timezone(&Utc)
                    };
                    let new = eta(&e.changes["eta"]["new"]);
                    let moved = new - eta(&e.changes["eta"]["old"]);
                    // By hours or days; an ETA already passed is set a little after now.
                    let caught_up = new > e.at && new - e.at <= Duration::hours(38);
                    assert!(moved.num_days().abs() <= 3 || caught_up, "{moved:?}");
                }
            }
            // No drift over years: within days of the plan (reroutes add up to three days each).
            let last = events.last().unwrap();
            let last_eta = DateTime::parse_from_rfc3339(last.snapshot["eta"].as_str().unwrap()).unwrap();
            let reroutes_here = events.iter().filter(|e| e.event_type == "rerouted").count() as i64;
            let bound = plan(Ending::Delivered, 1).eta + Duration::days(12 + 3 * reroutes_here);
            assert!(last_eta.with_timezone(&Utc) < bound.max(last.at + Duration::days(3)));
        }
        assert!(reroutes > 0);
    }
}

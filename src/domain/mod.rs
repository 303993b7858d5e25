//! What a history is, for every feature to stand on: a record (a shipment)
//! found by its key, the table its versions live in, what one version holds
//! and how versions are read in pages, what a version changed, the event and
//! status words, times as PostgreSQL stores them and as people type them, the
//! label of the concurrency test's own shipments, and recording a change.
//!
//! Features (timeline, overview, integrity, concurrency, health, monitor, the
//! simulator) depend on this layer and on `db`, `error` and `files`, never on
//! each other: what two of them share lives here. `scripts/check-layers.py`
//! fails the tests when a feature imports another.

pub mod activity;
pub mod actors;
pub mod changes;
pub mod filter;
pub(crate) mod json;
pub mod layout;
pub mod moment;
pub mod reads;
pub mod record;
pub mod recording;
pub mod table;
pub mod test_shipments;
pub mod time;
pub mod vocabulary;

pub use filter::TimelineFilter;
pub use moment::Moment;
pub use record::{resolve, Resolved, ShipmentRef};
pub use table::HistoryTable;

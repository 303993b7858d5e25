//! The integrity scan: audits the audit trail. One read-only pass over the
//! history in (shipment, version) order finds what past races, bugs and hand
//! edits left behind: duplicate versions, gaps, time going backwards,
//! snapshots that are not their changes applied, lost updates (a change
//! written from a stale copy, naming both writers), shipment rows that
//! disagree with their latest snapshot; and, as information, orphaned history
//! and actor ids no actor has. It never repairs anything.
//!
//! Memory is one shipment's state: rows come through a server-side cursor in
//! batches, shipments through a second cursor merged alongside (both in id
//! order), so the scan holds neither table. Nothing depends on a unique index:
//! on a table without one, PostgreSQL sorts instead of walking the index.

pub mod check;
mod describe;
pub mod junit;
mod report;
mod scan;
pub mod view;

pub use report::*;
pub use scan::{scan, HISTORY_COLUMNS};

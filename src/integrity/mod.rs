//! The integrity scan: audits the audit trail. One read-only pass over the
//! history in (record, version) order finds what past races, bugs and hand
//! edits left behind: duplicate versions, gaps, time going backwards,
//! snapshots that are not their changes applied, lost updates (a change
//! written from a stale copy, naming both writers: on a layout of before and
//! after values, a version whose "before" is not the previous one's "after"),
//! record rows that disagree with their latest state; and, as information,
//! orphaned history and actor ids no actor has. It never repairs anything.
//!
//! It reads any history layout (`domain::layout`), running the checks the
//! layout allows (`allowed`) and saying why not the others.
//!
//! Memory is one record's state and one batch: rows come through a
//! server-side cursor in batches, each batch's records are looked up by key,
//! so the scan holds neither table. Nothing depends on a unique index: on a
//! table without one, PostgreSQL sorts instead of walking the index.

mod allowed;
pub mod check;
mod describe;
pub mod junit;
mod report;
mod scan;
pub mod view;

pub use report::*;
pub use scan::{scan, HISTORY_COLUMNS};

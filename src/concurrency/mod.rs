//! The bundled concurrency test: scenarios that hammer `create_history_entry`,
//! a verdict whose every check shows its evidence, latency numbers, and a
//! self-test proving the checker can fail.

pub mod charts;
pub mod junit;
mod lockwatch;
pub mod report;
pub mod runner;
pub mod runs;
pub mod scenario;
mod setup;
pub mod slow;
pub mod stats;
pub mod suite;
pub mod verdict;
pub mod view;

pub use report::{Check, ErrorKind, RequestRecord, RunProgress, RunReport};
pub use runner::{run, RunOptions};
pub use scenario::{Params, Scenario};
pub use setup::remove_leftovers;
pub use suite::{run_and_save, run_suite, Choice, Overrides, SavedRun, Suite};

//! Progress of long work (starting the sandbox, seeding), reported through a
//! callback so that the CLI can print it and the desktop shell can forward it
//! over a `tauri::ipc::Channel`.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
#[ts(export)]
pub enum Progress {
    /// A new step began.
    Step { message: String },
    /// Rows loaded so far out of the total planned.
    Rows { done: u32, total: u32 },
}

impl Progress {
    pub fn step(message: impl Into<String>) -> Progress {
        Progress::Step {
            message: message.into(),
        }
    }
}

/// A progress callback; `Sync + Send` so it can cross into blocking tasks.
pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Send + Sync);

/// For callers that do not care.
pub fn ignore(_: Progress) {}

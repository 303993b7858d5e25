//! Waybill's core: everything but the desktop window. The `waybill` CLI and the
//! desktop shell both call these functions; this crate never depends on tauri.

pub mod about;
pub mod concurrency;
pub mod connection;
pub mod db;
pub mod domain;
pub mod error;
pub mod files;
pub mod health;
pub mod install;
pub mod integrity;
pub mod links;
pub mod logging;
pub mod monitor;
pub mod overview;
pub mod plots;
pub mod profiles;
pub mod progress;
pub mod sandbox;
pub mod seed;
pub mod shipments;
pub mod simulate;
pub mod timeline;

pub use error::{Error, Result};
// Re-exported so the shell uses the very same sqlx (its PgPool is in our API).
pub use chrono;
pub use sqlx;

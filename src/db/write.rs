//! Writes are never retried: a dropped connection may have taken a committed
//! write with it, so the user is told to check rather than have it done twice.

use std::future::Future;

use super::failure::is_connection_lost;
use crate::error::{Error, Result};

/// Runs a write exactly once; a dropped connection says the write was not retried.
pub async fn write_once<T>(write: impl Future<Output = Result<T>>) -> Result<T> {
    write.await.map_err(|e| {
        if is_connection_lost(&e) {
            tracing::warn!(error = %e, "connection lost during a write; not retried");
            Error::ConnectionLostWrite
        } else {
            e
        }
    })
}

//! What happens when the connection drops under a query: reads are tried once
//! more on a fresh connection (they change nothing, so repeating is safe);
//! writes never are, since the first attempt may have been applied.

use std::future::Future;

use crate::error::{Error, Result};

use super::is_connection_lost;

/// Runs a read; if the connection dropped, runs it once more. A second drop is
/// reported as such, saying it was retried.
pub async fn read_with_retry<T, F, Fut>(mut read: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    match read().await {
        Err(e) if is_connection_lost(&e) => {
            tracing::warn!(error = %e, "connection lost during a read; retrying once");
            read().await.map_err(|e| {
                if is_connection_lost(&e) {
                    Error::ConnectionLostRead {
                        retry: " and again when retried once",
                    }
                } else {
                    e
                }
            })
        }
        other => other,
    }
}

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

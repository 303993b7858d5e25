//! The one way Waybill reads: a read-only transaction with the browsing time
//! limit, committed at the end; a missing table named; and one more try on a
//! fresh connection if the first one dropped, but only while nothing has been
//! handed to the caller yet (a stream that already wrote rows must fail, never
//! start over and write them twice).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::{PgConnection, Postgres, Transaction};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use super::failure::is_connection_lost;
use super::Db;
use crate::error::{Error, Result};

/// How long one statement of a read may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadLimit {
    /// The profile's statement timeout: browsing answers while someone waits.
    Browse,
    /// Exports stream whole histories to a file: their own, longer limit.
    Export,
}

/// Exports may run this long per statement (ten minutes): long enough for
/// millions of rows, short enough that a forgotten one ends.
pub const EXPORT_STATEMENT_TIMEOUT_MS: u32 = 600_000;

/// The read-only transaction handed to read work. It is owned rather than
/// borrowed, so the work's future is an ordinary type whose `Send` the compiler
/// can see (a closure borrowing a connection cannot promise that, and the
/// desktop app's commands need it).
#[derive(Clone)]
pub struct Reader {
    tx: Arc<Mutex<Transaction<'static, Postgres>>>,
    output: Arc<Output>,
}

#[derive(Default)]
struct Output {
    started: AtomicBool,
    rows: AtomicU64,
}

impl Reader {
    /// The connection, for running queries: `query.fetch_all(&mut *r.conn().await)`.
    pub async fn conn(&self) -> MappedMutexGuard<'_, PgConnection> {
        MutexGuard::map(self.tx.lock().await, |tx| &mut **tx)
    }

    /// Says that results are being handed over (a header written, rows
    /// streamed): from here on a dropped connection fails instead of retrying.
    pub fn output_started(&self) {
        self.output.started.store(true, Ordering::Relaxed);
    }

    /// How many rows have been handed over, for the message if the read breaks.
    pub fn output_rows(&self, rows: u64) {
        self.output.rows.store(rows, Ordering::Relaxed);
    }
}

impl Db {
    /// Runs `work` in a read-only transaction with the browsing time limit (see
    /// the module comment). `work` may run twice, so it must not have effects
    /// before it calls `Reader::output_started`.
    pub async fn read<T, F, Fut>(&self, work: F) -> Result<T>
    where
        F: FnMut(Reader) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        self.read_with(ReadLimit::Browse, work).await
    }

    pub async fn read_with<T, F, Fut>(&self, limit: ReadLimit, mut work: F) -> Result<T>
    where
        F: FnMut(Reader) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let timeout_ms = match limit {
            ReadLimit::Browse => self.rules().statement_timeout_ms,
            ReadLimit::Export => EXPORT_STATEMENT_TIMEOUT_MS,
        };
        let mut retried = false;
        loop {
            let output = Arc::new(Output::default());
            let attempt = async {
                let tx = self.begin_read_limited(timeout_ms).await?;
                let reader = Reader {
                    tx: Arc::new(Mutex::new(tx)),
                    output: output.clone(),
                };
                let value = work(reader.clone()).await?;
                // Work that kept a clone of the reader leaves the transaction to
                // be rolled back when it drops: the same for a read-only one.
                if let Ok(tx) = Arc::try_unwrap(reader.tx) {
                    tx.into_inner().commit().await?;
                }
                Ok(value)
            };
            let error = match attempt.await {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            if !is_connection_lost(&error) {
                return Err(self.failure(error, timeout_ms).await);
            }
            if output.started.load(Ordering::Relaxed) {
                tracing::warn!(error = %error, "connection lost after output began; not retried");
                return Err(Error::OutputIncomplete {
                    rows: output.rows.load(Ordering::Relaxed),
                });
            }
            if retried {
                return Err(Error::ConnectionLostRead { retried: true });
            }
            tracing::warn!(error = %error, "connection lost during a read; retrying once");
            retried = true;
        }
    }

    /// Names what went wrong: a limit, a permission, or the table that is
    /// missing (looked up only when a query failed on one, so browsing does
    /// not pay for schema checks on every keystroke).
    async fn failure(&self, error: Error, timeout_ms: u32) -> Error {
        let error = super::failure::classify(error, timeout_ms);
        let missing_table =
            matches!(&error, Error::Database(sqlx::Error::Database(db)) if db.code().as_deref() == Some("42P01"));
        if missing_table && !self.required.is_empty() {
            if let Some(named) = self.name_missing_table().await {
                return named;
            }
        }
        error
    }

    /// `TableMissing` for the first required table the database lacks, if any.
    async fn name_missing_table(&self) -> Option<Error> {
        let mut tx = self.begin_read_limited(self.rules().statement_timeout_ms).await.ok()?;
        match super::first_missing(&mut tx, &self.required).await.ok()? {
            (database, Some(table)) => Some(Error::TableMissing { database, table }),
            (_, None) => None,
        }
    }
}

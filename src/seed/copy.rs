//! Bulk loading with COPY … FROM STDIN (CSV): one round trip per few megabytes
//! instead of one per row.

use sqlx::postgres::PgCopyIn;
use sqlx::PgConnection;

use crate::error::Result;

/// Flush to the server once the buffer holds this much.
const CHUNK: usize = 4 << 20;

pub struct CsvCopy<'c> {
    copy: PgCopyIn<&'c mut PgConnection>,
    buf: Vec<u8>,
}

impl<'c> CsvCopy<'c> {
    pub async fn start(conn: &'c mut PgConnection, table: &str, columns: &str) -> Result<CsvCopy<'c>> {
        let copy = conn
            .copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN (FORMAT csv)"))
            .await?;
        Ok(CsvCopy {
            copy,
            buf: Vec::with_capacity(CHUNK + 64 * 1024),
        })
    }

    /// Appends one row; `None` is SQL NULL (an unquoted empty field in CSV).
    pub fn row(&mut self, fields: &[Option<&str>]) {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            if let Some(text) = field {
                // Every value is quoted, so an empty string stays distinct from NULL.
                self.buf.push(b'"');
                for &b in text.as_bytes() {
                    if b == b'"' {
                        self.buf.push(b'"');
                    }
                    self.buf.push(b);
                }
                self.buf.push(b'"');
            }
        }
        self.buf.push(b'\n');
    }

    /// Sends the buffer if it is large enough; returns whether it did.
    pub async fn flush_if_full(&mut self) -> Result<bool> {
        if self.buf.len() < CHUNK {
            return Ok(false);
        }
        self.copy.send(std::mem::take(&mut self.buf)).await?;
        self.buf.reserve(CHUNK + 64 * 1024);
        Ok(true)
    }

    pub async fn finish(mut self) -> Result<u64> {
        if !self.buf.is_empty() {
            self.copy.send(std::mem::take(&mut self.buf)).await?;
        }
        Ok(self.copy.finish().await?)
    }
}

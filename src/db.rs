//! Connecting to PostgreSQL and turning driver errors into errors a user can act on.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres, Transaction};

use crate::error::{Error, Result};

/// Parses a `postgres://` URL. The error never repeats the URL: it may hold a password.
pub fn parse_url(url: &str) -> Result<PgConnectOptions> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(Error::BadUrl {
            reason: "it must start with postgres:// or postgresql://".into(),
        });
    }
    url.parse::<PgConnectOptions>().map_err(|e| Error::BadUrl {
        reason: redact_reason(&e.to_string(), url),
    })
}

/// sqlx's parse errors describe the problem; make sure neither the URL nor the
/// password in it (raw or percent-encoded) slips through into a message.
fn redact_reason(reason: &str, url: &str) -> String {
    let mut text = reason.replace(url, "<url>");
    if let Some(password) = password_of(url).filter(|p| !p.is_empty()) {
        text = text.replace(password, "<password>");
    }
    text
}

/// The password part of `scheme://user:password@host…`, as written.
fn password_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, password)| password)
}

/// Opens a pool after checking that one connection works, mapping failures to
/// clear errors. The probe matters: a pool retries until its acquire timeout and
/// then reports only "pool timed out", hiding "connection refused" or a bad password.
pub async fn connect(options: PgConnectOptions, max_connections: u32) -> Result<PgPool> {
    let target = Target::of(&options);
    let probe = PgConnection::connect_with(&options)
        .await
        .map_err(|e| target.explain(e))?;
    probe.close().await.ok();
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy_with(options))
}

/// A read-only transaction: everything that only browses runs in one, so that
/// browsing can never write, whatever the SQL.
pub async fn begin_read_only(pool: &PgPool) -> Result<Transaction<'static, Postgres>> {
    // One round trip instead of BEGIN + SET TRANSACTION: it is paid on every page.
    Ok(pool.begin_with("BEGIN READ ONLY").await?)
}

/// Where we tried to connect, for messages (no password).
#[derive(Debug, Clone)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub database: String,
}

impl Target {
    pub fn of(options: &PgConnectOptions) -> Target {
        Target {
            host: options
                .get_socket()
                .map(|s| s.display().to_string())
                .unwrap_or_else(|| options.get_host().to_string()),
            port: options.get_port(),
            user: options.get_username().to_string(),
            database: options.get_database().unwrap_or(options.get_username()).to_string(),
        }
    }

    pub fn explain(&self, error: sqlx::Error) -> Error {
        match &error {
            sqlx::Error::Io(io) => match io.kind() {
                std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound => Error::ConnectionRefused {
                    host: self.host.clone(),
                    port: self.port,
                },
                _ if io.to_string().contains("failed to lookup address")
                    || io.to_string().contains("Name or service not known") =>
                {
                    Error::UnknownHost {
                        host: self.host.clone(),
                    }
                }
                _ => Error::Database(error),
            },
            sqlx::Error::Database(db) => match db.code().as_deref() {
                Some("28P01") | Some("28000") => Error::AuthFailed {
                    user: self.user.clone(),
                },
                Some("3D000") => Error::DatabaseMissing {
                    database: self.database.clone(),
                    host: self.host.clone(),
                },
                _ => Error::Database(error),
            },
            _ => Error::Database(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_password_in_a_url() {
        assert_eq!(password_of("postgres://u:p%40ss@h:5432/db"), Some("p%40ss"));
        assert_eq!(password_of("postgres://u@h/db"), None);
        assert_eq!(password_of("postgres://h/db?user=x"), None);
    }

    #[test]
    fn bad_urls_never_echo_the_password() {
        for url in [
            "postgres://alice:hunter2@host:notaport/db",
            "postgres://alice:hunter2@[::1/db",
        ] {
            let message = parse_url(url).unwrap_err().to_string();
            assert!(!message.contains("hunter2"), "{message}");
            assert!(message.contains("not valid"), "{message}");
        }
    }
}

//! Turning driver errors into errors a user can act on.

use sqlx::postgres::PgConnectOptions;

use crate::error::Error;

/// Where we tried to connect, for messages (no password).
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub database: String,
}

impl Endpoint {
    pub fn of(options: &PgConnectOptions) -> Endpoint {
        Endpoint {
            host: options
                .get_socket()
                .map(|s| s.display().to_string())
                .unwrap_or_else(|| options.get_host().to_string()),
            port: options.get_port(),
            user: options.get_username().to_string(),
            database: options.get_database().unwrap_or(options.get_username()).to_string(),
        }
    }

    /// Errors met while connecting: who refused, and why.
    pub fn connect_error(&self, error: sqlx::Error) -> Error {
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
                _ if tls_text(&io.to_string()).is_some() => self.tls(&io.to_string()),
                _ => Error::Database(error),
            },
            sqlx::Error::Tls(tls) => self.tls(&tls.to_string()),
            sqlx::Error::Database(db) => match db.code().as_deref() {
                Some("28P01") | Some("28000") => Error::AuthFailed {
                    user: self.user.clone(),
                },
                Some("3D000") => Error::DatabaseMissing {
                    database: self.database.clone(),
                    host: self.host.clone(),
                },
                // 08P01 "unsupported startup parameter: extra_float_digits" from a
                // pooler that accepts only the parameters it knows.
                Some("08P01") if db.message().contains("startup parameter") => Error::StartupParameterRefused {
                    host: self.host.clone(),
                    port: self.port,
                    parameter: db.message().rsplit(':').next().unwrap_or_default().trim().to_string(),
                    detail: db.message().to_string(),
                },
                _ => Error::Database(error),
            },
            _ => Error::Database(error),
        }
    }

    fn tls(&self, text: &str) -> Error {
        if text.contains("does not support TLS") {
            return Error::TlsNotOffered {
                host: self.host.clone(),
                port: self.port,
            };
        }
        Error::CertUntrusted {
            host: self.host.clone(),
            detail: tls_text(text).unwrap_or(text).to_string(),
        }
    }
}

/// rustls' reason for refusing a certificate, in words.
fn tls_text(text: &str) -> Option<&'static str> {
    [
        ("UnknownIssuer", "signed by an authority this profile does not trust"),
        // rustls names some reasons by their variant, others in words
        // ("certificate not valid for name …", "certificate expired: …").
        ("NotValidForName", "issued for another host name"),
        ("not valid for name", "issued for another host name"),
        ("Expired", "expired"),
        ("certificate expired", "expired"),
        ("BadSignature", "bad signature"),
        ("invalid peer certificate", "invalid certificate"),
    ]
    .into_iter()
    .find(|(needle, _)| text.contains(needle))
    .map(|(_, words)| words)
}

/// Errors met while running a query, for any kind of statement.
/// `statement_timeout_ms` names the limit that cancelled a query.
pub(super) fn classify(error: Error, statement_timeout_ms: u32) -> Error {
    let Error::Database(sqlx::Error::Database(db)) = &error else {
        return error;
    };
    match db.code().as_deref() {
        // 42P05 "prepared statement … already exists", 26000 "… does not exist":
        // the statement was prepared on another server connection of a pooler.
        Some("42P05") | Some("26000") => Error::PreparedStatementLost {
            detail: db.message().to_string(),
        },
        Some("57014") => Error::StatementTimeout {
            timeout_ms: statement_timeout_ms,
        },
        Some("55P03") => Error::LockTimeout,
        Some("42501") => Error::PermissionDenied {
            action: "this database user may not do this (browsing needs SELECT; the concurrency test INSERT and UPDATE; installing the schema CREATE)".into(),
            detail: db.message().to_string(),
            hand_over_sql: false,
        },
        _ => error,
    }
}

/// Did the connection itself fail (rather than the statement)? Those are the
/// failures a retry on a fresh connection can cure.
pub fn is_connection_lost(error: &Error) -> bool {
    match error {
        // Refused or no such socket: nothing was sent, so nothing "dropped".
        Error::Database(sqlx::Error::Io(io)) => !matches!(
            io.kind(),
            std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound
        ),
        Error::Database(sqlx::Error::Protocol(_)) | Error::Database(sqlx::Error::PoolClosed) => false,
        // 57P01 admin shutdown / terminate_backend, 57P02 crash shutdown, 57P03 cannot connect now,
        // 08xxx connection exceptions.
        Error::Database(sqlx::Error::Database(db)) => db
            .code()
            .is_some_and(|c| c == "57P01" || c == "57P02" || c.starts_with("08")),
        _ => false,
    }
}

//! The errors a user can meet, each saying what happened and what to do.
//!
//! Messages never contain a connection URL or password: they name the host, port
//! and database instead. Raw driver text is kept only where it adds a fact the
//! user needs (e.g. PostgreSQL's own message for an unexpected error).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("PostgreSQL server programs were not found ({searched}). Install them with `sudo apt-get install postgresql` (Debian/Ubuntu), then try again.")]
    PostgresNotInstalled { searched: String },

    #[error("{path} exists but is not a PostgreSQL cluster Waybill created; it was left untouched. Move it away or point XDG_DATA_HOME elsewhere.")]
    NotACluster { path: PathBuf },

    #[error("the sandbox database could not start: {reason}. The server log is {log}.")]
    SandboxStart { reason: String, log: PathBuf },

    #[error("the sandbox is not running. Start it with `waybill sandbox start`.")]
    SandboxNotRunning,

    #[error("the sandbox runs as the `postgres` account when Waybill runs as root, but {reason}")]
    SandboxAccount { reason: String },

    #[error("the database URL is not valid: {reason}. Expected postgres://user@host:5432/database")]
    BadUrl { reason: String },

    #[error("could not reach PostgreSQL at {host}:{port}: connection refused. Check that the server is running and the host and port are right.")]
    ConnectionRefused { host: String, port: u16 },

    #[error("could not resolve host `{host}`. Check the host name in the connection settings.")]
    UnknownHost { host: String },

    #[error("PostgreSQL rejected user `{user}`: wrong password or no access. Check the user name and password.")]
    AuthFailed { user: String },

    #[error("database `{database}` does not exist on {host}. Check the database name.")]
    DatabaseMissing { database: String, host: String },

    #[error("the connection to {host}:{port} did not open within {seconds} s. Check the host, port and firewall, or raise the connect timeout in the profile.")]
    ConnectTimeout { host: String, port: u16, seconds: u64 },

    #[error("{host}:{port} does not offer TLS, and this profile requires it. Turn on TLS (ssl = on) on the server, or set the profile's TLS mode to `prefer` or `disable` if the network is trusted.")]
    TlsNotOffered { host: String, port: u16 },

    #[error("the TLS certificate of {host} is not trusted ({detail}). Choose the server's CA certificate file in the profile (Supabase: Database settings → SSL certificate), or use TLS mode `require`, which encrypts but does not check who the server is.")]
    CertUntrusted { host: String, detail: String },

    #[error("the CA certificate file {path} could not be used: {reason}. Choose a PEM file (it starts with -----BEGIN CERTIFICATE-----).")]
    CaFile { path: PathBuf, reason: String },

    #[error("the server lost a prepared statement ({detail}). This happens behind a pooler in transaction mode (PgBouncer, Supabase's pooler on port 6543): mark the profile as \"transaction pooler\", or connect directly (port 5432).")]
    PreparedStatementLost { detail: String },

    #[error("{action} cannot run through a transaction pooler: it needs one session from start to end. Connect directly to the database (Supabase: port 5432 or the direct host) to do it.")]
    ThroughPooler { action: String },

    #[error("a query ran longer than the statement timeout ({timeout_ms} ms) and was cancelled. Narrow the filter, or raise the statement timeout in the profile.")]
    StatementTimeout { timeout_ms: u32 },

    #[error("waited longer than the lock timeout for a lock another session holds; nothing was written. Try again when the other work is done, or raise the lock timeout in the profile.")]
    LockTimeout,

    #[error("the connection to the database dropped during a read{retry}. Check the network and that the server is running, then try again.")]
    ConnectionLostRead { retry: &'static str },

    #[error("the connection to the database dropped during a write; it was not retried, because the write may or may not have been applied. Check the data before trying again.")]
    ConnectionLostWrite,

    #[error("there is no connection profile named `{name}`. List them with `waybill profile list`.")]
    ProfileNotFound { name: String },

    #[error("a profile named `{name}` already exists. Choose another name, or remove it first.")]
    ProfileExists { name: String },

    #[error("the OS keyring is not available ({reason}), so the password cannot be stored. Waybill never writes passwords to disk: type the password for this session only, or start a keyring (Secret Service, e.g. gnome-keyring) and try again.")]
    KeyringUnavailable { reason: String },

    #[error("profile `{profile}` has no password in the keyring. Save one with the profile (app: Connections → Edit; CLI: `waybill profile add {profile} … --password-stdin`), or type it for this session.")]
    PasswordNeeded { profile: String },

    #[error("database `{database}` has no `{table}` table. Run `waybill migrate` to install Waybill's schema (it asks before writing to a non-sandbox database).")]
    SchemaMissing { database: String, table: String },

    #[error("database `{database}` has no function `create_history_entry(uuid, text, uuid, jsonb, text)`, which the concurrency test calls. Install Waybill's schema (`waybill migrate`; it asks before writing to a non-sandbox database).")]
    FunctionMissing { database: String },

    #[error("no shipment matches `{query}`. Search with `waybill shipments --search TEXT`.")]
    ShipmentNotFound { query: String },

    #[error("no actor matches `{query}`. Give an actor's id, email or display name, as shown in a timeline.")]
    ActorNotFound { query: String },

    #[error("{shipment} has no version {version}; its versions run up to {latest}.")]
    VersionNotFound {
        shipment: String,
        version: i32,
        latest: i32,
    },

    #[error("permission denied: {action}. PostgreSQL said: {detail}. Ask the table's owner (or a role with that right) to do it{hint}.")]
    PermissionDenied {
        action: String,
        detail: String,
        hint: String,
    },

    #[error("{0}")]
    InvalidInput(String),

    #[error("database `{database}` already holds {shipments} shipments. Pass --replace to delete them and load demo data instead.")]
    NotEmpty { database: String, shipments: i64 },

    #[error("writing to `{database}` needs confirmation: pass --yes to confirm, or run it from a terminal.")]
    ConfirmationNeeded { database: String },

    #[error("cancelled: nothing was written to `{database}`.")]
    Cancelled { database: String },

    #[error("drawing the plot failed: {0}")]
    Plot(String),

    #[error("migrating the schema failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A stable machine-readable code; the desktop shell sends it with the message
    /// so that the UI can branch on it.
    pub fn code(&self) -> &'static str {
        match self {
            Error::PostgresNotInstalled { .. } => "postgres_not_installed",
            Error::NotACluster { .. } => "not_a_cluster",
            Error::SandboxStart { .. } => "sandbox_start_failed",
            Error::SandboxNotRunning => "sandbox_not_running",
            Error::SandboxAccount { .. } => "sandbox_account",
            Error::BadUrl { .. } => "bad_url",
            Error::ConnectionRefused { .. } => "connection_refused",
            Error::UnknownHost { .. } => "unknown_host",
            Error::AuthFailed { .. } => "auth_failed",
            Error::DatabaseMissing { .. } => "database_missing",
            Error::SchemaMissing { .. } => "schema_missing",
            Error::FunctionMissing { .. } => "function_missing",
            Error::ConnectTimeout { .. } => "connect_timeout",
            Error::TlsNotOffered { .. } => "tls_not_offered",
            Error::CertUntrusted { .. } => "cert_untrusted",
            Error::CaFile { .. } => "ca_file",
            Error::PreparedStatementLost { .. } => "prepared_statement_lost",
            Error::ThroughPooler { .. } => "through_pooler",
            Error::StatementTimeout { .. } => "statement_timeout",
            Error::LockTimeout => "lock_timeout",
            Error::ConnectionLostRead { .. } => "connection_lost",
            Error::ConnectionLostWrite => "connection_lost_write",
            Error::ProfileNotFound { .. } => "profile_not_found",
            Error::ProfileExists { .. } => "profile_exists",
            Error::KeyringUnavailable { .. } => "keyring_unavailable",
            Error::PasswordNeeded { .. } => "password_needed",
            Error::ShipmentNotFound { .. } => "shipment_not_found",
            Error::ActorNotFound { .. } => "actor_not_found",
            Error::VersionNotFound { .. } => "version_not_found",
            Error::PermissionDenied { .. } => "permission_denied",
            Error::InvalidInput(_) => "invalid_input",
            Error::NotEmpty { .. } => "not_empty",
            Error::ConfirmationNeeded { .. } => "confirmation_needed",
            Error::Cancelled { .. } => "cancelled",
            Error::Plot(_) => "plot_failed",
            Error::Migrate(_) => "migrate_failed",
            Error::Database(_) => "database",
            Error::Io { .. } => "io",
        }
    }

    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io { context, source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

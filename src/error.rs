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

    #[error("database `{database}` has no `{table}` table. Run `waybill migrate` to install Waybill's schema (it asks before writing to a non-sandbox database).")]
    SchemaMissing { database: String, table: String },

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

//! The errors a user can meet, each saying what happened and what to do.
//!
//! An error holds data (what, which object, which limit), and its `Display` says
//! what happened in words that suit every front end. What a user can *do* about
//! it often depends on where they are: the CLI names commands and flags, the app
//! names screens and buttons. That part is a [`Remedy`], rendered by each front
//! end (`cli::render` and the shell's `IpcError`), never written here.
//!
//! Messages never contain a connection URL or password: they name the host, port
//! and database instead. Raw driver text is kept only where it adds a fact the
//! user needs (e.g. PostgreSQL's own message for an unexpected error).

mod field;
mod samples;

use std::path::PathBuf;

pub use field::Field;
pub use samples::samples;

/// Where a write would go, as confirmations name it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WriteTarget {
    /// The profile's name, or empty for a one-off URL.
    pub profile: String,
    pub database: String,
    pub host: String,
    pub port: u16,
    pub user: String,
}

impl std::fmt::Display for WriteTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "database `{}` on {}:{}", self.database, self.host, self.port)?;
        if !self.profile.is_empty() {
            write!(f, " (profile {})", self.profile)?;
        }
        Ok(())
    }
}

/// What the user can do next, said differently by each front end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// Install Waybill's tables in the open database.
    InstallTables,
    /// Open the history the database holds in a layout of its own, or install Waybill's tables.
    FindHistory,
    /// Open the history its own tables hold, or give Waybill's tables a schema of their own.
    ReadOwnTables,
    /// Confirm the write (naming the database).
    ConfirmWrite,
    /// Start or open the sandbox.
    OpenSandbox,
    /// Pick one of the saved profiles.
    ChooseProfile,
    /// Store the profile's password in the keyring.
    StorePassword { profile: String },
    /// Search for the shipment.
    FindShipment,
    /// Pick one of the saved concurrency runs.
    ChooseRun,
    /// Replace the existing data.
    ReplaceData,
    /// Load the demo data again (it has run out).
    LoadDemoData,
    /// Hand the statements to someone allowed to run them.
    HandOverSql,
    /// A bug: report it with the log file.
    ReportBug,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("PostgreSQL server programs were not found ({searched}). Install them with `sudo apt-get install postgresql` (Debian/Ubuntu), then try again.")]
    PostgresNotInstalled { searched: String },

    #[error("{path} exists but is not a PostgreSQL cluster Waybill created; it was left untouched. Move it away or point XDG_DATA_HOME elsewhere.")]
    NotACluster { path: PathBuf },

    #[error("the sandbox database could not start: {reason}. The server log is {log}.")]
    SandboxStart { reason: String, log: PathBuf },

    #[error("the sandbox is not running.")]
    SandboxNotRunning,

    #[error("the sandbox is in use by another Waybill process (pid {}); it stops by itself when the last one is done.", .pids.iter().map(u32::to_string).collect::<Vec<_>>().join(", "))]
    SandboxInUse { pids: Vec<u32> },

    #[error("the sandbox runs as the `postgres` account when Waybill runs as root, but {reason}")]
    SandboxAccount { reason: String },

    #[error("there is no {what} directory: set HOME (or {variable}).")]
    NoHomeDirectory { what: &'static str, variable: &'static str },

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

    #[error("{host}:{port} refused the startup parameter `{parameter}` ({detail}). A pooler such as PgBouncer accepts only the parameters it knows: add `{parameter}` to its ignore_startup_parameters, or connect directly.")]
    StartupParameterRefused {
        host: String,
        port: u16,
        parameter: String,
        detail: String,
    },

    #[error("{action} cannot run through a transaction pooler: it needs one session from start to end. Connect directly to the database (Supabase: port 5432 or the direct host) to do it.")]
    ThroughPooler { action: String },

    #[error("a query ran longer than the statement timeout ({timeout_ms} ms) and was cancelled. Narrow the filter, or raise the statement timeout in the profile.")]
    StatementTimeout { timeout_ms: u32 },

    #[error("waited longer than the lock timeout for a lock another session holds; nothing was written. Try again when the other work is done, or raise the lock timeout in the profile.")]
    LockTimeout,

    #[error("the connection to the database dropped during a read{}. Check the network and that the server is running, then try again.", if *.retried { " and again when retried once" } else { "" })]
    ConnectionLostRead { retried: bool },

    #[error("the connection to the database dropped after {rows} rows had been written out, so the output is incomplete (it was not restarted, which would repeat rows). Check the network and that the server is running, then export again.")]
    OutputIncomplete { rows: u64 },

    #[error("the connection to the database dropped during a write; it was not retried, because the write may or may not have been applied. Check the data before trying again.")]
    ConnectionLostWrite,

    #[error("there is no connection profile named `{name}`.")]
    ProfileNotFound { name: String },

    #[error("a profile named `{name}` already exists. Choose another name, or remove it first.")]
    ProfileExists { name: String },

    #[error("`{name}` is the open connection. Switch to another profile (or the sandbox) first, then change it.")]
    ProfileInUse { name: String },

    #[error("{path} is not a valid profiles file ({reason}). Fix or move it; Waybill left it untouched.")]
    ProfilesFile { path: PathBuf, reason: String },

    #[error("the OS keyring is not available ({reason}). Waybill keeps passwords there and never on disk: type the password for this session only, or make a keyring available (a Secret Service such as gnome-keyring, unlocked) and try again.")]
    KeyringUnavailable { reason: String },

    #[error("profile `{profile}` has no password in the keyring{}. Type it for this session, or store it with the profile.", .reason.as_deref().map(|r| format!(" {r}")).unwrap_or_default())]
    PasswordNeeded { profile: String, reason: Option<String> },

    #[error("database `{database}` has no `{table}` table.")]
    TableMissing { database: String, table: String },

    #[error("database `{database}` already has {} that Waybill did not make; installing Waybill's tables over them would fail half-way, so nothing was written.", .tables.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", "))]
    ForeignTables { database: String, tables: Vec<String> },

    #[error("the history mapping does not fit {table}: {}.", .problems.join("; "))]
    BadMapping { table: String, problems: Vec<String> },

    #[error("database `{database}` has no function `create_history_entry(uuid, text, uuid, jsonb, text)`, which the concurrency test calls.")]
    FunctionMissing { database: String },

    #[error("no {noun} matches `{query}`.")]
    ShipmentNotFound { noun: String, query: String },

    #[error("{feature} reads Waybill's own history layout, and this database's history is {layout}; it is not available for that layout yet.")]
    LayoutUnsupported { feature: &'static str, layout: String },

    #[error("{why}. There is no version-assigning function in {layout} for the concurrency test to call; the integrity scan shows what concurrent writes left in this history.")]
    NoVersionFunction { layout: String, why: &'static str },

    #[error("no actor matches `{query}`. Give an actor's id, email or display name, as shown in a timeline.")]
    ActorNotFound { query: String },

    #[error("`{query}` names {} actors ({}); use the email or id instead.", .candidates.len(), .candidates.join(", "))]
    AmbiguousActor { query: String, candidates: Vec<String> },

    #[error("{shipment} has no version {version}; its versions run up to {latest}.")]
    VersionNotFound {
        shipment: String,
        version: i32,
        latest: i32,
    },

    #[error("{shipment} had no history yet at {at}{}.", match .first { Some(first) => format!(": its first version is from {first}. Choose a later time"), None => String::from(" (it has no versions at all)") })]
    NoHistoryYet {
        shipment: String,
        at: String,
        first: Option<String>,
    },

    #[error("there are no shipments yet, so there is nothing to {action}.")]
    NoShipments { action: &'static str },

    #[error("permission denied: {action}. PostgreSQL said: {detail}. Ask the table's owner (or a role with that right) to do it.")]
    PermissionDenied {
        action: String,
        detail: String,
        hand_over_sql: bool,
    },

    #[error("{field} must be between {min} and {max}, got {got}.")]
    OutOfRange { field: Field, min: i64, max: i64, got: i64 },

    #[error("{field}: {problem}.")]
    InvalidField { field: Field, problem: String },

    #[error("the time range is empty: it starts at {since} and ends at {until}. Put the earlier time first.")]
    EmptyTimeRange { since: String, until: String },

    #[error("`{text}` is not a time: write 2026-11-02, 2026-11-02 14:30 or 2026-11-02T14:30:00Z.")]
    BadTime { text: String },

    #[error("{text} does not exist in {zone} (a daylight saving gap).")]
    TimeInGap { text: String, zone: String },

    #[error("unknown time zone `{name}`; use an IANA name such as Europe/Berlin, or UTC.")]
    UnknownTimeZone { name: String },

    #[error("database `{database}` already holds {shipments} shipments.")]
    NotEmpty { database: String, shipments: i64 },

    #[error("writing to {target} needs your confirmation, naming the database.")]
    ConfirmationNeeded { target: WriteTarget },

    #[error("cancelled: nothing was written to `{database}`.")]
    Cancelled { database: String },

    #[error("the unsafe control runs only on the sandbox, never on another database.")]
    UnsafeControlOutsideSandbox,

    #[error("{what} runs only on the sandbox, never on another database.")]
    SandboxOnly { what: &'static str },

    #[error("the sandbox has no active shipments or actors left to simulate: every demo shipment is delivered or cancelled.")]
    NothingToSimulate,

    #[error("{scenario} writes to new shipments it creates; leave out the shipment.")]
    ScenarioNeedsNewShipments { scenario: &'static str },

    #[error("this run needs {needed} connections at once but the server has {free} free (max_connections = {max}). Lower the requests (or pool size), or raise max_connections on the server.")]
    NotEnoughConnections { needed: u32, free: i64, max: i32 },

    #[error("unknown scenario `{name}`; choose one of {}, or all.", .choices.join(", "))]
    UnknownScenario { name: String, choices: Vec<String> },

    #[error("no saved run matches `{key}`.")]
    RunNotFound { key: String },

    #[error("`{key}` matches {count} saved runs; give more of its id.")]
    RunAmbiguous { key: String, count: usize },

    #[error("{path} is not a Waybill run report: {reason}.")]
    NotARunReport { path: PathBuf, reason: String },

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

    /// Something that should not happen did: a bug, not the user's doing.
    #[error("an internal error stopped this: {what}. This is a bug in Waybill, not something you did.")]
    Internal { what: String },
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
            Error::SandboxInUse { .. } => "sandbox_in_use",
            Error::SandboxAccount { .. } => "sandbox_account",
            Error::NoHomeDirectory { .. } => "no_home_directory",
            Error::BadUrl { .. } => "bad_url",
            Error::ConnectionRefused { .. } => "connection_refused",
            Error::UnknownHost { .. } => "unknown_host",
            Error::AuthFailed { .. } => "auth_failed",
            Error::DatabaseMissing { .. } => "database_missing",
            Error::TableMissing { .. } => "table_missing",
            Error::ForeignTables { .. } => "foreign_tables",
            Error::FunctionMissing { .. } => "function_missing",
            Error::BadMapping { .. } => "bad_mapping",
            Error::ConnectTimeout { .. } => "connect_timeout",
            Error::TlsNotOffered { .. } => "tls_not_offered",
            Error::CertUntrusted { .. } => "cert_untrusted",
            Error::CaFile { .. } => "ca_file",
            Error::PreparedStatementLost { .. } => "prepared_statement_lost",
            Error::StartupParameterRefused { .. } => "startup_parameter_refused",
            Error::ThroughPooler { .. } => "through_pooler",
            Error::StatementTimeout { .. } => "statement_timeout",
            Error::LockTimeout => "lock_timeout",
            Error::ConnectionLostRead { .. } => "connection_lost",
            Error::OutputIncomplete { .. } => "output_incomplete",
            Error::ConnectionLostWrite => "connection_lost_write",
            Error::ProfileNotFound { .. } => "profile_not_found",
            Error::ProfileExists { .. } => "profile_exists",
            Error::ProfileInUse { .. } => "profile_in_use",
            Error::ProfilesFile { .. } => "profiles_file",
            Error::KeyringUnavailable { .. } => "keyring_unavailable",
            Error::PasswordNeeded { .. } => "password_needed",
            Error::ShipmentNotFound { .. } => "shipment_not_found",
            Error::LayoutUnsupported { .. } => "layout_unsupported",
            Error::NoVersionFunction { .. } => "no_version_function",
            Error::ActorNotFound { .. } => "actor_not_found",
            Error::AmbiguousActor { .. } => "ambiguous_actor",
            Error::VersionNotFound { .. } => "version_not_found",
            Error::NoHistoryYet { .. } => "no_history_yet",
            Error::NoShipments { .. } => "no_shipments",
            Error::PermissionDenied { .. } => "permission_denied",
            Error::OutOfRange { .. }
            | Error::InvalidField { .. }
            | Error::EmptyTimeRange { .. }
            | Error::BadTime { .. }
            | Error::TimeInGap { .. }
            | Error::UnknownTimeZone { .. }
            | Error::UnknownScenario { .. } => "invalid_input",
            Error::NotEmpty { .. } => "not_empty",
            Error::ConfirmationNeeded { .. } => "confirmation_needed",
            Error::Cancelled { .. } => "cancelled",
            Error::UnsafeControlOutsideSandbox => "unsafe_control_outside_sandbox",
            Error::SandboxOnly { .. } => "sandbox_only",
            Error::NothingToSimulate => "nothing_to_simulate",
            Error::ScenarioNeedsNewShipments { .. } => "scenario_needs_new_shipments",
            Error::NotEnoughConnections { .. } => "not_enough_connections",
            Error::RunNotFound { .. } => "run_not_found",
            Error::RunAmbiguous { .. } => "run_ambiguous",
            Error::NotARunReport { .. } => "not_a_run_report",
            Error::Plot(_) => "plot_failed",
            Error::Migrate(_) => "migrate_failed",
            Error::Database(_) => "database",
            Error::Io { .. } => "io",
            Error::Internal { .. } => "internal",
        }
    }

    /// What the user can do next, for the front end to say in its own words.
    pub fn remedy(&self) -> Option<Remedy> {
        Some(match self {
            Error::SandboxNotRunning => Remedy::OpenSandbox,
            Error::ProfileNotFound { .. } => Remedy::ChooseProfile,
            Error::PasswordNeeded { profile, .. } => Remedy::StorePassword {
                profile: profile.clone(),
            },
            Error::TableMissing { .. } => Remedy::FindHistory,
            Error::ForeignTables { .. } => Remedy::ReadOwnTables,
            Error::FunctionMissing { .. } => Remedy::InstallTables,
            Error::ShipmentNotFound { .. } => Remedy::FindShipment,
            Error::RunNotFound { .. } => Remedy::ChooseRun,
            Error::NotEmpty { .. } => Remedy::ReplaceData,
            Error::NothingToSimulate => Remedy::LoadDemoData,
            Error::ConfirmationNeeded { .. } => Remedy::ConfirmWrite,
            Error::PermissionDenied {
                hand_over_sql: true, ..
            } => Remedy::HandOverSql,
            Error::Internal { .. } | Error::Plot(_) => Remedy::ReportBug,
            _ => return None,
        })
    }

    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io { context, source }
    }

    /// A fault that is not the user's: `what` says which, for the log and the report.
    pub fn internal(what: impl std::fmt::Display) -> Error {
        Error::Internal { what: what.to_string() }
    }

    /// `field` must lie in `min..=max`.
    pub fn check_range(field: Field, got: i64, min: i64, max: i64) -> Result<()> {
        if (min..=max).contains(&got) {
            Ok(())
        } else {
            Err(Error::OutOfRange { field, min, max, got })
        }
    }

    pub fn invalid(field: Field, problem: impl Into<String>) -> Error {
        Error::InvalidField {
            field,
            problem: problem.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

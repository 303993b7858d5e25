//! The inputs a user can get wrong, so that each front end can name them its
//! own way: the app by the label of its form field, the CLI by its flag.

/// An input field. `Display` is the app's label; `flag` is the CLI's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Limit,
    PageSize,
    BeforeVersion,
    AfterVersion,
    Version,
    Requests,
    DelayMs,
    PoolSize,
    AcquireTimeoutMs,
    Shipments,
    MaxMs,
    Rows,
    ThresholdMs,
    ProfileName,
    Host,
    Port,
    Database,
    User,
    ConnectTimeout,
    StatementTimeout,
    LockTimeout,
    Schema,
    TlsMode,
    Table,
    Time,
    TimeZone,
    EventType,
    Filter,
    Cursor,
    PlotFile,
    Scenario,
    Shipment,
    MaxFindings,
    CompareRun,
    Rate,
}

impl Field {
    /// How the app's forms label it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Limit => "Number of results",
            Field::PageSize => "Page size",
            Field::BeforeVersion => "Start below version",
            Field::AfterVersion => "Start above version",
            Field::Version => "Version",
            Field::Requests => "Requests",
            Field::DelayMs => "Delay between starts (ms)",
            Field::PoolSize => "Pool size (connections)",
            Field::AcquireTimeoutMs => "Acquire timeout (ms)",
            Field::Shipments => "Shipments",
            Field::MaxMs => "Acceptable time (ms)",
            Field::Rows => "Rows",
            Field::ThresholdMs => "Threshold (ms)",
            Field::ProfileName => "Name",
            Field::Host => "Host",
            Field::Port => "Port",
            Field::Database => "Database",
            Field::User => "User",
            Field::ConnectTimeout => "Connect timeout (s)",
            Field::StatementTimeout => "Statement timeout (ms)",
            Field::LockTimeout => "Lock timeout (ms)",
            Field::Schema => "Schema",
            Field::TlsMode => "TLS",
            Field::Table => "History table",
            Field::Time => "Time",
            Field::TimeZone => "Time zone",
            Field::EventType => "Event type",
            Field::Filter => "Filter",
            Field::Cursor => "Cursor",
            Field::PlotFile => "Plot file",
            Field::Scenario => "Scenario",
            Field::Shipment => "Shipment",
            Field::MaxFindings => "Maximum findings",
            Field::CompareRun => "Run to compare with",
            Field::Rate => "Changes per minute",
        }
    }

    /// How the CLI spells it.
    pub fn flag(self) -> &'static str {
        match self {
            Field::Limit | Field::PageSize => "--limit",
            Field::BeforeVersion => "--before-version",
            Field::AfterVersion => "--after-version",
            Field::Version => "VERSION",
            Field::Requests => "--requests",
            Field::DelayMs => "--delay-ms",
            Field::PoolSize => "--pool-size",
            Field::AcquireTimeoutMs => "--acquire-timeout-ms",
            Field::Shipments => "--shipments",
            Field::MaxMs => "--max-ms",
            Field::Rows => "--rows",
            Field::ThresholdMs => "--threshold-ms",
            Field::ProfileName => "NAME",
            Field::Host | Field::Port | Field::Database | Field::User => "--url",
            Field::ConnectTimeout => "--connect-timeout",
            Field::StatementTimeout => "--statement-timeout",
            Field::LockTimeout => "--lock-timeout",
            Field::Schema => "--schema",
            Field::TlsMode => "--tls",
            Field::Table => "--table",
            Field::Time => "--since/--until",
            Field::TimeZone => "--tz",
            Field::EventType => "--event-type",
            Field::Filter => "--actor/--event-type",
            Field::Cursor => "--before/--after",
            Field::PlotFile => "--plot",
            Field::Scenario => "--scenario",
            Field::Shipment => "--shipment",
            Field::MaxFindings => "--max-findings",
            Field::CompareRun => "--compare",
            Field::Rate => "--rate",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

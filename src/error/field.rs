//! The inputs a user can get wrong. The core names a field in plain words
//! (`requests`, `page size`); each front end says it its own way: the app by
//! the label of its form field (the shell's `labels.rs`), the CLI by its flag
//! (`cli::render`).

use serde::Serialize;
use ts_rs::TS;

/// An input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
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
    History,
}

impl Field {
    pub const ALL: [Field; 36] = [
        Field::Limit,
        Field::PageSize,
        Field::BeforeVersion,
        Field::AfterVersion,
        Field::Version,
        Field::Requests,
        Field::DelayMs,
        Field::PoolSize,
        Field::AcquireTimeoutMs,
        Field::Shipments,
        Field::MaxMs,
        Field::Rows,
        Field::ThresholdMs,
        Field::ProfileName,
        Field::Host,
        Field::Port,
        Field::Database,
        Field::User,
        Field::ConnectTimeout,
        Field::StatementTimeout,
        Field::LockTimeout,
        Field::Schema,
        Field::TlsMode,
        Field::Table,
        Field::Time,
        Field::TimeZone,
        Field::EventType,
        Field::Filter,
        Field::Cursor,
        Field::PlotFile,
        Field::Scenario,
        Field::Shipment,
        Field::MaxFindings,
        Field::CompareRun,
        Field::Rate,
        Field::History,
    ];

    /// In plain words, as messages name it (the start of a sentence is the
    /// front end's to capitalise).
    pub fn name(self) -> &'static str {
        match self {
            Field::Limit => "number of results",
            Field::PageSize => "page size",
            Field::BeforeVersion => "version to start below",
            Field::AfterVersion => "version to start above",
            Field::Version => "version",
            Field::Requests => "requests",
            Field::DelayMs => "delay between starts (ms)",
            Field::PoolSize => "pool size (connections)",
            Field::AcquireTimeoutMs => "acquire timeout (ms)",
            Field::Shipments => "shipments",
            Field::MaxMs => "acceptable time (ms)",
            Field::Rows => "rows",
            Field::ThresholdMs => "threshold (ms)",
            Field::ProfileName => "profile name",
            Field::Host => "host",
            Field::Port => "port",
            Field::Database => "database",
            Field::User => "user",
            Field::ConnectTimeout => "connect timeout (s)",
            Field::StatementTimeout => "statement timeout (ms)",
            Field::LockTimeout => "lock timeout (ms)",
            Field::Schema => "schema",
            Field::TlsMode => "TLS mode",
            Field::Table => "history table",
            Field::Time => "time",
            Field::TimeZone => "time zone",
            Field::EventType => "event type",
            Field::Filter => "filter",
            Field::Cursor => "cursor",
            Field::PlotFile => "plot file",
            Field::Scenario => "scenario",
            Field::Shipment => "shipment",
            Field::MaxFindings => "maximum findings",
            Field::CompareRun => "run to compare with",
            Field::Rate => "changes per minute",
            Field::History => "history mapping",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

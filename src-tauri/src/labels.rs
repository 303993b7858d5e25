//! How the app's forms label the fields a user can get wrong: the window's
//! words for them, in error messages and (generated into the UI's bindings)
//! beside the inputs themselves.

use waybill::error::Field;

pub fn field_label(field: Field) -> &'static str {
    match field {
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
        Field::History => "History",
    }
}

//! One error of every kind, so that tests can render each in both front ends
//! (the app must never show a CLI flag, the CLI never a button).

use super::{Error, Field, WriteTarget};

#[doc(hidden)]
pub fn samples() -> Vec<Error> {
    let s = String::from;
    let target = WriteTarget {
        profile: s("prod"),
        database: s("orders"),
        host: s("db.example.com"),
        port: 5432,
        user: s("support"),
    };
    vec![
        Error::PostgresNotInstalled {
            searched: s("/usr/lib/postgresql/*/bin"),
        },
        Error::NotACluster { path: "/tmp/x".into() },
        Error::SandboxStart {
            reason: s("port taken"),
            log: "/tmp/server.log".into(),
        },
        Error::SandboxNotRunning,
        Error::SandboxInUse { pids: vec![4242] },
        Error::SandboxAccount {
            reason: s("there is no `postgres` account"),
        },
        Error::NoHomeDirectory {
            what: "data",
            variable: "XDG_DATA_HOME",
        },
        Error::BadUrl {
            reason: s("invalid port"),
        },
        Error::ConnectionRefused {
            host: s("db.example.com"),
            port: 5432,
        },
        Error::UnknownHost {
            host: s("db.example.com"),
        },
        Error::AuthFailed { user: s("support") },
        Error::DatabaseMissing {
            database: s("orders"),
            host: s("db.example.com"),
        },
        Error::ConnectTimeout {
            host: s("db.example.com"),
            port: 5432,
            seconds: 10,
        },
        Error::TlsNotOffered {
            host: s("db.example.com"),
            port: 5432,
        },
        Error::CertUntrusted {
            host: s("db.example.com"),
            detail: s("expired"),
        },
        Error::CaFile {
            path: "/tmp/ca.pem".into(),
            reason: s("not found"),
        },
        Error::PreparedStatementLost {
            detail: s("prepared statement \"sqlx_s_1\" does not exist"),
        },
        Error::StartupParameterRefused {
            host: s("db.example.com"),
            port: 6432,
            parameter: s("extra_float_digits"),
            detail: s("unsupported startup parameter"),
        },
        Error::ThroughPooler {
            action: s("installing the schema"),
        },
        Error::StatementTimeout { timeout_ms: 30_000 },
        Error::LockTimeout,
        Error::ConnectionLostRead { retried: true },
        Error::OutputIncomplete { rows: 852 },
        Error::ConnectionLostWrite,
        Error::ProfileNotFound { name: s("prod") },
        Error::ProfileExists { name: s("prod") },
        Error::ProfileInUse { name: s("prod") },
        Error::ProfilesFile {
            path: "/tmp/profiles.json".into(),
            reason: s("expected value"),
        },
        Error::KeyringUnavailable { reason: s("locked") },
        Error::PasswordNeeded {
            profile: s("prod"),
            reason: None,
        },
        Error::TableMissing {
            database: s("orders"),
            table: s("shipment_history"),
        },
        Error::FunctionMissing { database: s("orders") },
        Error::ForeignTables {
            database: s("orders"),
            tables: vec![s("shipment_history")],
        },
        Error::ShipmentNotFound {
            noun: s("shipment"),
            query: s("SHP-1"),
        },
        Error::LayoutUnsupported {
            feature: "the overview",
            layout: s("PaperTrail (Ruby on Rails): versions"),
        },
        Error::NoVersionFunction {
            layout: s("PaperTrail (Ruby on Rails): public.versions"),
            why: "PaperTrail keeps no version numbers",
        },
        Error::ActorNotFound { query: s("Ana") },
        Error::AmbiguousActor {
            query: s("Ana"),
            candidates: vec![s("a@x"), s("b@x")],
        },
        Error::VersionNotFound {
            shipment: s("SHP-1"),
            version: 9,
            latest: 3,
        },
        Error::NoHistoryYet {
            shipment: s("SHP-1"),
            at: s("2026-01-01T00:00:00Z"),
            first: None,
        },
        Error::NoShipments { action: "explain" },
        Error::PermissionDenied {
            action: s("creating indexes"),
            detail: s("must be owner"),
            hand_over_sql: true,
        },
        Error::OutOfRange {
            field: Field::Requests,
            min: 1,
            max: 1000,
            got: 0,
        },
        Error::InvalidField {
            field: Field::Schema,
            problem: s("must be a plain identifier"),
        },
        Error::EmptyTimeRange {
            since: s("b"),
            until: s("a"),
        },
        Error::BadTime { text: s("yesterday") },
        Error::TimeInGap {
            text: s("2026-03-29 02:30"),
            zone: s("Europe/Berlin"),
        },
        Error::UnknownTimeZone { name: s("Mars/Base") },
        Error::NotEmpty {
            database: s("orders"),
            shipments: 3,
        },
        Error::ConfirmationNeeded { target },
        Error::Cancelled { database: s("orders") },
        Error::UnsafeControlOutsideSandbox,
        Error::SandboxOnly { what: "the simulator" },
        Error::NothingToSimulate,
        Error::BadMapping {
            table: s("public.versions"),
            problems: vec![s(
                "key: column `item_idd` is not in public.versions; its columns are id, item_id",
            )],
        },
        Error::ScenarioNeedsNewShipments {
            scenario: "Spread over shipments",
        },
        Error::NotEnoughConnections {
            needed: 200,
            free: 90,
            max: 100,
        },
        Error::UnknownScenario {
            name: s("fast"),
            choices: vec![s("concurrent"), s("stress")],
        },
        Error::RunNotFound { key: s("abc") },
        Error::RunAmbiguous { key: s("a"), count: 2 },
        Error::NotARunReport {
            path: "/tmp/x.json".into(),
            reason: s("expected value"),
        },
        Error::Plot(s("font")),
        Error::Migrate(sqlx::migrate::MigrateError::VersionMissing(1)),
        Error::Database(sqlx::Error::RowNotFound),
        Error::Io {
            context: s("writing x"),
            source: std::io::Error::other("disk full"),
        },
        Error::Internal {
            what: s("a task panicked"),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exhaustive, so a new kind of error cannot be added without an arm here;
    /// keep KINDS equal to the number of arms, and add a sample above.
    fn kind(e: &Error) -> usize {
        match e {
            Error::PostgresNotInstalled { .. } => 0,
            Error::NotACluster { .. } => 1,
            Error::SandboxStart { .. } => 2,
            Error::SandboxNotRunning => 3,
            Error::SandboxAccount { .. } => 4,
            Error::NoHomeDirectory { .. } => 5,
            Error::BadUrl { .. } => 6,
            Error::ConnectionRefused { .. } => 7,
            Error::UnknownHost { .. } => 8,
            Error::AuthFailed { .. } => 9,
            Error::DatabaseMissing { .. } => 10,
            Error::ConnectTimeout { .. } => 11,
            Error::TlsNotOffered { .. } => 12,
            Error::CertUntrusted { .. } => 13,
            Error::CaFile { .. } => 14,
            Error::PreparedStatementLost { .. } => 15,
            Error::StartupParameterRefused { .. } => 16,
            Error::ThroughPooler { .. } => 17,
            Error::StatementTimeout { .. } => 18,
            Error::LockTimeout => 19,
            Error::ConnectionLostRead { .. } => 20,
            Error::OutputIncomplete { .. } => 21,
            Error::ConnectionLostWrite => 22,
            Error::ProfileNotFound { .. } => 23,
            Error::ProfileExists { .. } => 24,
            Error::ProfilesFile { .. } => 25,
            Error::KeyringUnavailable { .. } => 26,
            Error::PasswordNeeded { .. } => 27,
            Error::TableMissing { .. } => 28,
            Error::FunctionMissing { .. } => 29,
            Error::ShipmentNotFound { .. } => 30,
            Error::ActorNotFound { .. } => 31,
            Error::AmbiguousActor { .. } => 32,
            Error::VersionNotFound { .. } => 33,
            Error::NoHistoryYet { .. } => 34,
            Error::NoShipments { .. } => 35,
            Error::PermissionDenied { .. } => 36,
            Error::OutOfRange { .. } => 37,
            Error::InvalidField { .. } => 38,
            Error::EmptyTimeRange { .. } => 39,
            Error::BadTime { .. } => 40,
            Error::TimeInGap { .. } => 41,
            Error::UnknownTimeZone { .. } => 42,
            Error::NotEmpty { .. } => 43,
            Error::ConfirmationNeeded { .. } => 44,
            Error::Cancelled { .. } => 45,
            Error::UnsafeControlOutsideSandbox => 46,
            Error::ScenarioNeedsNewShipments { .. } => 47,
            Error::NotEnoughConnections { .. } => 48,
            Error::UnknownScenario { .. } => 49,
            Error::RunNotFound { .. } => 50,
            Error::RunAmbiguous { .. } => 51,
            Error::NotARunReport { .. } => 52,
            Error::Plot(_) => 53,
            Error::Migrate(_) => 54,
            Error::Database(_) => 55,
            Error::Io { .. } => 56,
            Error::Internal { .. } => 57,
            Error::ProfileInUse { .. } => 58,
            Error::SandboxInUse { .. } => 59,
            Error::SandboxOnly { .. } => 60,
            Error::NothingToSimulate => 61,
            Error::BadMapping { .. } => 62,
            Error::LayoutUnsupported { .. } => 63,
            Error::ForeignTables { .. } => 64,
            Error::NoVersionFunction { .. } => 65,
        }
    }
    const KINDS: usize = 66;

    #[test]
    fn there_is_one_sample_of_every_kind() {
        let mut seen: Vec<usize> = samples().iter().map(kind).collect();
        seen.sort();
        assert_eq!(seen, (0..KINDS).collect::<Vec<_>>());
    }

    #[test]
    fn core_messages_name_neither_flags_nor_buttons() {
        for e in samples() {
            let text = e.to_string();
            let flag = text
                .match_indices(" --")
                .any(|(i, _)| text[i + 3..].starts_with(|c: char| c.is_ascii_lowercase()));
            assert!(!flag, "{text}");
            assert!(!text.contains("`waybill "), "{text}");
            for word in ["click", "button", "press "] {
                assert!(!text.to_lowercase().contains(word), "{text}");
            }
        }
    }
}

//! Errors as the CLI says them: the core's message, the flag a bad value came
//! from, and what to do next in terms of commands and flags.

use waybill::error::{Error, Remedy};

pub fn render(e: &Error) -> String {
    let mut text = e.to_string();
    if let Error::OutOfRange { field, .. } | Error::InvalidField { field, .. } = e {
        text = format!("{} ({})", text.trim_end_matches('.'), field.flag());
    }
    if let Some(remedy) = e.remedy() {
        text.push(' ');
        text.push_str(&remedy_text(&remedy));
    }
    text
}

fn remedy_text(remedy: &Remedy) -> String {
    match remedy {
        Remedy::InstallSchema => {
            "Install Waybill's schema with `waybill migrate` (it asks before writing to a database that is not the sandbox).".into()
        }
        Remedy::ConfirmWrite => "Run it at a terminal and type the database's name when asked, or pass --yes.".into(),
        Remedy::OpenSandbox => "Start it with `waybill sandbox start`.".into(),
        Remedy::ChooseProfile => "List them with `waybill profile list`.".into(),
        Remedy::StorePassword { profile } => format!(
            "Run the command at a terminal to type it, or store it with `waybill profile add {profile} --url … --password-stdin --replace`."
        ),
        Remedy::FindShipment => "Search with `waybill shipments --search TEXT`.".into(),
        Remedy::ChooseRun => "List them with `waybill concurrency --list`.".into(),
        Remedy::ReplaceData => "Pass --replace to delete them and load demo data instead.".into(),
        Remedy::HandOverSql => "`waybill indexes --sql` prints the statements to hand over.".into(),
        Remedy::ReportBug => match waybill::logging::log_file() {
            Ok(path) => format!("Please report it with the log file {}.", path.display()),
            Err(_) => "Please report it.".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CLI names commands and flags, never the app's buttons or screens.
    #[test]
    fn every_error_reads_right_in_a_terminal() {
        for e in waybill::error::samples() {
            let text = render(&e);
            let lower = text.to_lowercase();
            for word in [
                "click",
                "button",
                "press ",
                "screen",
                "dialog",
                "connections →",
                "in connections",
            ] {
                assert!(!lower.contains(word), "{}: {text}", e.code());
            }
        }
        let e = Error::OutOfRange {
            field: waybill::error::Field::Requests,
            min: 1,
            max: 1000,
            got: 0,
        };
        assert_eq!(render(&e), "Requests must be between 1 and 1000, got 0 (--requests)");
        let e = Error::SchemaMissing {
            database: "orders".into(),
            table: "shipment_history".into(),
        };
        assert!(render(&e).contains("`waybill migrate`"));
    }
}

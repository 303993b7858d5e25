//! `waybill history detect | check | use`: the histories a database has, a
//! mapping checked against it (each with one record's latest changes), and
//! one chosen for a profile to read from now on.

use std::process::ExitCode;

use clap::Subcommand;
use waybill::connection::Source;
use waybill::domain::layout::detect::{self, FoundHistory};
use waybill::domain::layout::Mapping;
use waybill::error::Result;

use super::connect::with_connection;
use super::output::print_json;

#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// List the histories the database holds, each with the --history SPEC that opens it
    /// (exit 1 when it holds none).
    Detect {
        #[arg(long)]
        json: bool,
    },
    /// Check a mapping (a SPEC or a .toml file) against the database and show one record's
    /// latest changes read through it (exit 2 when it does not fit, naming each key).
    Check {
        spec: String,
        #[arg(long)]
        json: bool,
    },
    /// Check a mapping and make the profile (--profile, or the active one) read it from now on,
    /// as Open does in the app; `waybill history use waybill` goes back to Waybill's own.
    Use { spec: String },
}

pub async fn run(source: &Source, action: HistoryAction) -> Result<ExitCode> {
    match action {
        HistoryAction::Detect { json } => {
            let found = with_connection(source, async |conn| detect::detect(conn.db()).await).await?;
            if json {
                print_json(&found)?;
            } else if found.is_empty() {
                eprintln!(
                    "no history found: no table has the columns of Waybill's own layout or of an audit library's"
                );
            }
            if !json {
                for f in &found {
                    print(f);
                }
            }
            Ok(if found.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        HistoryAction::Check { spec, json } => {
            let mapping = Mapping::parse_spec(&spec)?;
            let found = with_connection(source, async |conn| detect::check(conn.db(), &mapping).await).await?;
            if json {
                print_json(&found)?;
            } else {
                print(&found);
            }
            Ok(ExitCode::SUCCESS)
        }
        HistoryAction::Use { spec } => {
            let mapping = Mapping::parse_spec(&spec)?;
            let config = waybill::profiles::config_path()?;
            let choice = with_connection(source, async |conn| conn.use_history(mapping, &config).await).await?;
            print(&choice.found);
            match &choice.remembered_by {
                Some(profile) => say!("profile {profile} reads this history from now on"),
                None => eprintln!(
                    "not remembered: the sandbox and --database-url keep no settings; pass --history {} \
                     (or set WAYBILL_HISTORY) with each command, or save it in a profile with --profile NAME",
                    choice.found.spec
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print(f: &FoundHistory) {
    let plural = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let versions = if f.versions_estimated {
        format!("about {}", plural(f.versions, "version"))
    } else {
        plural(f.versions, "version")
    };
    let records = f
        .records
        .map(|r| format!(" of {}", plural(r, f.mapping.noun())))
        .unwrap_or_default();
    say!("{}  {}  {versions}{records}", f.title, f.table);
    say!("  --history {}", f.spec);
    if let Some(problem) = &f.problem {
        say!("  cannot be read as it is: {problem}");
    }
    if let Some(p) = &f.preview {
        say!(
            "  {} {} ({}), latest changes:",
            f.mapping.noun(),
            p.record.reference,
            p.record.id
        );
        for e in &p.entries {
            let who = e
                .actor_name
                .clone()
                .or_else(|| e.actor_id.clone())
                .unwrap_or_else(|| "—".into());
            let when = e.timestamp.map(|t| t.utc_millis()).unwrap_or_else(|| "—".into());
            say!(
                "    v{:<5} {:<24} {:<10} {:<16} {}",
                e.version_no,
                when,
                e.event_type,
                who,
                e.summary
            );
        }
    }
    say!();
}

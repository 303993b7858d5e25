//! Command definitions and dispatch. Each command calls one core function.

/// `println!` for tables and reports: database text in them is `output::clean`ed.
macro_rules! say {
    () => {
        println!()
    };
    ($($arg:tt)*) => {
        println!("{}", $crate::cli::output::clean(&format!($($arg)*)))
    };
}

mod cancel;
mod concurrency;
mod connect;
mod follow;
mod health;
mod history;
mod integrity;
mod monitor;
mod output;
mod overview;
mod profile;
mod render;
mod simulate;
mod timeline;
mod write;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use waybill::connection::Source;
use waybill::error::Result;
use waybill::sandbox::{Sandbox, SandboxStatus};
use waybill::{install, seed, shipments};

use connect::with_connection;
pub use render::render;

// No `Debug`: the URL may hold a password.
#[derive(Parser)]
#[command(
    name = "waybill",
    version = waybill::about::LONG_VERSION,
    about = "Inspect the version history of shipments kept in PostgreSQL"
)]
pub struct Cli {
    /// PostgreSQL URL (postgres://user@host:5432/db). Without it (and without
    /// DATABASE_URL) Waybill uses its own local sandbox. Leave the password out
    /// of it (the shell's history and `ps` would show it): Waybill reads
    /// PGPASSWORD, or asks at a terminal; better, save a profile.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    /// A saved connection profile (see `waybill profile list`); `sandbox` is the built-in one.
    /// It wins over --database-url.
    #[arg(long, global = true, env = "WAYBILL_PROFILE")]
    profile: Option<String>,

    /// Where the history is and how to read it, when it is not Waybill's own layout (or not
    /// the profile's): a preset with options (`papertrail:item_type=Shipment`,
    /// `audited:auditable_type=Order`, `supa_audit:table=public.shipments`, `waybill:changes=metadata`),
    /// `custom:table=…,key=…,order=…,…`, or a .toml file of the same keys. `waybill history
    /// detect` lists the histories a database has, with the SPEC of each.
    #[arg(long = "history", global = true, env = "WAYBILL_HISTORY", value_name = "SPEC")]
    history: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage the private local PostgreSQL ("the sandbox").
    Sandbox {
        #[command(subcommand)]
        action: SandboxAction,
    },
    /// Manage saved connection profiles (passwords live in the OS keyring).
    Profile {
        #[command(subcommand)]
        action: profile::ProfileAction,
    },
    /// Install or update Waybill's schema.
    Migrate {
        /// Confirm writing to a non-sandbox database without being asked.
        #[arg(long)]
        yes: bool,
    },
    /// Load demo data: actors, shipments and their histories.
    Seed {
        /// History rows to create in all.
        #[arg(long, default_value_t = seed::DEFAULT_ROWS)]
        rows: u32,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Delete existing shipments, history and actors first.
        #[arg(long)]
        replace: bool,
        /// Confirm writing to a non-sandbox database without being asked.
        #[arg(long)]
        yes: bool,
    },
    /// List shipments, most recently updated first (or as --sort says).
    Shipments {
        /// Text in the reference, title or carrier, in the name or email of an actor who
        /// changed it, or the start of the id.
        #[arg(long, default_value = "")]
        search: String,
        /// Only this status; repeat for several.
        #[arg(long = "status", value_name = "STATUS")]
        statuses: Vec<String>,
        /// Only this carrier; repeat for several.
        #[arg(long = "carrier", value_name = "CARRIER")]
        carriers: Vec<String>,
        #[arg(long, default_value = "updated", value_parser = sort_parser())]
        sort: shipments::ShipmentSort,
        /// Against the sort's usual direction (newest and largest first for times and counts).
        #[arg(long)]
        reverse: bool,
        /// Also the shipments the concurrency test created.
        #[arg(long)]
        include_test: bool,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Every version that changed one field of a shipment: old → new, who, when.
    FieldHistory(timeline::FieldHistoryArgs),
    /// Run the bundled concurrency test against create_history_entry (exit 0 PASS, 1 FAIL).
    Concurrency(concurrency::ConcurrencyArgs),
    /// A shipment's version timeline, newest first, filtered and paged (exit 1 when nothing matches).
    Timeline(timeline::TimelineArgs),
    /// One version in full: its state and what it changed.
    Version(timeline::VersionArgs),
    /// Field-by-field differences between two versions (or one and the one before).
    Diff(timeline::DiffArgs),
    /// Who last changed each field of a shipment, when and in which version.
    Blame(timeline::BlameArgs),
    /// A shipment's state at a given time.
    AsOf(timeline::AsOfArgs),
    /// Everything one actor changed, across shipments, newest first.
    Actor(timeline::ActorArgs),
    /// Changes per day by event type, for a shipment or an actor (table, JSON or a plot).
    Activity(timeline::ActivityArgs),
    /// The whole operation over a time range: changes per day by event type, the most active
    /// people and shipments, exceptions (still open), time in each status; --html writes a report.
    Overview(overview::OverviewArgs),
    /// Stream a filtered timeline as CSV or JSON, with its filters and time zone written in.
    Export(timeline::ExportArgs),
    /// Verify the expected indexes (exit 0 all present, 1 some missing); --apply, --advise, --sql.
    Indexes(health::IndexesArgs),
    /// EXPLAIN ANALYZE the app's own queries on a shipment: indexes used and times.
    Explain(health::ExplainArgs),
    /// Audit the audit trail: duplicates, gaps, time order, snapshot drift, lost updates,
    /// rows that disagree with their history (exit 0 clean, 1 findings, 2 bad input).
    Integrity(integrity::IntegrityArgs),
    /// Production monitoring from the server's statistics: version assignment times (100 ms line),
    /// the slowest statements on the history tables, and who waits for a locked shipment.
    Monitor(monitor::MonitorArgs),
    /// Show create_history_entry's source and prove it serializes (a rolled-back probe; exit 1 if not).
    CheckFunction(health::CheckFunctionArgs),
    /// Version assignments over a threshold, from the saved concurrency runs.
    SlowAssignments(health::SlowArgs),
    /// Find the histories a database has (Waybill's own, PaperTrail, Audited, supa_audit, Bemi,
    /// django-simple-history, SQL:2011, the audit trigger) and check a mapping.
    History {
        #[command(subcommand)]
        action: history::HistoryAction,
    },
    /// Show one shipment (by id or reference) with its latest changes.
    Shipment {
        key: String,
        #[arg(long, default_value_t = 20)]
        recent: u32,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SandboxAction {
    /// Start the sandbox (created, migrated and filled with demo data on first use); it runs
    /// until `waybill sandbox stop`.
    Start,
    /// Stop the sandbox (refused while another Waybill process uses it, unless --force).
    Stop {
        /// Stop it even under the Waybill processes using it.
        #[arg(long)]
        force: bool,
    },
    /// Say whether the sandbox exists and runs.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Print the connection URL of the running sandbox (for psql).
    Url,
    /// Keep writing realistic changes to the sandbox's shipments (through
    /// create_history_entry), so that live views have something to show.
    Simulate {
        /// Changes per minute (1–6000).
        #[arg(long, default_value_t = 30)]
        rate: u32,
        /// Stop after this many changes (default: until interrupted).
        #[arg(long)]
        count: Option<u64>,
    },
}

/// The list's orders by their core names (`updated`, `reference`…).
fn sort_parser() -> impl clap::builder::TypedValueParser<Value = shipments::ShipmentSort> {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    let names: Vec<&str> = shipments::ShipmentSort::ALL.iter().map(|s| s.name()).collect();
    PossibleValuesParser::new(names).map(|name| shipments::ShipmentSort::parse(&name).unwrap_or_default())
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Profile { action } = cli.command {
        return profile::run(action).await;
    }
    if std::env::args().any(|a| a == "--database-url" || a.starts_with("--database-url=")) {
        if cli.database_url.as_deref().is_some_and(waybill::db::url_has_password) {
            eprintln!(
                "warning: the password in --database-url is visible to other users (ps, /proc) and stays in your shell's history; \
                 set PGPASSWORD, type it when asked, or save a profile (`waybill profile add … --password-stdin`)"
            );
        }
    }
    let source = Source::choose(cli.profile.as_deref(), cli.database_url.as_deref())?;
    let mapping = cli
        .history
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(waybill::domain::layout::Mapping::parse_spec)
        .transpose()?;
    connect::set_history(mapping);
    match cli.command {
        Command::History { action } => history::run(&source, action).await,
        Command::Concurrency(args) => concurrency::run(&source, args).await,
        Command::Timeline(args) => timeline::timeline(&source, args).await,
        Command::Version(args) => timeline::version(&source, args).await,
        Command::Diff(args) => timeline::diff(&source, args).await,
        Command::Blame(args) => timeline::blame(&source, args).await,
        Command::AsOf(args) => timeline::as_of(&source, args).await,
        Command::Actor(args) => timeline::actor(&source, args).await,
        Command::Activity(args) => timeline::activity(&source, args).await,
        Command::Export(args) => timeline::export(&source, args).await,
        Command::Overview(args) => overview::run(&source, args).await,
        Command::Monitor(args) => monitor::run(&source, args).await,
        Command::FieldHistory(args) => timeline::field_history(&source, args).await,
        Command::Indexes(args) => health::indexes(&source, args).await,
        Command::Integrity(args) => integrity::run(&source, args).await,
        Command::Sandbox {
            action: SandboxAction::Simulate { rate, count },
        } => simulate::run(&source, rate, count).await.map(|()| ExitCode::SUCCESS),
        Command::Explain(args) => health::explain(&source, args).await,
        Command::CheckFunction(args) => health::check_function(&source, args).await,
        Command::SlowAssignments(args) => health::slow_assignments(args),
        command => run_simple(source, command).await.map(|()| ExitCode::SUCCESS),
    }
}

async fn run_simple(source: Source, command: Command) -> Result<()> {
    match command {
        Command::Concurrency(_)
        | Command::Timeline(_)
        | Command::Version(_)
        | Command::Diff(_)
        | Command::Blame(_)
        | Command::AsOf(_)
        | Command::Actor(_)
        | Command::Activity(_)
        | Command::Export(_)
        | Command::Overview(_)
        | Command::Monitor(_)
        | Command::FieldHistory(_)
        | Command::Indexes(_)
        | Command::Integrity(_)
        | Command::Explain(_)
        | Command::CheckFunction(_)
        | Command::SlowAssignments(_)
        | Command::History { .. }
        | Command::Profile { .. } => unreachable!("handled in run"),
        Command::Sandbox { action } => sandbox(action).await,
        Command::Migrate { yes } => {
            let conn = connect::open(&source, false).await?;
            let result = async {
                connect::authorize(&conn, yes, "install or update Waybill's schema in")?;
                install::migrate(conn.db()).await
            }
            .await;
            conn.close().await?;
            result.map(|()| say!("schema is up to date"))
        }
        Command::Seed {
            rows,
            seed: seed_value,
            replace,
            yes,
        } => {
            let conn = connect::open(&source, false).await?;
            let result = async {
                connect::authorize(&conn, yes, "load demo data into")?;
                let options = seed::SeedOptions {
                    rows,
                    seed: seed_value,
                    replace,
                };
                seed::seed(conn.db(), &options, &output::progress_to_stderr).await
            }
            .await;
            conn.close().await?;
            result.map(|r| output::seed_report(&r))
        }
        Command::Shipments {
            search,
            statuses,
            carriers,
            sort,
            reverse,
            include_test,
            limit,
            json,
        } => {
            let query = shipments::ShipmentQuery {
                search,
                statuses,
                carriers,
                sort,
                reversed: reverse,
                include_test,
                limit,
            };
            with_connection(&source, async |conn| shipments::find(conn.db(), &query).await)
                .await
                .and_then(|rows| output::shipments(&rows, json))
        }
        Command::Shipment { key, recent, json } => {
            with_connection(&source, async |conn| shipments::get(conn.db(), &key, recent).await)
                .await
                .and_then(|d| output::shipment(&d, json))
        }
    }
}

async fn sandbox(action: SandboxAction) -> Result<()> {
    let sandbox = Sandbox::default_location()?;
    match action {
        SandboxAction::Start => {
            let opened = waybill::connection::open_sandbox(&sandbox, true, &output::progress_to_stderr).await?;
            opened.db.close().await;
            // Started by hand, it runs until stopped by hand.
            sandbox.keep_running()?;
            drop(opened.lease);
            let verb = if opened.started_now {
                "started"
            } else {
                "already running"
            };
            say!("sandbox {verb} on port {} (pid {})", opened.info.port, opened.info.pid);
            Ok(())
        }
        SandboxAction::Stop { force } => {
            let was_running = tokio::task::spawn_blocking(move || sandbox.stop_unless_in_use(force))
                .await
                .map_err(waybill::Error::internal)??;
            say!(
                "{}",
                if was_running {
                    "sandbox stopped"
                } else {
                    "sandbox was not running"
                }
            );
            Ok(())
        }
        SandboxAction::Status { json } => {
            let status = sandbox.status()?;
            output::sandbox_status(&status, json)
        }
        SandboxAction::Simulate { .. } => unreachable!("handled in run"),
        SandboxAction::Url => match sandbox.status()? {
            SandboxStatus::Running(info) => {
                say!("{}", Sandbox::url(&info));
                Ok(())
            }
            _ => Err(waybill::Error::SandboxNotRunning),
        },
    }
}

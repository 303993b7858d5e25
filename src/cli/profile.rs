//! `waybill profile …`: saved connections. Passwords go to the OS keyring.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use waybill::connection::Source;
use waybill::error::{Error, Result};
use waybill::profiles::manage::{self, SaveRequest};
use waybill::profiles::{self, Config, Keyring, LinkTls, Password, Profile, TlsMode};

use super::connect::with_connection;
use super::output::print_json;

#[derive(Debug, Subcommand)]
pub enum ProfileAction {
    /// Save a profile from a postgres:// URL; a password in it (or from --password-stdin) goes to the keyring.
    Add(AddArgs),
    /// List the saved profiles (and the built-in sandbox).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Connect with a profile and report the server, TLS, schema and write rights.
    Test {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a profile and its password in the keyring.
    Remove { name: String },
    /// Rename a profile; its password goes along.
    Rename { old: String, new: String },
    /// Make a profile the one the desktop app opens (`sandbox` for the sandbox).
    Use { name: String },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    name: String,
    /// postgres://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]
    #[arg(long)]
    url: String,
    /// Read the password from standard input (one line) instead of the URL.
    #[arg(long)]
    password_stdin: bool,
    /// disable, prefer, require or verify-full (default: require for remote hosts, prefer for this machine).
    #[arg(long)]
    tls: Option<String>,
    /// PEM file of the CA that signed the server's certificate (for verify-full).
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// A transaction pooler sits in front (default: yes on port 6543).
    #[arg(long)]
    pooler: Option<bool>,
    /// Schema holding the history tables (default: public).
    #[arg(long)]
    schema: Option<String>,
    /// Where the history is and how to read it, when it is not Waybill's own
    /// layout: a preset with options (`papertrail:item_type=Shipment`), `custom:…`,
    /// or a .toml file (see `waybill history detect`).
    #[arg(long = "history", value_name = "SPEC")]
    history: Option<String>,
    #[arg(long, value_name = "SECONDS")]
    connect_timeout: Option<u32>,
    /// Limit for browsing queries (0 = none).
    #[arg(long, value_name = "MS")]
    statement_timeout: Option<u32>,
    /// How long writes wait for a lock (0 = forever).
    #[arg(long, value_name = "MS")]
    lock_timeout: Option<u32>,
    /// Replace a profile of the same name.
    #[arg(long)]
    replace: bool,
}

pub async fn run(action: ProfileAction) -> Result<ExitCode> {
    let path = profiles::config_path()?;
    match action {
        ProfileAction::Add(args) => add(&path, args),
        ProfileAction::List { json } => list(&path, json),
        ProfileAction::Test { name, json } => test(&name, json).await,
        ProfileAction::Remove { name } => {
            let outcome = manage::remove(&path, &Keyring, &name, None)?;
            let note = if outcome.had_password {
                " and its password in the keyring"
            } else {
                ""
            };
            say!("removed profile `{name}`{note}");
            if let Some(problem) = outcome.keyring_problem {
                eprintln!("warning: its password may still be in the keyring: {problem}");
            }
            Ok(ExitCode::SUCCESS)
        }
        ProfileAction::Rename { old, new } => {
            let outcome = manage::rename(&path, &Keyring, &old, &new, None)?;
            say!("renamed profile `{old}` to `{new}`{}", password_note(&outcome));
            Ok(ExitCode::SUCCESS)
        }
        ProfileAction::Use { name } => {
            manage::set_active(&path, &name)?;
            say!("the app will open `{name}`");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn add(path: &std::path::Path, args: AddArgs) -> Result<ExitCode> {
    let (mut profile, from_url) = Profile::from_url(&args.name, &args.url)?;
    if let Some(tls) = &args.tls {
        profile.tls = TlsMode::parse(tls)?;
    }
    if args.ca_file.is_some() {
        profile.ca_file = args.ca_file;
    }
    if let Some(pooler) = args.pooler {
        profile.pooler = pooler;
    }
    if args.schema.is_some() {
        profile.schema = args.schema;
    }
    if let Some(spec) = &args.history {
        profile.history = Some(waybill::domain::layout::Mapping::parse_spec(spec)?);
    }
    profile.connect_timeout_s = args.connect_timeout.unwrap_or(profile.connect_timeout_s);
    profile.statement_timeout_ms = args.statement_timeout.unwrap_or(profile.statement_timeout_ms);
    profile.lock_timeout_ms = args.lock_timeout.unwrap_or(profile.lock_timeout_ms);
    let password = if args.password_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(Error::io("reading the password from standard input"))?;
        Some(Password::new(text.trim_end_matches(['\r', '\n'])))
    } else {
        from_url
    };

    let config = Config::load(path)?;
    let replacing = (args.replace && config.get(&profile.name).is_ok()).then(|| profile.name.clone());
    let request = SaveRequest {
        profile: profile.clone(),
        replacing,
        password,
    };
    let outcome = manage::save(path, &Keyring, request, None)?;
    say!(
        "saved profile `{}` ({}){}",
        profile.name,
        profile.label(),
        password_note(&outcome)
    );
    if let Some(problem) = &outcome.keyring_problem {
        eprintln!("warning: {problem}");
    }
    if !profile.identity_verified() {
        say!(
            "note: TLS mode `{}` does not check who the server is; only verify-full (with the server's CA file) does",
            profile.tls.as_str()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn password_note(outcome: &manage::SaveOutcome) -> &'static str {
    match outcome {
        o if o.password_stored => ", its password is in the OS keyring",
        o if o.keyring_problem.is_some() => ", without its password (commands will ask for it at a terminal)",
        o if o.password_needed => {
            "; it now names another server, so the stored password was not kept (give it again with --password-stdin)"
        }
        _ => ", without a password",
    }
}

fn list(path: &std::path::Path, json: bool) -> Result<ExitCode> {
    let list = manage::list(path, &Keyring)?;
    if json {
        print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mark = |on: bool| if on { "*" } else { " " };
    say!("{} sandbox  (built-in, local)", mark(list.active == profiles::SANDBOX));
    for entry in &list.profiles {
        let p = &entry.profile;
        let mut notes = vec![format!("tls {}", p.tls.as_str())];
        if !entry.identity_verified {
            notes.push("server identity NOT verified".into());
        }
        if p.pooler {
            notes.push("transaction pooler".into());
        }
        if let Some(schema) = &p.schema {
            notes.push(format!("schema {schema}"));
        }
        notes.push(format!(
            "password: {}",
            match entry.has_password {
                Some(true) => "keyring",
                Some(false) => "none",
                None => "unknown (keyring unavailable)",
            }
        ));
        say!(
            "{} {}  {}  [{}]  {}",
            mark(list.active == p.name),
            p.name,
            p.label(),
            if p.is_remote() { "remote" } else { "local" },
            notes.join(", ")
        );
    }
    if let Some(problem) = &list.keyring_problem {
        eprintln!("warning: {problem}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn test(name: &str, json: bool) -> Result<ExitCode> {
    let source = Source::named(name)?;
    with_connection(&source, async |conn| {
        let check = profiles::test_profile(conn.db()).await?;
        if json {
            print_json(&check)?;
        } else {
            say!("connected to {} as `{}`", conn.label(), check.user);
            say!("server     PostgreSQL {}", check.server_version);
            say!(
                "tls        {}",
                match check.tls {
                    LinkTls::Encrypted => "encrypted",
                    LinkTls::NotEncrypted => "NOT encrypted",
                    LinkTls::Unknown => "unknown through the pooler (TLS mode `require` makes sure)",
                }
            );
            match &check.tables.missing_table {
                Some(t) => {
                    say!("schema     missing table `{t}` (install it with `waybill --profile {name} migrate`)")
                }
                None => say!(
                    "schema     tables found{}",
                    if check.tables.has_function {
                        ", create_history_entry found"
                    } else {
                        "; create_history_entry missing"
                    }
                ),
            }
            say!(
                "writes     {}",
                if check.can_write {
                    "allowed"
                } else {
                    "not allowed for this user (browsing only)"
                }
            );
        }
        Ok(ExitCode::SUCCESS)
    })
    .await
}

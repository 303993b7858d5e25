//! `waybill profile …`: saved connections. Passwords go to the OS keyring.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;

use waybill::error::{Error, Result};
use waybill::profiles::{self, Config, Keyring, Password, Profile, SecretStore, TlsMode};

use super::connect::{with_connection, Target};
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
            let mut config = Config::load(&path)?;
            let removed = config.remove(&name)?;
            config.save(&path)?;
            let had_password = Keyring.delete(&removed.name).unwrap_or_else(|e| {
                eprintln!("warning: {e}");
                false
            });
            let note = if had_password {
                " and its password in the keyring"
            } else {
                ""
            };
            println!("removed profile `{name}`{note}");
            Ok(ExitCode::SUCCESS)
        }
        ProfileAction::Use { name } => {
            let mut config = Config::load(&path)?;
            if name != profiles::SANDBOX {
                config.get(&name)?;
            }
            config.active = Some(name.clone());
            config.save(&path)?;
            println!("the app will open `{name}`");
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

    let mut config = Config::load(path)?;
    let replacing = (args.replace && config.get(&profile.name).is_ok()).then(|| profile.name.clone());
    config.put(profile.clone(), replacing.as_deref())?;
    // The password first: a profile saved with a stale password would connect wrongly.
    let stored = match &password {
        Some(p) => match Keyring.set(&profile.name, p) {
            Ok(()) => "its password is in the OS keyring",
            Err(e) => {
                eprintln!("warning: {e}");
                "without its password (commands will ask for it at the terminal)"
            }
        },
        None => "without a password",
    };
    config.save(path)?;
    println!("saved profile `{}` ({}), {stored}", profile.name, profile.label());
    if profile.tls != TlsMode::VerifyFull && profile.is_remote() {
        println!("note: TLS mode `{}` encrypts but does not check who the server is; only verify-full (with the server's CA file) does", profile.tls.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    profile: &'a Profile,
    active: bool,
    /// "keyring", "none" or "keyring unavailable: …"
    password: String,
}

fn list(path: &std::path::Path, json: bool) -> Result<ExitCode> {
    let config = Config::load(path)?;
    let active = config.active_profile().map(|p| p.name.clone());
    let listed: Vec<Listed> = config
        .profiles
        .iter()
        .map(|p| Listed {
            profile: p,
            active: active.as_deref() == Some(p.name.as_str()),
            password: match Keyring.get(&p.name) {
                Ok(Some(_)) => "keyring".into(),
                Ok(None) => "none".into(),
                Err(e) => format!("unknown ({})", e.code()),
            },
        })
        .collect();
    if json {
        print_json(&listed)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mark = |on: bool| if on { "*" } else { " " };
    println!("{} sandbox  (built-in, local)", mark(active.is_none()));
    for l in &listed {
        let p = l.profile;
        let mut notes = vec![format!("tls {}", p.tls.as_str())];
        if p.pooler {
            notes.push("transaction pooler".into());
        }
        if let Some(schema) = &p.schema {
            notes.push(format!("schema {schema}"));
        }
        notes.push(format!("password: {}", l.password));
        println!(
            "{} {}  {}  [{}]  {}",
            mark(l.active),
            p.name,
            p.label(),
            if p.is_remote() { "remote" } else { "local" },
            notes.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn test(name: &str, json: bool) -> Result<ExitCode> {
    let target = Target::choose(Some(name), None)?;
    with_connection(&target, async |conn| {
        let check = profiles::test_profile(&conn.pool).await?;
        if json {
            print_json(&check)?;
        } else {
            println!("connected to {} as `{}`", conn.label(), check.user);
            println!("server     PostgreSQL {}", check.server_version);
            println!("tls        {}", if check.tls { "encrypted" } else { "NOT encrypted" });
            match &check.schema.missing_table {
                Some(t) => {
                    println!("schema     missing table `{t}` (install it with `waybill --profile {name} migrate`)")
                }
                None => println!(
                    "schema     tables found{}",
                    if check.schema.has_function {
                        ", create_history_entry found"
                    } else {
                        "; create_history_entry missing"
                    }
                ),
            }
            println!(
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

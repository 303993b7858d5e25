//! Which database a command talks to (the sandbox, a saved profile, or a URL),
//! and asking before writing to one that is not the sandbox.

use std::io::{BufRead, IsTerminal, Write};

use sqlx::postgres::PgConnectOptions;

use waybill::db::{self, Db, Target as Where};
use waybill::error::{Error, Result};
use waybill::profiles::{self, Config, Keyring, Password, Profile};
use waybill::sandbox::{open_sandbox, Sandbox};

pub enum Target {
    Url(PgConnectOptions),
    Profile(Box<Profile>),
    Sandbox,
}

impl Target {
    /// `--profile` names a saved profile (`sandbox` is the built-in one);
    /// otherwise `--database-url`/DATABASE_URL; otherwise the sandbox.
    pub fn choose(profile: Option<&str>, url: Option<&str>) -> Result<Target> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        match (profile.map(str::trim).filter(|p| !p.is_empty()), url) {
            (Some(profiles::SANDBOX), _) => Ok(Target::Sandbox),
            (Some(name), _) => {
                let config = Config::load(&profiles::config_path()?)?;
                Ok(Target::Profile(Box::new(config.get(name)?.clone())))
            }
            (None, Some(url)) => Ok(Target::Url(db::parse_url(url)?)),
            (None, None) => Ok(Target::Sandbox),
        }
    }
}

impl Target {
    /// The schema a profile maps the history tables to, if any.
    pub fn schema(&self) -> Option<&str> {
        match self {
            Target::Profile(p) => p.schema.as_deref(),
            _ => None,
        }
    }
}

pub struct Connection {
    pub pool: Db,
    /// Set when this command started the sandbox: it stops it again when done,
    /// so a one-off command leaves no server running.
    started_sandbox: Option<Sandbox>,
    /// Names the database in confirmations; `None` for the sandbox.
    remote: Option<Where>,
    label: String,
}

impl Connection {
    /// Connects; `seed_demo` fills a brand-new sandbox with demo data.
    pub async fn open(target: &Target, seed_demo: bool) -> Result<Connection> {
        match target {
            Target::Url(options) => {
                let remote = Where::of(options);
                Ok(Connection {
                    pool: db::connect(options.clone(), 4).await?,
                    started_sandbox: None,
                    label: format!("{} on {}:{}", remote.database, remote.host, remote.port),
                    remote: Some(remote),
                })
            }
            Target::Profile(profile) => Ok(Connection {
                pool: open_profile(profile).await?,
                started_sandbox: None,
                remote: Some(Where::of(&profile.connect_options(None)?)),
                label: profile.label(),
            }),
            Target::Sandbox => {
                let sandbox = Sandbox::default_location()?;
                let opened = open_sandbox(&sandbox, seed_demo, &super::output::progress_to_stderr).await?;
                Ok(Connection {
                    pool: opened.pool,
                    started_sandbox: opened.started_now.then_some(sandbox),
                    remote: None,
                    label: format!("{} (sandbox)", waybill::sandbox::SANDBOX_DATABASE),
                })
            }
        }
    }

    pub fn is_sandbox(&self) -> bool {
        self.remote.is_none()
    }

    /// How reports name the database: `waybill (sandbox)` or `db on host:port (profile)`.
    pub fn label(&self) -> String {
        self.label.clone()
    }

    /// Writes to the sandbox need no confirmation; anything else needs `--yes`
    /// or the database's name typed at a terminal.
    pub fn confirm_write(&self, yes: bool, what: &str) -> Result<()> {
        let Some(remote) = &self.remote else { return Ok(()) };
        if yes {
            return Ok(());
        }
        let database = remote.database.clone();
        if !std::io::stdin().is_terminal() {
            return Err(Error::ConfirmationNeeded { database });
        }
        eprint!(
            "This will {what} database `{database}` on {}:{} as `{}`.\nType the database name to confirm: ",
            remote.host, remote.port, remote.user
        );
        std::io::stderr().flush().ok();
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(Error::io("reading the confirmation"))?;
        if answer.trim() == database {
            Ok(())
        } else {
            Err(Error::Cancelled { database })
        }
    }

    /// Closes the pool and stops a sandbox this command started, then returns `result`.
    pub async fn finish<T>(self, result: Result<T>) -> Result<T> {
        self.pool.close().await;
        if let Some(sandbox) = self.started_sandbox {
            tokio::task::spawn_blocking(move || sandbox.stop())
                .await
                .expect("stop task")?;
        }
        result
    }
}

/// A profile's password comes from the keyring. When there is none (or no
/// keyring at all) and a person is at the terminal, it is asked for, for this
/// command only: it is never written anywhere.
async fn open_profile(profile: &Profile) -> Result<Db> {
    let (password, problem) = profiles::lookup_password(&Keyring, &profile.name, None);
    match profiles::open_profile(profile, password, problem, 4).await {
        Err(e @ (Error::KeyringUnavailable { .. } | Error::PasswordNeeded { .. }))
            if std::io::stdin().is_terminal() =>
        {
            eprintln!("{e}");
            let typed = rpassword::prompt_password(format!(
                "Password for `{}` on {} (this session only): ",
                profile.user, profile.host
            ))
            .map_err(Error::io("reading the password"))?;
            profiles::open_profile(profile, Some(Password::new(typed)), None, 4).await
        }
        other => other,
    }
}

/// Opens the connection, runs `work`, then closes it (stopping a sandbox this
/// command started) whatever `work` returned.
pub async fn with_connection<T>(target: &Target, work: impl AsyncFnOnce(&Connection) -> Result<T>) -> Result<T> {
    let conn = Connection::open(target, true).await?;
    let result = work(&conn).await;
    conn.finish(result).await
}

/// Like `with_connection`, for commands that only read: when the connection
/// drops under them they run once more (see `db::read_with_retry`).
pub async fn with_reader<T>(target: &Target, work: impl AsyncFn(&Connection) -> Result<T>) -> Result<T> {
    let conn = Connection::open(target, true).await?;
    let result = db::read_with_retry(|| work(&conn)).await;
    conn.finish(result).await
}

//! Which database a command talks to, and asking before writing to one that is
//! not the sandbox.

use std::io::{BufRead, IsTerminal, Write};

use sqlx::postgres::PgConnectOptions;
use sqlx::PgPool;

use waybill::db::{self, Target as Where};
use waybill::error::{Error, Result};
use waybill::sandbox::{open_sandbox, Sandbox};

pub enum Target {
    Url(PgConnectOptions),
    Sandbox,
}

impl Target {
    pub fn from_url(url: Option<&str>) -> Result<Target> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Ok(Target::Url(db::parse_url(url)?)),
            None => Ok(Target::Sandbox),
        }
    }
}

pub struct Connection {
    pub pool: PgPool,
    /// Set when this command started the sandbox: it stops it again when done,
    /// so a one-off command leaves no server running.
    started_sandbox: Option<Sandbox>,
    /// Names the database in confirmations; `None` for the sandbox.
    remote: Option<Where>,
}

impl Connection {
    /// Connects; `seed_demo` fills a brand-new sandbox with demo data.
    pub async fn open(target: &Target, seed_demo: bool) -> Result<Connection> {
        match target {
            Target::Url(options) => Ok(Connection {
                pool: db::connect(options.clone(), 4).await?,
                started_sandbox: None,
                remote: Some(Where::of(options)),
            }),
            Target::Sandbox => {
                let sandbox = Sandbox::default_location()?;
                let opened = open_sandbox(&sandbox, seed_demo, &super::output::progress_to_stderr).await?;
                Ok(Connection {
                    pool: opened.pool,
                    started_sandbox: opened.started_now.then_some(sandbox),
                    remote: None,
                })
            }
        }
    }

    pub fn is_sandbox(&self) -> bool {
        self.remote.is_none()
    }

    /// How reports name the database: `waybill (sandbox)` or `db on host:port`.
    pub fn label(&self) -> String {
        match &self.remote {
            None => format!("{} (sandbox)", waybill::sandbox::SANDBOX_DATABASE),
            Some(r) => format!("{} on {}:{}", r.database, r.host, r.port),
        }
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

/// Opens the connection, runs `work`, then closes it (stopping a sandbox this
/// command started) whatever `work` returned.
pub async fn with_connection<T>(target: &Target, work: impl AsyncFnOnce(&Connection) -> Result<T>) -> Result<T> {
    let conn = Connection::open(target, true).await?;
    let result = work(&conn).await;
    conn.finish(result).await
}

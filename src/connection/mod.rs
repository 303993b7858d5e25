//! Where a connection goes (the sandbox, a saved profile, a one-off URL), how
//! it is opened (with the keyring's password), what it is called, and the rule
//! for writing to it. The app and the CLI both open connections here; they only
//! add their prompts and dialogs.

mod confirm;
mod history;
mod info;
mod open_sandbox;

use std::sync::Arc;

use sqlx::postgres::PgConnectOptions;

pub use confirm::Confirmation;
pub use history::{HistoryChoice, HistoryInUse};
pub use info::ConnectionInfo;
pub use open_sandbox::{open_sandbox, OpenedSandbox};

use crate::db::{self, Db, Endpoint};
use crate::domain::layout::Mapping;
use crate::domain::HistoryTable;
use crate::error::{Error, Result, WriteTarget};
use crate::profiles::{self, Config, Password, Profile, SecretStore, SANDBOX};
use crate::progress::{Progress, ProgressFn};
use crate::sandbox::{Lease, Sandbox, SandboxInfo, SANDBOX_DATABASE};

/// Where a connection goes.
#[derive(Debug, Clone)]
pub enum Source {
    Sandbox(Sandbox),
    Profile(Box<Profile>),
    /// A one-off `postgres://` URL (nothing saved). No `Debug` of the options
    /// themselves: they may hold a password (see the manual impl below).
    Url(UrlSource),
}

/// A one-off URL's options; `Debug` shows only where it goes.
#[derive(Clone)]
pub struct UrlSource(Box<PgConnectOptions>);

impl std::fmt::Debug for UrlSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let e = Endpoint::of(&self.0);
        write!(f, "UrlSource({}@{}:{}/{})", e.user, e.host, e.port, e.database)
    }
}

impl Source {
    /// A saved profile by name (`sandbox` is the built-in one), else a URL,
    /// else the sandbox. The profile wins over the URL.
    pub fn choose(profile: Option<&str>, url: Option<&str>) -> Result<Source> {
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        match (profile.map(str::trim).filter(|p| !p.is_empty()), url) {
            (Some(name), _) => Source::named(name),
            (None, Some(url)) => Ok(Source::Url(UrlSource(Box::new(db::parse_url(url)?)))),
            (None, None) => Source::sandbox(),
        }
    }

    /// The sandbox in this user's data directory.
    pub fn sandbox() -> Result<Source> {
        Ok(Source::Sandbox(Sandbox::default_location()?))
    }

    /// A saved profile, or the sandbox for `sandbox`.
    pub fn named(name: &str) -> Result<Source> {
        if name == SANDBOX {
            return Source::sandbox();
        }
        let config = Config::load(&profiles::config_path()?)?;
        Ok(Source::Profile(Box::new(config.get(name)?.clone())))
    }

    /// The profile the app opens on start.
    pub fn active() -> Result<Source> {
        let config = Config::load(&profiles::config_path()?)?;
        match config.active_profile() {
            Some(p) => Ok(Source::Profile(Box::new(p.clone()))),
            None => Source::sandbox(),
        }
    }

    pub fn is_sandbox(&self) -> bool {
        matches!(self, Source::Sandbox(_))
    }

    /// `sandbox`, the profile's name, or empty for a URL.
    pub fn profile_name(&self) -> &str {
        match self {
            Source::Sandbox(_) => SANDBOX,
            Source::Profile(p) => &p.name,
            Source::Url(_) => "",
        }
    }

    /// The schema a profile maps the tables to, if any.
    pub fn schema(&self) -> Option<&str> {
        match self {
            Source::Profile(p) => p.schema.as_deref(),
            _ => None,
        }
    }

    /// How reports and confirmations name it: `waybill (sandbox)`,
    /// `orders on db.example.com:5432 (prod)` or `orders on db.example.com:5432`.
    pub fn label(&self) -> String {
        match self {
            Source::Sandbox(_) => format!("{SANDBOX_DATABASE} (sandbox)"),
            Source::Profile(p) => p.label(),
            Source::Url(UrlSource(options)) => {
                let e = Endpoint::of(options);
                format!("{} on {}:{}", e.database, e.host, e.port)
            }
        }
    }

    /// Where a write would go; `None` for the sandbox only, which needs no
    /// confirmation. Read from the profile's own fields, never from what
    /// connecting needs besides (a CA file moved away since is no reason to
    /// skip the question: that failed open once).
    pub fn write_target(&self) -> Option<WriteTarget> {
        let (profile, e) = match self {
            Source::Sandbox(_) => return None,
            Source::Profile(p) => (
                p.name.clone(),
                Endpoint {
                    host: p.host.clone(),
                    port: p.port,
                    user: p.user.clone(),
                    database: p.database.clone(),
                },
            ),
            Source::Url(UrlSource(options)) => (String::new(), Endpoint::of(options)),
        };
        Some(WriteTarget {
            profile,
            database: e.database,
            host: e.host,
            port: e.port,
            user: e.user,
        })
    }
}

/// How to open a connection.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// A password typed for this session only (never stored); it wins over the keyring's.
    pub session_password: Option<Password>,
    /// Fill a brand-new sandbox with demo data.
    pub seed_demo: bool,
    pub max_connections: u32,
    /// Read the history through this mapping instead of the profile's (the
    /// CLI's `--history`).
    pub history: Option<Mapping>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            session_password: None,
            seed_demo: true,
            max_connections: 8,
            history: None,
        }
    }
}

/// An open connection: its pool and where it goes.
pub struct Connection {
    db: Db,
    source: Source,
    sandbox: Option<SandboxInfo>,
    /// The sandbox's lease: `close` gives it back (the last user of a sandbox
    /// started on demand stops it).
    lease: Option<Lease>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Opens `source`: starts (and on first use fills) the sandbox, or connects to
/// a profile with its keyring password, or to a URL.
pub async fn open(
    source: Source,
    secrets: &Arc<dyn SecretStore>,
    options: OpenOptions,
    progress: ProgressFn<'_>,
) -> Result<Connection> {
    let history = options.history.clone();
    let mut connection = open_source(source, secrets, options, progress).await?;
    let mapping = history
        .or_else(|| match &connection.source {
            Source::Profile(p) => p.history.clone(),
            _ => None,
        })
        .unwrap_or_else(Mapping::waybill);
    // Waybill's own layout names a missing table of its own in every read
    // (see `Db::read`); any other layout says what does not fit it instead.
    let db = connection.db.clone();
    let db = if mapping == Mapping::waybill() {
        db.requiring(&crate::install::REQUIRED_TABLES)
    } else {
        db
    };
    connection.db = crate::domain::layout::with_mapping(db, mapping);
    Ok(connection)
}

async fn open_source(
    source: Source,
    secrets: &Arc<dyn SecretStore>,
    options: OpenOptions,
    progress: ProgressFn<'_>,
) -> Result<Connection> {
    match &source {
        Source::Sandbox(sandbox) => {
            let opened = open_sandbox(sandbox, options.seed_demo, progress).await?;
            Ok(Connection {
                db: opened.db,
                sandbox: Some(opened.info),
                lease: Some(opened.lease),
                source,
            })
        }
        Source::Profile(profile) => {
            progress(Progress::step(format!("Connecting to {}", profile.label())));
            let (password, problem) = lookup(secrets, profile, options.session_password).await?;
            let db = profiles::open_profile(profile, password, problem, options.max_connections).await?;
            Ok(Connection {
                db,
                sandbox: None,
                lease: None,
                source,
            })
        }
        Source::Url(UrlSource(url)) => {
            let mut url = (**url).clone();
            if let Some(p) = &options.session_password {
                url = url.password(p.expose());
            }
            let db = db::connect(url, options.max_connections).await?;
            Ok(Connection {
                db,
                sandbox: None,
                lease: None,
                source,
            })
        }
    }
}

/// Connects with a profile as a form holds it (saved or not) and reports what
/// it found: the app's and the CLI's "Test". The keyring's password is used only
/// if it was saved for the server the form names.
pub async fn test(
    profile: &Profile,
    typed: Option<Password>,
    secrets: &Arc<dyn SecretStore>,
) -> Result<profiles::ProfileCheck> {
    let (password, problem) = lookup(secrets, profile, typed).await?;
    let db = profiles::open_profile(profile, password, problem, 1).await?;
    let check = profiles::test_profile(&db).await;
    db.close().await;
    check
}

/// The password to log in with (see `profiles::lookup_password`). Keyring
/// calls block on D-Bus: off the async workers.
async fn lookup(
    secrets: &Arc<dyn SecretStore>,
    profile: &Profile,
    typed: Option<Password>,
) -> Result<(Option<Password>, Option<Error>)> {
    let (store, profile) = (secrets.clone(), profile.clone());
    tokio::task::spawn_blocking(move || profiles::lookup_password(&*store, &profile, typed))
        .await
        .map_err(Error::internal)
}

impl Connection {
    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn is_sandbox(&self) -> bool {
        self.source.is_sandbox()
    }

    pub fn label(&self) -> String {
        self.source.label()
    }

    pub fn write_target(&self) -> Option<WriteTarget> {
        self.source.write_target()
    }

    /// The write rule: the sandbox is Waybill's own and needs no confirmation;
    /// any other database needs one given for exactly this target.
    pub fn check_write(&self, confirmation: Option<&Confirmation>) -> Result<()> {
        confirm::check(self.write_target(), confirmation)
    }

    /// The history table the health screen checks: in the profile's schema.
    pub fn history_table(&self) -> HistoryTable {
        HistoryTable::in_schema(self.source.schema())
    }

    /// Closes the pool and gives the sandbox's lease back: a sandbox started on
    /// demand stops when its last user is done (so a one-off command leaves no
    /// server running, but never stops one another process still uses).
    pub async fn close(self) -> Result<()> {
        self.db.close().await;
        if let (Some(lease), Source::Sandbox(sandbox)) = (self.lease, self.source) {
            tokio::task::spawn_blocking(move || sandbox.release(lease))
                .await
                .map_err(Error::internal)??;
        }
        Ok(())
    }

    /// Hands the sandbox's lease to the caller (the app gives it back when its
    /// window closes, not when it switches connections).
    pub fn take_lease(&mut self) -> Option<(Sandbox, Lease)> {
        match (&self.source, self.lease.take()) {
            (Source::Sandbox(s), Some(lease)) => Some((s.clone(), lease)),
            _ => None,
        }
    }
}

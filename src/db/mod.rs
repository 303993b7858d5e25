//! Connecting to PostgreSQL, the rules every session follows, and the query
//! helpers all of Waybill's SQL goes through.

mod executor;
mod failure;
mod ident;
mod read;
pub(crate) mod url;
mod write;

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgArguments, PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Connection, FromRow, PgConnection, PgPool, Postgres, Transaction};

use crate::error::{Error, Result};

pub use failure::{is_connection_lost, Endpoint};
pub use ident::{quote_ident, quote_ident_if_needed};
pub use read::{ReadLimit, Reader, EXPORT_STATEMENT_TIMEOUT_MS};
pub use url::{parse_url, url_has_password};
pub use write::write_once;

/// How a session behaves: the limits a profile sets and whether a transaction
/// pooler sits between us and PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRules {
    /// PgBouncer / Supavisor in transaction mode: every statement runs inside
    /// an explicit transaction, and session-level work (migrations, advisory
    /// locks, concurrent index builds) is refused.
    pub pooler: bool,
    pub connect_timeout_s: u32,
    /// Cancels a browsing query that runs longer (0 = no limit).
    pub statement_timeout_ms: u32,
    /// How long a write waits for a lock before giving up (0 = forever).
    pub lock_timeout_ms: u32,
    /// The schema holding the tables, searched before `public` (a validated
    /// identifier: see `profiles::Profile::validate`).
    pub search_path: Option<String>,
}

impl Default for SessionRules {
    fn default() -> Self {
        SessionRules {
            pooler: false,
            connect_timeout_s: 10,
            statement_timeout_ms: 30_000,
            lock_timeout_ms: 5_000,
            search_path: None,
        }
    }
}

/// A pool and the rules of its sessions. Cheap to clone. It derefs to the pool
/// and is itself an executor, so `query.fetch_one(db)` works as on a `PgPool`.
#[derive(Clone)]
pub struct Db {
    pool: PgPool,
    rules: Arc<SessionRules>,
    /// What follows `BEGIN READ ONLY; SET LOCAL statement_timeout = N` (the
    /// schema, through a pooler): sent as one simple query, one round trip per
    /// page, and through a pooler it lands in the same transaction.
    read_suffix: Arc<str>,
    begin_write: Arc<str>,
    /// Just `BEGIN` and, through a pooler, the schema: for statements that
    /// must run in a transaction there but set their own limits (the
    /// concurrency test's calls).
    begin_plain: Arc<str>,
    /// The tables this connection's reads need, in the order to name them: a
    /// read that fails on a missing relation says which of them is absent.
    required: Arc<[String]>,
    /// What the layer above keeps with this connection: the history layout it
    /// reads through (`domain::layout`), kept without naming its type so that
    /// `db` stays below the domain.
    extension: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("rules", &self.rules).finish_non_exhaustive()
    }
}

impl std::ops::Deref for Db {
    type Target = PgPool;
    fn deref(&self) -> &PgPool {
        &self.pool
    }
}

impl From<PgPool> for Db {
    /// A direct connection with the default limits (the sandbox, tests).
    fn from(pool: PgPool) -> Db {
        Db::new(pool, SessionRules::default())
    }
}

impl Db {
    pub fn new(pool: PgPool, rules: SessionRules) -> Db {
        // Directly, the schema is set once per session at login; a pooler
        // refuses that, so there it is part of every transaction.
        let schema = match (&rules.search_path, rules.pooler) {
            // Quoted as an identifier, whatever built these rules.
            (Some(schema), true) => format!("; SET LOCAL search_path = {}, public", quote_ident_if_needed(schema)),
            _ => String::new(),
        };
        let begin_write = format!("BEGIN; SET LOCAL lock_timeout = {}{schema}", rules.lock_timeout_ms);
        Db {
            pool,
            rules: Arc::new(rules),
            read_suffix: schema.clone().into(),
            begin_write: begin_write.into(),
            begin_plain: format!("BEGIN{schema}").into(),
            required: Arc::from([]),
            extension: None,
        }
    }

    /// The same pool, carrying `extension` (see the field).
    pub fn with_extension(mut self, extension: Arc<dyn std::any::Any + Send + Sync>) -> Db {
        self.extension = Some(extension);
        self
    }

    pub fn extension(&self) -> Option<&Arc<dyn std::any::Any + Send + Sync>> {
        self.extension.as_ref()
    }

    /// The same pool, whose reads need `tables` (see `first_missing`).
    pub fn requiring(mut self, tables: &[&str]) -> Db {
        self.required = tables.iter().map(|t| t.to_string()).collect();
        self
    }

    /// The tables this connection's reads need.
    pub fn required_tables(&self) -> &[String] {
        &self.required
    }

    pub fn rules(&self) -> &SessionRules {
        &self.rules
    }

    /// The statement that opens a transaction with this session's schema (see `begin_plain`).
    pub fn begin_statement(&self) -> &str {
        &self.begin_plain
    }

    /// Refuses work that needs one session from start to end behind a pooler.
    pub fn require_session(&self, action: &str) -> Result<()> {
        if self.rules.pooler {
            return Err(Error::ThroughPooler { action: action.into() });
        }
        Ok(())
    }

    /// Names what went wrong in a query, with this session's limits.
    pub fn classify(&self, error: Error) -> Error {
        failure::classify(error, self.rules.statement_timeout_ms)
    }

    async fn begin_read_limited(&self, statement_timeout_ms: u32) -> Result<Transaction<'static, Postgres>> {
        let begin = format!(
            "BEGIN READ ONLY; SET LOCAL statement_timeout = {statement_timeout_ms}{}",
            self.read_suffix
        );
        Ok(self.pool.begin_with(begin).await?)
    }
}

/// Opens a pool after checking that one connection works, mapping failures to
/// clear errors. The probe matters: a pool retries until its acquire timeout and
/// then reports only "pool timed out", hiding "connection refused" or a bad password.
pub async fn connect(options: PgConnectOptions, max_connections: u32) -> Result<Db> {
    connect_with(options, max_connections, SessionRules::default()).await
}

pub async fn connect_with(options: PgConnectOptions, max_connections: u32, rules: SessionRules) -> Result<Db> {
    // sqlx asks for `extra_float_digits` at login, which a stock PgBouncer
    // refuses ("unsupported startup parameter"); binary results do not need it.
    let options = options.extra_float_digits(None);
    let target = Endpoint::of(&options);
    let timeout = Duration::from_secs(rules.connect_timeout_s.max(1).into());
    let probe = match tokio::time::timeout(timeout, PgConnection::connect_with(&options)).await {
        Ok(connected) => connected.map_err(|e| target.connect_error(e))?,
        Err(_) => {
            return Err(Error::ConnectTimeout {
                host: target.host,
                port: target.port,
                seconds: timeout.as_secs(),
            })
        }
    };
    probe.close().await.ok();
    tracing::info!(host = %target.host, port = target.port, database = %target.database, pooler = rules.pooler, "connected");
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(timeout.max(Duration::from_secs(10)))
        .connect_lazy_with(options);
    Ok(Db::new(pool, rules))
}

/// The database's name and the first of `tables` it lacks (in the search
/// path), in one round trip.
pub async fn first_missing(conn: &mut PgConnection, tables: &[String]) -> Result<(String, Option<String>)> {
    Ok(query_as(
        "SELECT current_database()::text,
                (SELECT t FROM unnest($1::text[]) WITH ORDINALITY u(t, n) WHERE to_regclass(t) IS NULL ORDER BY n LIMIT 1)",
    )
    .bind(tables)
    .fetch_one(&mut *conn)
    .await?)
}

/// A read-only transaction with the browsing time limit: everything that only
/// browses runs in one, so that browsing can never write, whatever the SQL.
/// `Db::read` is the way to use it, with retry and error naming; this is the
/// bare transaction, for the few reads that must not take that path (the
/// schema check it calls, background sampling).
pub async fn begin_read_only(db: &Db) -> Result<Transaction<'static, Postgres>> {
    db.begin_read_limited(db.rules.statement_timeout_ms).await
}

/// A read-write transaction with the lock limit, for the writes we own.
pub async fn begin_write(db: &Db) -> Result<Transaction<'static, Postgres>> {
    Ok(db.pool.begin_with(db.begin_write.to_string()).await?)
}

// All of Waybill's SQL goes through these instead of `sqlx::query*`: they use
// the unnamed statement, never a named one. Named statements live on one server
// connection, and a transaction pooler hands each transaction a different one
// (`prepared statement "sqlx_s_1" does not exist`); `statement_cache_capacity(0)`
// would still name them. The unnamed statement costs a second round trip
// (parse, then bind), so through a pooler every statement runs inside an
// explicit transaction, which keeps both round trips on one server connection.
// What that costs, measured on the app's own page statement, is in the README
// (`scripts/bench-statements.sh`).

pub fn query(sql: &str) -> Query<'_, Postgres, PgArguments> {
    sqlx::query(sql).persistent(false)
}

pub fn query_as<'q, O>(sql: &'q str) -> QueryAs<'q, Postgres, O, PgArguments>
where
    O: for<'r> FromRow<'r, PgRow>,
{
    sqlx::query_as(sql).persistent(false)
}

pub fn query_scalar<'q, O>(sql: &'q str) -> QueryScalar<'q, Postgres, O, PgArguments>
where
    (O,): for<'r> FromRow<'r, PgRow>,
{
    sqlx::query_scalar(sql).persistent(false)
}

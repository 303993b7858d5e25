//! Connection profiles: where a database is and how to talk to it. The sandbox
//! is the built-in profile; the others live in `profiles.json` in the OS config
//! directory (on Linux `$XDG_CONFIG_HOME/waybill`). A profile never holds a
//! password: that is in the OS keyring (see `secret`).

pub mod manage;
mod open;
mod secret;
mod store;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgSslMode};

use crate::db::SessionRules;
use crate::error::{Error, Field, Result};

pub use open::{lookup_password, open_profile, test_profile, LinkTls, ProfileCheck};
pub use secret::{load_bound, store_bound, Keyring, MemoryStore, Password, SecretStore, Stored};
pub use store::{config_path, Config};

/// The name the sandbox answers to wherever a profile name is expected.
pub const SANDBOX: &str = "sandbox";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum TlsMode {
    /// Never encrypt.
    Disable,
    /// Encrypt if the server offers it (does not check who the server is).
    Prefer,
    /// Always encrypt; does not check who the server is.
    Require,
    /// Always encrypt and check the certificate and the host name: the only
    /// mode that protects against someone in the middle.
    VerifyFull,
}

impl TlsMode {
    pub fn parse(text: &str) -> Result<TlsMode> {
        match text {
            "disable" => Ok(TlsMode::Disable),
            "prefer" | "allow" => Ok(TlsMode::Prefer),
            "require" => Ok(TlsMode::Require),
            "verify-full" | "verify-ca" => Ok(TlsMode::VerifyFull),
            other => Err(Error::invalid(
                Field::TlsMode,
                format!("unknown TLS mode `{other}`: use disable, prefer, require or verify-full"),
            )),
        }
    }

    /// The libpq name, as `parse` reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Disable => "disable",
            TlsMode::Prefer => "prefer",
            TlsMode::Require => "require",
            TlsMode::VerifyFull => "verify-full",
        }
    }

    /// Remote hosts default to `require`; this machine to `prefer`.
    pub fn default_for(host: &str) -> TlsMode {
        if is_local(host) {
            TlsMode::Prefer
        } else {
            TlsMode::Require
        }
    }

    fn ssl_mode(self) -> PgSslMode {
        match self {
            TlsMode::Disable => PgSslMode::Disable,
            TlsMode::Prefer => PgSslMode::Prefer,
            TlsMode::Require => PgSslMode::Require,
            TlsMode::VerifyFull => PgSslMode::VerifyFull,
        }
    }
}

fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "") || host.starts_with('/')
}

/// Supabase's and most poolers' transaction-mode port.
pub const POOLER_PORT: u16 = 6543;

/// A saved connection. No password field: see the module comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Profile {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    pub tls: TlsMode,
    /// A PEM file of the CA that signed the server's certificate (Supabase's
    /// `prod-ca-2021.crt`), trusted besides the public web roots.
    #[ts(type = "string | null")]
    pub ca_file: Option<PathBuf>,
    /// A pooler in transaction mode (PgBouncer, Supavisor on 6543) sits in front.
    pub pooler: bool,
    pub connect_timeout_s: u32,
    pub statement_timeout_ms: u32,
    pub lock_timeout_ms: u32,
    /// The schema holding `shipment_history`, `shipment_requests` and `actors`
    /// (default `public`).
    pub schema: Option<String>,
    /// Where the history is and how to read it, when it is not Waybill's own
    /// layout (a PaperTrail `versions` table, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<crate::domain::layout::Mapping>,
}

impl Profile {
    /// A profile with the defaults for `host:port`: TLS `require` unless local,
    /// pooler when the port is 6543.
    pub fn new(name: &str, host: &str, port: u16, database: &str, user: &str) -> Profile {
        let rules = SessionRules::default();
        Profile {
            name: name.to_string(),
            host: host.to_string(),
            port,
            database: database.to_string(),
            user: user.to_string(),
            tls: TlsMode::default_for(host),
            ca_file: None,
            pooler: port == POOLER_PORT,
            connect_timeout_s: rules.connect_timeout_s,
            statement_timeout_ms: rules.statement_timeout_ms,
            lock_timeout_ms: rules.lock_timeout_ms,
            schema: None,
            history: None,
        }
    }

    /// A profile from a pasted `postgres://` URL, and the password it held.
    /// `sslmode` and `sslrootcert` in the URL are kept.
    pub fn from_url(name: &str, url: &str) -> Result<(Profile, Option<Password>)> {
        let options = crate::db::parse_url(url)?;
        let host = options.get_host().to_string();
        let user = options.get_username().to_string();
        let database = options.get_database().unwrap_or(&user).to_string();
        let mut profile = Profile::new(name, &host, options.get_port(), &database, &user);
        if let Some(mode) = query_param(url, "sslmode") {
            profile.tls = TlsMode::parse(&mode)?;
        }
        profile.ca_file = query_param(url, "sslrootcert").map(PathBuf::from);
        let password = crate::db::url::password_of(url)
            .filter(|p| !p.is_empty())
            .map(|p| Password::new(percent_decode(p)));
        profile.validate()?;
        Ok((profile, password))
    }

    /// Refuses what cannot work, with a message per field.
    pub fn validate(&self) -> Result<()> {
        let bad = |field: Field, what: &str| Err(Error::invalid(field, what));
        if self.name.trim().is_empty() || self.name.len() > 64 || self.name.chars().any(char::is_control) {
            return bad(
                Field::ProfileName,
                "a profile name must be 1 to 64 printable characters",
            );
        }
        if self.name == SANDBOX {
            return bad(
                Field::ProfileName,
                "`sandbox` is the built-in profile; choose another name",
            );
        }
        if self.host.trim().is_empty() {
            return bad(
                Field::Host,
                "the host is empty: give a host name or address, e.g. db.example.com",
            );
        }
        if self.port == 0 {
            return bad(
                Field::Port,
                "the port must be between 1 and 65535 (PostgreSQL's usual port is 5432)",
            );
        }
        if self.database.trim().is_empty() {
            return bad(Field::Database, "the database must not be empty");
        }
        if self.user.trim().is_empty() {
            return bad(Field::User, "the user must not be empty");
        }
        Error::check_range(Field::ConnectTimeout, self.connect_timeout_s.into(), 1, 300)?;
        // 0 means no limit; at most an hour.
        Error::check_range(Field::StatementTimeout, self.statement_timeout_ms.into(), 0, 3_600_000)?;
        Error::check_range(Field::LockTimeout, self.lock_timeout_ms.into(), 0, 3_600_000)?;
        if let Some(schema) = &self.schema {
            let mut chars = schema.chars();
            let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
                && schema.len() <= 63;
            if !ok {
                return bad(
                    Field::Schema,
                    "the schema must be a plain identifier (letters, digits, _), e.g. audit",
                );
            }
        }
        Ok(())
    }

    pub fn is_remote(&self) -> bool {
        !is_local(&self.host)
    }

    /// Where a password saved with this profile may be sent.
    pub fn password_target(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.database)
    }

    /// Is the server's identity checked (verify-full), or is it this machine?
    pub fn identity_verified(&self) -> bool {
        self.tls == TlsMode::VerifyFull || !self.is_remote()
    }

    pub fn rules(&self) -> SessionRules {
        SessionRules {
            pooler: self.pooler,
            connect_timeout_s: self.connect_timeout_s,
            statement_timeout_ms: self.statement_timeout_ms,
            lock_timeout_ms: self.lock_timeout_ms,
            search_path: self.schema.clone(),
        }
    }

    /// The driver's options. The CA file is checked here, so that a wrong path
    /// says so instead of failing inside the TLS handshake.
    pub fn connect_options(&self, password: Option<&Password>) -> Result<PgConnectOptions> {
        self.validate()?;
        // `prefer` falls back to plain text when the server offers no TLS; a
        // password for another machine is never sent that way (only `disable`,
        // chosen for a trusted network, allows it).
        let tls = match self.tls {
            TlsMode::Prefer if password.is_some() && self.is_remote() => TlsMode::Require,
            mode => mode,
        };
        let mut options = PgConnectOptions::new_without_pgpass()
            .host(&self.host)
            .port(self.port)
            .username(&self.user)
            .database(&self.database)
            .ssl_mode(tls.ssl_mode())
            .application_name("waybill");
        if let Some(password) = password {
            options = options.password(password.expose());
        }
        if let Some(path) = &self.ca_file {
            let text = std::fs::read_to_string(path).map_err(|e| Error::CaFile {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            if !text.contains("-----BEGIN CERTIFICATE-----") {
                return Err(Error::CaFile {
                    path: path.clone(),
                    reason: "it holds no PEM certificate".into(),
                });
            }
            options = options.ssl_root_cert(path);
        }
        // Directly, the schema is a session setting sent with the login (no
        // round trip). Poolers refuse startup options: there it is set in every
        // transaction instead (see `db::Db::new`).
        if let (Some(schema), false) = (&self.schema, self.pooler) {
            options = options.options([(
                "search_path",
                format!("{},public", crate::db::quote_ident_if_needed(schema)),
            )]);
        }
        Ok(options)
    }

    /// How messages and confirmations name it: `db on host:port (profile)`.
    pub fn label(&self) -> String {
        format!("{} on {}:{} ({})", self.database, self.host, self.port, self.name)
    }
}

/// A pasted URL as the connection form shows it: the profile, and the password
/// the URL held for the form's password field (stored only when the profile
/// is saved, in the keyring). `Debug` masks the password.
#[derive(Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProfileFromUrl {
    pub profile: Profile,
    pub password: Option<String>,
}

impl std::fmt::Debug for ProfileFromUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileFromUrl")
            .field("profile", &self.profile)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Profile {
    /// `from_url` for the form: an empty name becomes `new`.
    pub fn from_url_for_form(name: &str, url: &str) -> Result<ProfileFromUrl> {
        let name = if name.trim().is_empty() { "new" } else { name };
        let (profile, password) = Profile::from_url(name, url)?;
        Ok(ProfileFromUrl {
            profile,
            password: password.map(|p| p.expose().to_string()),
        })
    }
}

fn query_param(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| percent_decode(v))
}

/// `%40` → `@` and so on, as URLs carry special characters of passwords.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Bytes, not `&str` slices: `%` may be followed by a multi-byte character.
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_becomes_a_profile_and_a_password() {
        let (p, password) = Profile::from_url(
            "prod",
            "postgres://postgres.abc:p%40ss@aws-0.pooler.supabase.com:6543/postgres",
        )
        .unwrap();
        assert_eq!(password.unwrap().expose(), "p@ss");
        assert_eq!(
            (p.host.as_str(), p.port, p.user.as_str()),
            ("aws-0.pooler.supabase.com", 6543, "postgres.abc")
        );
        assert!(p.pooler, "port 6543 is a transaction pooler");
        assert_eq!(p.tls, TlsMode::Require, "remote hosts default to require");
        assert!(!format!("{p:?}").contains("p@ss") && !format!("{p:?}").contains("p%40ss"));
        assert!(!serde_json::to_string(&p).unwrap().contains("ss@"));
    }

    #[test]
    fn local_hosts_prefer_and_url_modes_win() {
        let (p, password) = Profile::from_url("l", "postgres://me@localhost/db").unwrap();
        assert_eq!((p.tls, p.pooler, password), (TlsMode::Prefer, false, None));
        let (p, _) = Profile::from_url(
            "r",
            "postgres://me@db.example.com/db?sslmode=verify-full&sslrootcert=/tmp/ca.pem",
        )
        .unwrap();
        assert_eq!(p.tls, TlsMode::VerifyFull);
        assert_eq!(p.ca_file, Some(PathBuf::from("/tmp/ca.pem")));
    }

    /// The form (`profile_defaults`, which is `Profile::new`) and `profile add
    /// --url` give a server the same TLS mode and pooler setting.
    #[test]
    fn the_form_and_a_pasted_url_give_a_server_the_same_defaults() {
        for (host, port) in [
            ("localhost", 5432),
            ("127.0.0.1", 5433),
            ("db.example.com", 5432),
            ("pooler.example.com", 6543),
        ] {
            let form = Profile::new("x", host, port, "postgres", "postgres");
            let (url, _) = Profile::from_url("x", &format!("postgres://u@{host}:{port}/d")).unwrap();
            assert_eq!((form.tls, form.pooler), (url.tls, url.pooler), "{host}:{port}");
        }
        assert_eq!(Profile::new("x", "localhost", 5432, "d", "u").tls, TlsMode::Prefer);
        assert_eq!(
            Profile::new("x", "db.example.com", 5432, "d", "u").tls,
            TlsMode::Require
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let mut p = Profile::new("x", "h", 5432, "d", "u");
        p.schema = Some("audit; DROP TABLE x".into());
        assert!(p.validate().unwrap_err().to_string().contains("schema"));
        let mut p = Profile::new("x", "h", 5432, "d", "u");
        p.connect_timeout_s = 0;
        assert!(p.validate().unwrap_err().to_string().contains("connect timeout"));
        assert!(Profile::new("sandbox", "h", 5432, "d", "u").validate().is_err());
        assert!(TlsMode::parse("maybe").is_err());
    }

    #[test]
    fn what_carries_a_password_to_the_form_never_shows_it() {
        let form = Profile::from_url_for_form("", "postgres://u:hunter2@db.example.com/d").unwrap();
        assert_eq!(form.profile.name, "new");
        assert_eq!(form.password.as_deref(), Some("hunter2"));
        assert!(!format!("{form:?}").contains("hunter2"));
    }

    #[test]
    fn percent_signs_before_any_character_never_panic() {
        for text in ["%é", "%", "a%", "%4", "%zz", "%€€", "%4\u{1F600}"] {
            let _ = percent_decode(text);
        }
        assert_eq!(percent_decode("p%40ss%é"), "p@ss%é");
    }

    #[test]
    fn a_missing_ca_file_is_named() {
        let mut p = Profile::new("x", "db.example.com", 5432, "d", "u");
        p.ca_file = Some("/nonexistent/ca.pem".into());
        let e = p.connect_options(None).unwrap_err();
        assert_eq!(e.code(), "ca_file");
    }
}

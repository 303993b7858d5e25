//! Opening a profile: find its password, connect with its rules, and say
//! plainly what a failure means.

use serde::Serialize;

use super::{Password, Profile, SecretStore, Stored};
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::install::{self, TablesStatus};

/// The password to log in with: the one typed for this session, else the
/// keyring's, if it was saved for this profile's server (see `secret::Stored`).
/// A keyring that cannot answer is not fatal yet (a server may need no
/// password); its error is handed back for when the login is refused.
pub fn lookup_password(
    store: &dyn SecretStore,
    profile: &Profile,
    typed: Option<Password>,
) -> (Option<Password>, Option<Error>) {
    if typed.is_some() {
        return (typed, None);
    }
    match super::load_bound(store, &profile.name, &profile.password_target()) {
        Ok(Stored::Usable(p)) => (Some(p), None),
        Ok(Stored::None) => (None, None),
        Ok(Stored::ForElsewhere) => (
            None,
            Some(Error::PasswordNeeded {
                profile: profile.name.clone(),
                reason: Some(format!(
                    "for {} (the one stored was saved for another server, user or database, and is never sent elsewhere)",
                    profile.password_target()
                )),
            }),
        ),
        Err(e) => (None, Some(e)),
    }
}

/// Connects with the profile's TLS mode, timeouts and pooler setting.
pub async fn open_profile(
    profile: &Profile,
    password: Option<Password>,
    keyring_problem: Option<Error>,
    max_connections: u32,
) -> Result<Db> {
    let options = profile.connect_options(password.as_ref())?;
    let result = db::connect_with(options, max_connections, profile.rules()).await;
    match result {
        // Refused without a password: say why there was none.
        Err(Error::AuthFailed { .. }) if password.is_none() => Err(keyring_problem.unwrap_or(Error::PasswordNeeded {
            profile: profile.name.clone(),
            reason: None,
        })),
        // Its reads name a missing table of Waybill's (see `Db::read`).
        other => other.map(|db| db.requiring(&install::REQUIRED_TABLES)),
    }
}

/// What "Test" shows: the server, whether the link is encrypted, which of
/// Waybill's tables were found, and whether this user may write.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProfileCheck {
    pub server_version: String,
    /// Whether Waybill's own link to the server (or pooler) is encrypted.
    pub tls: LinkTls,
    pub user: String,
    pub tables: TablesStatus,
    /// May this user add history rows (the concurrency test, installing the tables)?
    pub can_write: bool,
}

/// Is the link encrypted? Asked of the server, `pg_stat_ssl` describes the
/// connection the server sees: behind a pooler that is the pooler's own, not
/// ours. So the TLS mode decides where it can: `require` and stricter cannot
/// connect without TLS, `disable` never uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LinkTls {
    Encrypted,
    NotEncrypted,
    /// TLS mode `prefer` through a pooler: the server cannot tell; only the mode
    /// `require` (or stricter) makes sure.
    Unknown,
}

impl LinkTls {
    pub fn of(mode: sqlx::postgres::PgSslMode, pooler: bool, server_sees_ssl: bool) -> LinkTls {
        use sqlx::postgres::PgSslMode::*;
        match mode {
            Require | VerifyCa | VerifyFull => LinkTls::Encrypted,
            Disable => LinkTls::NotEncrypted,
            Allow | Prefer if pooler => LinkTls::Unknown,
            Allow | Prefer if server_sees_ssl => LinkTls::Encrypted,
            Allow | Prefer => LinkTls::NotEncrypted,
        }
    }
}

pub async fn test_profile(db: &Db) -> Result<ProfileCheck> {
    let tables = install::status(db).await?;
    let (server_version, server_sees_ssl, user, can_write): (String, bool, String, bool) = db
        .read(|r| async move {
            Ok(db::query_as(
                "SELECT current_setting('server_version'),
                        COALESCE((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false),
                        current_user::text,
                        CASE WHEN to_regclass('shipment_history') IS NULL
                             THEN has_database_privilege(current_database(), 'CREATE')
                             ELSE has_table_privilege(to_regclass('shipment_history'), 'INSERT') END",
            )
            .fetch_one(&mut *r.conn().await)
            .await?)
        })
        .await?;
    Ok(ProfileCheck {
        server_version,
        tls: LinkTls::of(db.connect_options().get_ssl_mode(), db.rules().pooler, server_sees_ssl),
        user,
        tables,
        can_write,
    })
}

#[cfg(test)]
mod link_tests {
    use super::LinkTls;
    use sqlx::postgres::PgSslMode;

    #[test]
    fn the_mode_decides_where_it_can_and_a_pooler_hides_the_rest() {
        assert_eq!(LinkTls::of(PgSslMode::VerifyFull, true, false), LinkTls::Encrypted);
        assert_eq!(LinkTls::of(PgSslMode::Require, false, false), LinkTls::Encrypted);
        assert_eq!(LinkTls::of(PgSslMode::Disable, false, true), LinkTls::NotEncrypted);
        assert_eq!(LinkTls::of(PgSslMode::Prefer, true, true), LinkTls::Unknown);
        assert_eq!(LinkTls::of(PgSslMode::Prefer, false, true), LinkTls::Encrypted);
        assert_eq!(LinkTls::of(PgSslMode::Prefer, false, false), LinkTls::NotEncrypted);
    }
}

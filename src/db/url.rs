//! Reading `postgres://` URLs without ever repeating the password they may hold.

use sqlx::postgres::PgConnectOptions;

use crate::error::{Error, Result};

/// Parses a `postgres://` URL. The error never repeats the URL: it may hold a password.
pub fn parse_url(url: &str) -> Result<PgConnectOptions> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(Error::BadUrl {
            reason: "it must start with postgres:// or postgresql://".into(),
        });
    }
    url.parse::<PgConnectOptions>().map_err(|e| Error::BadUrl {
        reason: redact_reason(&e.to_string(), url),
    })
}

/// sqlx's parse errors describe the problem; make sure neither the URL nor the
/// password in it (raw or percent-encoded) slips through into a message.
fn redact_reason(reason: &str, url: &str) -> String {
    let mut text = reason.replace(url, "<url>");
    if let Some(password) = password_of(url).filter(|p| !p.is_empty()) {
        text = text.replace(password, "<password>");
    }
    text
}

/// Does the URL carry a password?
pub fn url_has_password(url: &str) -> bool {
    password_of(url).is_some_and(|p| !p.is_empty())
}

/// The password part of `scheme://user:password@host…`, as written.
pub(crate) fn password_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let userinfo = authority.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, password)| password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_password_in_a_url() {
        assert_eq!(password_of("postgres://u:p%40ss@h:5432/db"), Some("p%40ss"));
        assert_eq!(password_of("postgres://u@h/db"), None);
        assert_eq!(password_of("postgres://h/db?user=x"), None);
    }

    #[test]
    fn bad_urls_never_echo_the_password() {
        for url in [
            "postgres://alice:hunter2@host:notaport/db",
            "postgres://alice:hunter2@[::1/db",
        ] {
            let message = parse_url(url).unwrap_err().to_string();
            assert!(!message.contains("hunter2"), "{message}");
            assert!(message.contains("not valid"), "{message}");
        }
    }
}

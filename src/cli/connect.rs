//! Opening the connection a command talks to, and the CLI's prompts: the
//! session-only password and the confirmation before a write. The rules live
//! in `waybill::connection`.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::{Arc, OnceLock};

use waybill::connection::{self, Confirmation, Connection, OpenOptions, Source};
use waybill::domain::layout::Mapping;
use waybill::error::{Error, Result};
use waybill::profiles::{Keyring, Password, SecretStore};

/// The history mapping `--history` (or `WAYBILL_HISTORY`) named for this
/// command, read before any connection opens.
static HISTORY: OnceLock<Option<Mapping>> = OnceLock::new();

/// Sets what `--history` named (once, at the start of a command).
pub fn set_history(mapping: Option<Mapping>) {
    let _ = HISTORY.set(mapping);
}

/// Opens `source`; `seed_demo` fills a brand-new sandbox with demo data. A
/// profile whose password is missing (or whose keyring is not there) asks for
/// it at a terminal, for this command only: it is never written anywhere.
pub async fn open(source: &Source, seed_demo: bool) -> Result<Connection> {
    let mut options = OpenOptions {
        seed_demo,
        max_connections: 4,
        session_password: None,
        history: HISTORY.get().cloned().flatten(),
    };
    // The password from the environment, as libpq's tools read it, rather than
    // on the command line where `ps` and the shell's history would show it.
    if let (Source::Url(_), Ok(pw)) = (source, std::env::var("PGPASSWORD")) {
        options.session_password = Some(Password::new(pw));
    }
    let progress = &super::output::progress_to_stderr;
    let keyring: Arc<dyn SecretStore> = Arc::new(Keyring);
    match connection::open(source.clone(), &keyring, options.clone(), progress).await {
        Err(e @ (Error::KeyringUnavailable { .. } | Error::PasswordNeeded { .. } | Error::AuthFailed { .. }))
            if std::io::stdin().is_terminal() && options.session_password.is_none() && !source.is_sandbox() =>
        {
            eprintln!("{}", super::render(&e));
            let who = source
                .write_target()
                .map(|t| format!("`{}` on {}", t.user, t.host))
                .unwrap_or_default();
            let typed = rpassword::prompt_password(format!("Password for {who} (this command only): "))
                .map_err(Error::io("reading the password"))?;
            options.session_password = Some(Password::new(typed));
            connection::open(source.clone(), &keyring, options, progress).await
        }
        other => other,
    }
}

/// Opens the connection, runs `work`, then closes it (stopping a sandbox this
/// command started) whatever `work` returned.
pub async fn with_connection<T>(source: &Source, work: impl AsyncFnOnce(&Connection) -> Result<T>) -> Result<T> {
    let conn = open(source, true).await?;
    let result = work(&conn).await;
    let closed = conn.close().await;
    let value = result?;
    closed?;
    Ok(value)
}

/// The CLI's confirmation before writing to `conn`: none for the sandbox;
/// `--yes`, or the database's name typed at a terminal; without a terminal and
/// without `--yes`, none (the write is then refused, naming the database).
pub fn confirm_write(conn: &Connection, yes: bool, what: &str) -> Result<Option<Confirmation>> {
    let Some(target) = conn.write_target() else {
        return Ok(None);
    };
    if yes {
        return Ok(Some(Confirmation::given_for(target)));
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    eprint!(
        "This will {what} database `{}` on {}:{} as `{}`.\nType the database name to confirm: ",
        target.database, target.host, target.port, target.user
    );
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(Error::io("reading the confirmation"))?;
    if answer.trim() == target.database {
        Ok(Some(Confirmation::given_for(target)))
    } else {
        Err(Error::Cancelled {
            database: target.database,
        })
    }
}

/// Asks (see `confirm_write`) and applies the write rule; returns the
/// confirmation for writes that re-check it along the way.
pub fn authorize(conn: &Connection, yes: bool, what: &str) -> Result<Option<Confirmation>> {
    let confirmation = confirm_write(conn, yes, what)?;
    conn.check_write(confirmation.as_ref())?;
    Ok(confirmation)
}

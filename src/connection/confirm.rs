//! Writes to a database other than the sandbox need the user's explicit
//! confirmation, given for that exact database: a confirmation for one target
//! never authorises another (a profile switched mid-way, another host).

use crate::error::{Error, Result, WriteTarget};

/// The user's "yes, write to this database", as a front end collected it (a
/// typed name or `--yes` in the CLI, a dialog in the app).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    target: WriteTarget,
}

impl Confirmation {
    /// Records that the user confirmed writing to `target`.
    pub fn given_for(target: WriteTarget) -> Confirmation {
        Confirmation { target }
    }

    pub fn target(&self) -> &WriteTarget {
        &self.target
    }
}

pub(super) fn check(target: Option<WriteTarget>, confirmation: Option<&Confirmation>) -> Result<()> {
    match target {
        None => Ok(()),
        Some(t) if confirmation.is_some_and(|c| c.target == t) => Ok(()),
        Some(target) => Err(Error::ConfirmationNeeded { target }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(host: &str) -> WriteTarget {
        WriteTarget {
            profile: "prod".into(),
            database: "orders".into(),
            host: host.into(),
            port: 5432,
            user: "support".into(),
        }
    }

    #[test]
    fn a_confirmation_authorises_exactly_its_target() {
        assert!(check(None, None).is_ok(), "the sandbox needs none");
        assert_eq!(
            check(Some(target("a")), None).unwrap_err().code(),
            "confirmation_needed"
        );
        let yes = Confirmation::given_for(target("a"));
        assert!(check(Some(target("a")), Some(&yes)).is_ok());
        let e = check(Some(target("b")), Some(&yes)).unwrap_err();
        assert_eq!(e.code(), "confirmation_needed", "same database name, another host");
    }
}

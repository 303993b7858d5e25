//! Database health: verify the expected indexes by definition, show their
//! usage, apply the missing ones without locking the table, explain the app's
//! own queries, advise on redundant indexes with real plans, and prove that
//! the version-assigning function serializes.

pub mod advise;
pub mod apply;
pub mod expected;
pub mod explain;
pub mod function;
pub mod summary;
pub mod verify;

use crate::domain::HistoryTable;
use crate::error::Error;

pub use crate::db::{quote_ident, quote_ident_if_needed};

/// A permission error (42501) becomes a message naming who may do it;
/// `hand_over_sql` when the statements can be handed to someone who may.
pub(crate) fn permission_error(error: sqlx::Error, action: &str, table: &HistoryTable, hand_over_sql: bool) -> Error {
    match &error {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("42501") => Error::PermissionDenied {
            action: format!("{action} on {table}"),
            detail: db.message().to_string(),
            hand_over_sql,
        },
        _ => Error::Database(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_when_they_must_be() {
        assert_eq!(quote_ident_if_needed("timestamp"), "\"timestamp\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}

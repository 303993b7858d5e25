//! Index health: verify the expected indexes by definition, show their usage,
//! apply the missing ones without locking the table, explain the app's own
//! queries, advise on redundant indexes with real plans, and prove that
//! version assignment serializes.

pub mod advise;
pub mod apply;
pub mod expected;
pub mod explain;
pub mod probe;
pub mod slow;
pub mod verdict;
pub mod verify;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Field, Result};

/// The history table the indexes belong to: `public.shipment_history` unless
/// the database keeps it under another schema or name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryTable {
    pub schema: String,
    pub name: String,
}

impl Default for HistoryTable {
    fn default() -> Self {
        HistoryTable {
            schema: "public".into(),
            name: "shipment_history".into(),
        }
    }
}

impl HistoryTable {
    /// `name` or `schema.name`, as typed by a user.
    /// `shipment_history` in a profile's schema (`public` when it names none).
    pub fn in_schema(schema: Option<&str>) -> HistoryTable {
        let mut table = HistoryTable::default();
        if let Some(schema) = schema {
            table.schema = schema.to_string();
        }
        table
    }

    pub fn parse(text: &str) -> Result<HistoryTable> {
        let text = text.trim();
        let (schema, name) = match text.split_once('.') {
            Some((schema, name)) => (schema, name),
            None => ("public", text),
        };
        let valid = |s: &str| !s.is_empty() && !s.contains(['.', '"', '\0']);
        if !valid(schema) || !valid(name) {
            return Err(Error::invalid(
                Field::Table,
                format!("`{text}` is not a table name: write shipment_history or schema.table"),
            ));
        }
        Ok(HistoryTable {
            schema: schema.into(),
            name: name.into(),
        })
    }

    /// `public.shipment_history`, each part quoted if it has to be.
    pub fn qualified(&self) -> String {
        format!(
            "{}.{}",
            quote_ident_if_needed(&self.schema),
            quote_ident_if_needed(&self.name)
        )
    }
}

impl std::fmt::Display for HistoryTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

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
    fn table_names_parse_and_quote() {
        assert_eq!(
            HistoryTable::parse("shipment_history").unwrap(),
            HistoryTable::default()
        );
        let t = HistoryTable::parse("Audit.Shipment History").unwrap();
        assert_eq!(t.qualified(), "\"Audit\".\"Shipment History\"");
        assert!(HistoryTable::parse("a.b.c").is_err());
        assert!(HistoryTable::parse("x\"y").is_err());
        assert_eq!(quote_ident_if_needed("timestamp"), "\"timestamp\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}

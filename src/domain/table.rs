//! Where a history lives: the table of versions, schema-qualified.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::quote_ident_if_needed;
use crate::error::{Error, Field, Result};

/// The history table: `public.shipment_history` unless the database keeps it
/// under another schema or name.
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
    /// `shipment_history` in a profile's schema (`public` when it names none).
    pub fn in_schema(schema: Option<&str>) -> HistoryTable {
        let mut table = HistoryTable::default();
        if let Some(schema) = schema {
            table.schema = schema.to_string();
        }
        table
    }

    /// `name` or `schema.name`, as typed by a user.
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
    }
}

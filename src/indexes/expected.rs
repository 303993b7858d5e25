//! The indexes Waybill expects on the history table: the unique constraint and
//! the original guide's five performance indexes, by definition (columns,
//! order, uniqueness), since users rename things.

use serde::Serialize;
use ts_rs::TS;

use super::HistoryTable;

/// One key column of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub column: &'static str,
    pub desc: bool,
}

const fn asc(column: &'static str) -> Key {
    Key { column, desc: false }
}
const fn desc(column: &'static str) -> Key {
    Key { column, desc: true }
}

#[derive(Debug, Clone, Copy)]
pub struct ExpectedIndex {
    /// The name Waybill gives it when it creates it.
    pub name: &'static str,
    pub keys: &'static [Key],
    /// Columns stored in the index beside its keys (`INCLUDE`), so that
    /// queries reading only these are answered from the index alone.
    pub include: &'static [&'static str],
    pub unique: bool,
    /// What it is for, in a few words.
    pub purpose: &'static str,
}

/// The unique constraint, then the guide's five (in its order).
pub const EXPECTED: [ExpectedIndex; 6] = [
    ExpectedIndex {
        name: "shipment_history_unique_version",
        keys: &[asc("shipment_id"), asc("version_no")],
        include: &[],
        unique: true,
        purpose: "one row per version: the safety net under create_history_entry",
    },
    ExpectedIndex {
        name: "idx_shipment_history_version_desc",
        keys: &[asc("shipment_id"), desc("version_no")],
        include: &[],
        unique: false,
        purpose: "latest versions first (the timeline)",
    },
    ExpectedIndex {
        name: "idx_shipment_history_timestamp_desc",
        keys: &[asc("shipment_id"), desc("timestamp")],
        include: &[],
        unique: false,
        purpose: "a shipment's changes by time",
    },
    ExpectedIndex {
        name: "idx_shipment_history_actor",
        keys: &[asc("actor_id"), desc("timestamp")],
        include: &[],
        unique: false,
        purpose: "everything one actor changed (the actor view)",
    },
    ExpectedIndex {
        name: "idx_shipment_history_event_type",
        keys: &[asc("shipment_id"), asc("event_type"), desc("timestamp")],
        include: &[],
        unique: false,
        purpose: "a shipment's changes of one event type",
    },
    ExpectedIndex {
        name: "idx_shipment_history_composite",
        keys: &[asc("shipment_id"), desc("timestamp"), desc("version_no")],
        include: &[],
        unique: false,
        purpose: "time ranges and as-of (time, then version)",
    },
];

/// Indexes Waybill offers but does not expect: the guide has none that serves
/// them. Created only when the user asks (Database health, `waybill indexes
/// --apply --optional`).
pub const OPTIONAL: [ExpectedIndex; 1] = [ExpectedIndex {
    name: "idx_shipment_history_timestamp",
    keys: &[asc("timestamp")],
    include: &["shipment_id", "actor_id", "event_type"],
    unique: false,
    purpose: "the overview: every shipment's changes in a time range, read from the index alone",
}];

/// `(shipment_id, "timestamp" DESC)`: key columns as SQL, quoted where needed.
pub fn columns_sql(keys: &[Key]) -> String {
    let parts: Vec<String> = keys
        .iter()
        .map(|k| {
            let column = super::quote_ident_if_needed(k.column);
            if k.desc {
                format!("{column} DESC")
            } else {
                column
            }
        })
        .collect();
    format!("({})", parts.join(", "))
}

impl ExpectedIndex {
    pub fn definition(&self) -> String {
        format!(
            "{}{}{}",
            if self.unique { "UNIQUE " } else { "" },
            columns_sql(self.keys),
            self.include_sql()
        )
    }

    /// ` INCLUDE (shipment_id, …)`, or nothing.
    fn include_sql(&self) -> String {
        if self.include.is_empty() {
            return String::new();
        }
        let columns: Vec<String> = self.include.iter().map(|c| super::quote_ident_if_needed(c)).collect();
        format!(" INCLUDE ({})", columns.join(", "))
    }

    /// The statement that builds it without locking writers out.
    pub fn create_sql(&self, table: &HistoryTable, name: &str) -> String {
        format!(
            "CREATE {}INDEX CONCURRENTLY IF NOT EXISTS {} ON {} {}{}",
            if self.unique { "UNIQUE " } else { "" },
            super::quote_ident_if_needed(name),
            table.qualified(),
            columns_sql(self.keys),
            self.include_sql()
        )
    }
}

/// An expected index as the UI and JSON show it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExpectedInfo {
    pub name: String,
    pub definition: String,
    pub unique: bool,
    pub purpose: String,
}

impl From<&ExpectedIndex> for ExpectedInfo {
    fn from(e: &ExpectedIndex) -> Self {
        ExpectedInfo {
            name: e.name.into(),
            definition: e.definition(),
            unique: e.unique,
            purpose: e.purpose.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_read_like_sql() {
        assert_eq!(EXPECTED[0].definition(), "UNIQUE (shipment_id, version_no)");
        assert_eq!(
            EXPECTED[5].definition(),
            "(shipment_id, \"timestamp\" DESC, version_no DESC)"
        );
        let table = HistoryTable::default();
        assert_eq!(
            EXPECTED[3].create_sql(&table, "idx_shipment_history_actor"),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_shipment_history_actor ON public.shipment_history (actor_id, \"timestamp\" DESC)"
        );
    }
}

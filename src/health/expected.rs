//! The indexes Waybill expects on the history table: the unique constraint and
//! the original guide's five performance indexes, by definition (columns,
//! order, uniqueness), since users rename things.

use serde::Serialize;
use ts_rs::TS;

use crate::domain::layout::{Layout, OrderKind};
use crate::domain::HistoryTable;

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
    /// A partial index's condition, as PostgreSQL prints it back
    /// (`pg_get_expr`), which is how an existing one is recognised.
    pub predicate: Option<&'static str>,
    pub unique: bool,
    /// What it is for, in a few words.
    pub purpose: &'static str,
    /// For an optional one: what it gains, as measured (README,
    /// `scripts/bench-overview.sh`), and about how many bytes it takes per
    /// history row (for "here it would take about …").
    pub benefit: Option<&'static str>,
    pub bytes_per_row: u32,
}

/// The guide's index the timeline pages on: (record, version) newest first.
const TIMELINE_INDEX: &str = "idx_shipment_history_version_desc";

/// What the timeline's index gains on another layout, as measured
/// (`scripts/bench-any-table.sh`, README: PaperTrail's layout, 2,000,000 rows,
/// a record of 100,000 versions, against PaperTrail's own `(item_type, item_id)`).
const TIMELINE_INDEX_BENEFIT: &str = "on PaperTrail's layout with 2,000,000 rows, a record's first page on a new connection in 45 ms instead of 341 ms, a page at v1,001 in 45 ms instead of 83 ms";

/// The unique constraint, then the guide's five (in its order).
pub const EXPECTED: [ExpectedIndex; 6] = [
    ExpectedIndex {
        name: "shipment_history_unique_version",
        keys: &[asc("shipment_id"), asc("version_no")],
        include: &[],
        predicate: None,
        unique: true,
        purpose: "one row per version: the safety net under create_history_entry",
        benefit: None,
        bytes_per_row: 0,
    },
    ExpectedIndex {
        name: TIMELINE_INDEX,
        keys: &[asc("shipment_id"), desc("version_no")],
        include: &[],
        predicate: None,
        unique: false,
        purpose: "latest versions first (the timeline)",
        benefit: None,
        bytes_per_row: 0,
    },
    ExpectedIndex {
        name: "idx_shipment_history_timestamp_desc",
        keys: &[asc("shipment_id"), desc("timestamp")],
        include: &[],
        predicate: None,
        unique: false,
        purpose: "a record's changes by time",
        benefit: None,
        bytes_per_row: 0,
    },
    ExpectedIndex {
        name: "idx_shipment_history_actor",
        keys: &[asc("actor_id"), desc("timestamp")],
        include: &[],
        predicate: None,
        unique: false,
        purpose: "everything one actor changed (the actor view)",
        benefit: None,
        bytes_per_row: 0,
    },
    ExpectedIndex {
        name: "idx_shipment_history_event_type",
        keys: &[asc("shipment_id"), asc("event_type"), desc("timestamp")],
        include: &[],
        predicate: None,
        unique: false,
        purpose: "a record's changes of one event type",
        benefit: None,
        bytes_per_row: 0,
    },
    ExpectedIndex {
        name: "idx_shipment_history_composite",
        keys: &[asc("shipment_id"), desc("timestamp"), desc("version_no")],
        include: &[],
        predicate: None,
        unique: false,
        purpose: "time ranges and as-of (time, then version)",
        benefit: None,
        bytes_per_row: 0,
    },
];

/// Indexes Waybill offers but does not expect: the guide has none that serves
/// them. Created only when the user asks (Database health, `waybill indexes
/// --apply --optional`).
pub const OPTIONAL: [ExpectedIndex; 2] = [
    ExpectedIndex {
        name: "idx_shipment_history_timestamp",
        keys: &[asc("timestamp")],
        include: &["shipment_id", "actor_id", "event_type"],
        predicate: None,
        unique: false,
        purpose: "the overview: every shipment's changes in a time range, read from the index alone",
        benefit: Some(
            "the overview of the last 24 hours in 0.03 s instead of 0.08 s, 7 days in 0.14 s instead of 0.59 s, 30 days in 0.41 s instead of 0.99 s",
        ),
        bytes_per_row: 80,
    },
    ExpectedIndex {
        name: "idx_shipment_history_status_changes",
        keys: &[asc("shipment_id"), asc("version_no")],
        include: &["timestamp"],
        predicate: Some("(changes ? 'status'::text)"),
        unique: false,
        purpose: "the overview's time in each status: when a shipment's status last changed before the range, from the index alone",
        benefit: Some("with the one on \"timestamp\", the overview of 7 days in 0.10 s instead of 0.14 s, 30 days in 0.35 s instead of 0.41 s"),
        bytes_per_row: 11,
    },
];

/// An index wanted on the history table a connection reads: one of
/// `EXPECTED` or `OPTIONAL`, its columns those of the history's own layout.
/// On Waybill's own layout it is the same index; on another (PaperTrail's
/// `versions`) the row filters' columns come first and each of Waybill's
/// columns is the layout's (`(item_type, item_id, id DESC)` for the
/// timeline's).
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    /// The name Waybill gives it (`idx_versions_version_desc`).
    pub name: String,
    /// Key columns (names as written) and whether each is descending.
    pub keys: Vec<(String, bool)>,
    pub include: Vec<String>,
    pub predicate: Option<&'static str>,
    pub unique: bool,
    pub purpose: &'static str,
    pub benefit: Option<&'static str>,
    pub bytes_per_row: u32,
}

/// The expected and the optional indexes on the history `layout` reads,
/// each where the layout keeps its columns in columns of its own. On another
/// layout than Waybill's the unique rule is wanted only where there is a
/// version column, and the status index (on Waybill's `changes`) not at all.
pub fn wanted(layout: &Layout) -> (Vec<Wanted>, Vec<Wanted>) {
    let own = layout.is_waybill();
    let table = HistoryTable::parse(&layout.table_name)
        .map(|t| t.name)
        .unwrap_or_default();
    let translate = |e: &ExpectedIndex| -> Option<Wanted> {
        if !own && (e.predicate.is_some() || (e.unique && layout.order() != OrderKind::Version)) {
            return None;
        }
        // The overview's index on the time serves its ranges only where the time is an instant.
        if !own && e.keys.first().is_some_and(|k| k.column == "timestamp") && !layout.time_is_instant() {
            return None;
        }
        let mut keys: Vec<(String, bool)> = if own {
            Vec::new()
        } else {
            layout.filter_columns().into_iter().map(|c| (c, false)).collect()
        };
        for k in e.keys {
            for column in layout.columns_for(k.column)? {
                keys.push((column, k.desc));
            }
        }
        let mut include = Vec::new();
        for c in e.include {
            include.extend(layout.columns_for(c)?);
        }
        Some(Wanted {
            name: if own {
                e.name.to_string()
            } else {
                e.name.replace("shipment_history", &table)
            },
            keys,
            include,
            predicate: e.predicate,
            unique: e.unique,
            purpose: if !own && e.name == TIMELINE_INDEX {
                "the timeline: a page at any depth read from the index, without reading the record's whole history"
            } else {
                e.purpose
            },
            benefit: match (own, e.name) {
                (true, _) => e.benefit,
                (false, TIMELINE_INDEX) => Some(TIMELINE_INDEX_BENEFIT),
                (false, _) => None,
            },
            bytes_per_row: e.bytes_per_row,
        })
    };
    (
        EXPECTED.iter().filter_map(translate).collect(),
        OPTIONAL.iter().filter_map(translate).collect(),
    )
}

/// `(shipment_id, "timestamp" DESC)`: key columns as SQL, quoted where needed.
pub fn columns_sql(keys: &[(String, bool)]) -> String {
    let parts: Vec<String> = keys
        .iter()
        .map(|(column, desc)| {
            let column = super::quote_ident_if_needed(column);
            if *desc {
                format!("{column} DESC")
            } else {
                column
            }
        })
        .collect();
    format!("({})", parts.join(", "))
}

impl Wanted {
    pub fn definition(&self) -> String {
        format!(
            "{}{}{}{}",
            if self.unique { "UNIQUE " } else { "" },
            columns_sql(&self.keys),
            self.include_sql(),
            self.predicate_sql()
        )
    }

    /// ` WHERE (changes ? 'status'::text)`, or nothing.
    fn predicate_sql(&self) -> String {
        self.predicate.map(|p| format!(" WHERE {p}")).unwrap_or_default()
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
            "CREATE {}INDEX CONCURRENTLY IF NOT EXISTS {} ON {} {}{}{}",
            if self.unique { "UNIQUE " } else { "" },
            super::quote_ident_if_needed(name),
            table.qualified(),
            columns_sql(&self.keys),
            self.include_sql(),
            self.predicate_sql()
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
    /// For an optional one: what it gains, as measured on 2,000,000 rows.
    pub benefit: Option<String>,
    /// About how many bytes it takes per history row (0: not estimated).
    pub bytes_per_row: u32,
    /// The index itself, for building it.
    #[serde(skip)]
    #[ts(skip)]
    pub wanted: Wanted,
}

impl From<&Wanted> for ExpectedInfo {
    fn from(e: &Wanted) -> Self {
        ExpectedInfo {
            name: e.name.clone(),
            definition: e.definition(),
            unique: e.unique,
            purpose: e.purpose.into(),
            benefit: e.benefit.map(Into::into),
            bytes_per_row: e.bytes_per_row,
            wanted: e.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_read_like_sql() {
        let (expected, optional) = wanted(&crate::domain::layout::catalog::waybill_assumed());
        assert_eq!(expected.len(), EXPECTED.len());
        assert_eq!(optional.len(), OPTIONAL.len());
        assert_eq!(expected[0].definition(), "UNIQUE (shipment_id, version_no)");
        assert_eq!(
            expected[5].definition(),
            "(shipment_id, \"timestamp\" DESC, version_no DESC)"
        );
        let table = HistoryTable::default();
        assert_eq!(
            expected[3].create_sql(&table, "idx_shipment_history_actor"),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_shipment_history_actor ON public.shipment_history (actor_id, \"timestamp\" DESC)"
        );
    }
}

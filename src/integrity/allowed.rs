//! Which checks a history's layout allows, and why not the others: a check
//! that cannot find anything by construction is said not to have run, rather
//! than counted as clean.

use super::FindingKind;
use crate::domain::layout::{ChangesFormat, Layout, OrderKind};

/// Why `layout` does not allow checking for `kind`; `None` when it does.
pub fn not_checked(layout: &Layout, kind: FindingKind) -> Option<String> {
    let mapping = &layout.mapping;
    let whole_rows = matches!(
        mapping.changes_format,
        ChangesFormat::AfterImage | ChangesFormat::BeforeImage
    );
    match kind {
        FindingKind::DuplicateVersion | FindingKind::Gap => (layout.order() != OrderKind::Version).then(|| {
            format!(
                "{} has no per-record version column: versions are numbered 1..n in the order of `{}`, so none can repeat or be missing",
                layout.table_name,
                mapping.order.as_deref().unwrap_or("?")
            )
        }),
        FindingKind::TimeOrder => {
            if !layout.has_time() {
                Some("the history records no time".into())
            } else if layout.order() == OrderKind::Time {
                Some("versions are ordered by their time, so time cannot go backwards".into())
            } else {
                None
            }
        }
        FindingKind::SnapshotDrift => {
            if whole_rows || mapping.changes_format == ChangesFormat::Hstore {
                Some("each version's record and what it changed are read from the same stored rows, so they cannot disagree".into())
            } else if mapping.snapshot.is_none() {
                Some("the history keeps no snapshot beside what changed (`snapshot=COLUMN` names one)".into())
            } else {
                None
            }
        }
        FindingKind::LostUpdate => whole_rows.then(|| {
            "what changed is computed from consecutive whole rows, so each version's \"before\" is the previous version's \"after\" by construction".into()
        }),
        FindingKind::RowMismatch | FindingKind::OrphanHistory => layout.records().is_none().then(|| {
            format!(
                "the mapping names no table of the {}s themselves (`records_table=TABLE`)",
                layout.noun()
            )
        }),
        FindingKind::UnknownActor => layout
            .actor_table()
            .is_none()
            .then(|| "the mapping names no table of actors (`actor_table=TABLE`)".into()),
    }
}

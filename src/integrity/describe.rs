//! Findings in words: the writers' names (one query for all of them), then
//! each finding's evidence as support staff would put it in a ticket.

use std::collections::HashMap;

use serde_json::Value;
use sqlx::PgConnection;

use super::{Finding, FindingKind, Writer};
use crate::domain::changes::short;
use crate::domain::layout::{Layout, OrderKind};
use crate::error::Result;

/// A value as evidence: text in quotes, so `"1"` and `1` read apart.
fn shown(v: &Value) -> String {
    match v {
        Value::String(_) => format!("\"{}\"", short(v)),
        other => short(other),
    }
}

/// Fills in `actor_name` from the layout's actor table.
pub(super) async fn name_writers(conn: &mut PgConnection, layout: &Layout, findings: &mut [Finding]) -> Result<()> {
    let mut ids: Vec<String> = findings
        .iter()
        .flat_map(|f| f.writers.iter().filter_map(|w| w.actor_id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    let names: HashMap<String, String> = crate::domain::actors::names(conn, layout, ids)
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    for w in findings.iter_mut().flat_map(|f| f.writers.iter_mut()) {
        w.actor_name = w.actor_id.as_ref().and_then(|id| names.get(id).cloned());
    }
    Ok(())
}

/// "v12 by Ana Lima at 2026-11-02T10:00:00Z".
fn who(w: &Writer) -> String {
    let actor = match (&w.actor_name, &w.actor_id) {
        (Some(name), _) => name.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => "no actor".into(),
    };
    let at = w.at.map(|t| t.to_rfc3339()).unwrap_or_else(|| "no time".into());
    format!("v{} by {actor} at {at}", w.version)
}

/// Writes `evidence` for the kinds whose words need names or values, in
/// the words of `layout` (what its records are called, where they are kept).
pub(super) fn evidence(f: &mut Finding, layout: &Layout) {
    let noun = layout.noun();
    let records = layout.records().map_or("", |r| r.name.as_str());
    // Without version numbers a deleted version cannot be told from a stale write.
    let or_deleted = if layout.order() == OrderKind::Version {
        ""
    } else {
        ", or a version in between was deleted (the history has no version numbers to tell)"
    };
    f.evidence = match f.kind {
        FindingKind::LostUpdate => {
            let field = f.field.as_deref().unwrap_or("?");
            let (recorded, actual) = (f.values.first(), f.values.get(1));
            let shown = |v: Option<&Value>| v.map(shown).unwrap_or_default();
            match (f.writers.first(), f.writers.get(1)) {
                (Some(late), Some(lost)) => format!(
                    "{} changed {field} from {} (its old value), but {} had set it to {}: \
                     the later writer worked from a stale copy and overwrote that change{or_deleted}",
                    who(late),
                    shown(recorded),
                    who(lost),
                    shown(actual)
                ),
                (Some(late), None) => format!(
                    "{} changed {field} from {}, but the version before says it was {}{or_deleted}",
                    who(late),
                    shown(recorded),
                    shown(actual)
                ),
                _ => return,
            }
        }
        FindingKind::SnapshotDrift => {
            let w = f.writers.first().map(who).unwrap_or_default();
            format!(
                "{w}: the stored snapshot is not the version before with this change applied ({}): \
                 a row edited by hand, or a snapshot computed from a stale read",
                triples(&f.values, "expected", "stored")
            )
        }
        FindingKind::RowMismatch => {
            let w = f.writers.first().map(who).unwrap_or_default();
            format!(
                "the {noun} row differs from its latest version ({w}): {}: \
                 the current state was changed without a history entry",
                triples(&f.values, "history says", "row says")
            )
        }
        FindingKind::OrphanHistory => format!(
            "{} for {} that {records} does not have, and no version says it was deleted",
            f.evidence,
            super::report::article(noun)
        ),
        FindingKind::DuplicateVersion => {
            format!(
                "{} (rows: {})",
                f.evidence,
                f.writers.iter().map(who).collect::<Vec<_>>().join("; ")
            )
        }
        _ => return,
    };
}

/// `[field, a, b, field, a, b…]` as `field: a_label x, b_label y; …`.
fn triples(values: &[Value], a: &str, b: &str) -> String {
    values
        .chunks(3)
        .map(|c| match c {
            [Value::String(field), x, y] => format!("{field}: {a} {}, {b} {}", shown(x), shown(y)),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

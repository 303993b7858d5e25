//! Field-by-field differences between two shipment states, and the one-line
//! summary of a version's `changes`. Pure functions: other people's databases
//! are messy, so anything that is not an object is reported, never a panic.

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One field that differs. Nested objects are compared field by field, so a
/// path reads `address.city`; arrays and scalars are compared whole.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FieldChange {
    pub path: String,
    pub kind: ChangeKind,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// The differences between two states, with what could not be compared said in words.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Diff {
    /// The older side (none for the first version: everything is added).
    pub from_version: Option<i32>,
    pub to_version: i32,
    pub fields: Vec<FieldChange>,
    /// What could not be compared and why (e.g. a snapshot that is not an object).
    pub notes: Vec<String>,
}

/// Differences from `old` to `new`. `None` stands for "no earlier state".
pub fn diff_states(old: Option<&Value>, new: &Value) -> (Vec<FieldChange>, Vec<String>) {
    let mut fields = Vec::new();
    let mut notes = Vec::new();
    let empty = Value::Object(Map::new());
    let old = old.unwrap_or(&empty);
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => diff_objects("", a, b, &mut fields),
        _ => {
            notes.push(format!(
                "cannot compare field by field: the states are {} and {}, not objects; shown whole",
                kind_name(old),
                kind_name(new)
            ));
            if old != new {
                fields.push(FieldChange {
                    path: String::new(),
                    kind: ChangeKind::Changed,
                    old: Some(old.clone()),
                    new: Some(new.clone()),
                });
            }
        }
    }
    (fields, notes)
}

fn diff_objects(prefix: &str, a: &Map<String, Value>, b: &Map<String, Value>, out: &mut Vec<FieldChange>) {
    let mut keys: Vec<&String> = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))).collect();
    keys.sort();
    for key in keys {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (a.get(key), b.get(key)) {
            (Some(Value::Object(x)), Some(Value::Object(y))) => diff_objects(&path, x, y, out),
            (Some(x), Some(y)) if x == y => {}
            (old, new) => out.push(FieldChange {
                kind: match (old, new) {
                    (None, _) => ChangeKind::Added,
                    (_, None) => ChangeKind::Removed,
                    _ => ChangeKind::Changed,
                },
                path,
                old: old.cloned(),
                new: new.cloned(),
            }),
        }
    }
}

/// The state after applying `changes` to `state`. Changes are `field → {"old", "new"}`;
/// a field whose change is not in that form takes the value as written.
pub fn apply_changes(state: &mut Map<String, Value>, changes: &Value) -> bool {
    let Value::Object(changes) = changes else {
        return false;
    };
    for (field, change) in changes {
        state.insert(field.clone(), new_value(change).clone());
    }
    true
}

/// The new value of one entry of `changes`.
pub fn new_value(change: &Value) -> &Value {
    match change {
        Value::Object(c) if c.contains_key("new") => &c["new"],
        other => other,
    }
}

/// The old value of one entry of `changes`, when it was recorded.
pub fn old_value(change: &Value) -> Option<&Value> {
    match change {
        Value::Object(c) => c.get("old"),
        _ => None,
    }
}

/// `changes` as field changes (for a version whose snapshots are missing).
pub fn changes_as_fields(changes: &Value) -> Option<Vec<FieldChange>> {
    let Value::Object(map) = changes else {
        return None;
    };
    Some(
        map.iter()
            .map(|(field, change)| {
                let old = old_value(change).filter(|v| !v.is_null()).cloned();
                FieldChange {
                    path: field.clone(),
                    kind: if old.is_none() {
                        ChangeKind::Added
                    } else {
                        ChangeKind::Changed
                    },
                    old,
                    new: Some(new_value(change).clone()),
                }
            })
            .collect(),
    )
}

/// One field of a version's changes, as a timeline row shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ChangePreview {
    pub field: String,
    /// The value before, when recorded.
    pub old: Option<Value>,
    pub new: Value,
}

/// How many fields a row previews (the summary says "+N more").
pub const PREVIEW_FIELDS: usize = 4;

/// The first fields of `changes` (sorted) with short values: long text cut,
/// large objects and lists said by their size, so a row stays small.
pub fn preview(changes: &Value) -> Vec<ChangePreview> {
    let Value::Object(map) = changes else {
        return Vec::new();
    };
    let mut fields: Vec<(&String, &Value)> = map.iter().collect();
    fields.sort_by_key(|f| f.0);
    fields
        .into_iter()
        .take(PREVIEW_FIELDS)
        .map(|(field, change)| ChangePreview {
            field: field.clone(),
            old: old_value(change).map(small),
            new: small(new_value(change)),
        })
        .collect()
}

fn small(value: &Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > 80 => {
            Value::String(format!("{}…", s.chars().take(79).collect::<String>()))
        }
        Value::Object(_) | Value::Array(_) if value.to_string().len() > 200 => Value::String(short(value)),
        other => other.clone(),
    }
}

/// The fields a version changed, sorted.
pub fn changed_fields(changes: &Value) -> Vec<String> {
    match changes {
        Value::Object(map) => {
            let mut fields: Vec<String> = map.keys().cloned().collect();
            fields.sort();
            fields
        }
        _ => Vec::new(),
    }
}

/// One line saying what a version changed: `status: in_transit → delivered; eta: …`.
pub fn summary(changes: &Value) -> String {
    const MAX_FIELDS: usize = 4;
    match changes {
        Value::Object(map) if map.is_empty() => String::new(),
        Value::Object(map) => {
            // Sorted, so the line reads the same whatever the JSON map's order.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|e| e.0);
            let mut parts: Vec<String> = entries
                .into_iter()
                .take(MAX_FIELDS)
                .map(|(field, change)| match old_value(change).filter(|v| !v.is_null()) {
                    Some(old) => format!("{field}: {} → {}", short(old), short(new_value(change))),
                    None => format!("{field}: {}", short(new_value(change))),
                })
                .collect();
            if map.len() > MAX_FIELDS {
                parts.push(format!("+{} more", map.len() - MAX_FIELDS));
            }
            parts.join("; ")
        }
        Value::Null => String::new(),
        other => format!("(changes recorded as {}, not per field)", kind_name(other)),
    }
}

/// A value in a few words: strings without quotes, long text cut.
pub fn short(value: &Value) -> String {
    const MAX: usize = 40;
    let text = match value {
        Value::Null => "∅".to_string(),
        Value::String(s) => s.clone(),
        Value::Object(m) => format!("{{{} fields}}", m.len()),
        Value::Array(a) => format!("[{} items]", a.len()),
        other => other.to_string(),
    };
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

pub fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(fields: &[FieldChange]) -> Vec<(&str, ChangeKind)> {
        fields.iter().map(|f| (f.path.as_str(), f.kind)).collect()
    }

    #[test]
    fn reports_added_removed_and_changed_fields_sorted() {
        let old = json!({"status": "booked", "carrier": null, "gone": 1, "same": "x"});
        let new = json!({"status": "in_transit", "carrier": "DHL", "same": "x", "fresh": true});
        let (fields, notes) = diff_states(Some(&old), &new);
        assert!(notes.is_empty());
        assert_eq!(
            paths(&fields),
            vec![
                ("carrier", ChangeKind::Changed),
                ("fresh", ChangeKind::Added),
                ("gone", ChangeKind::Removed),
                ("status", ChangeKind::Changed),
            ]
        );
        assert_eq!(fields[3].old, Some(json!("booked")));
        assert_eq!(fields[3].new, Some(json!("in_transit")));
        assert_eq!(fields[1].old, None);
        assert_eq!(fields[2].new, None);
    }

    #[test]
    fn nested_objects_are_compared_by_path_and_arrays_whole() {
        let old = json!({"address": {"city": "Lyon", "zip": "69001"}, "tags": [1, 2]});
        let new = json!({"address": {"city": "Paris", "zip": "69001", "floor": 3}, "tags": [1, 2, 3]});
        let (fields, _) = diff_states(Some(&old), &new);
        assert_eq!(
            paths(&fields),
            vec![
                ("address.city", ChangeKind::Changed),
                ("address.floor", ChangeKind::Added),
                ("tags", ChangeKind::Changed),
            ]
        );
    }

    #[test]
    fn an_object_replaced_by_a_scalar_is_one_change() {
        let (fields, _) = diff_states(Some(&json!({"a": {"b": 1}})), &json!({"a": 5}));
        assert_eq!(paths(&fields), vec![("a", ChangeKind::Changed)]);
    }

    #[test]
    fn the_first_version_adds_everything() {
        let (fields, notes) = diff_states(None, &json!({"a": 1, "b": 2}));
        assert!(notes.is_empty());
        assert_eq!(paths(&fields), vec![("a", ChangeKind::Added), ("b", ChangeKind::Added)]);
    }

    #[test]
    fn states_that_are_not_objects_are_said_so_not_failed() {
        let (fields, notes) = diff_states(Some(&json!("v1 text")), &json!({"a": 1}));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("a string and an object"), "{}", notes[0]);
        assert_eq!(paths(&fields), vec![("", ChangeKind::Changed)]);
        let (fields, notes) = diff_states(Some(&json!([1])), &json!([1]));
        assert!(fields.is_empty());
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn equal_states_have_no_differences() {
        let state = json!({"a": {"b": [1, {"c": null}]}});
        assert_eq!(diff_states(Some(&state), &state), (vec![], vec![]));
    }

    #[test]
    fn summaries_read_as_one_line() {
        let changes = json!({"status": {"old": "booked", "new": "in_transit"}, "carrier": {"old": null, "new": "DHL"}});
        assert_eq!(summary(&changes), "carrier: DHL; status: booked → in_transit");
        let many = json!({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6});
        assert_eq!(summary(&many), "a: 1; b: 2; c: 3; d: 4; +2 more");
        assert_eq!(
            summary(&json!("free text")),
            "(changes recorded as a string, not per field)"
        );
        assert_eq!(summary(&json!({})), "");
        assert_eq!(summary(&Value::Null), "");
        let long = json!({"note": {"old": null, "new": "x".repeat(100)}});
        assert!(summary(&long).ends_with('…'));
    }

    #[test]
    fn replaying_changes_builds_the_state() {
        let mut state = Map::new();
        assert!(apply_changes(
            &mut state,
            &json!({"status": {"old": null, "new": "booked"}, "n": 1})
        ));
        assert!(apply_changes(
            &mut state,
            &json!({"status": {"old": "booked", "new": "delivered"}})
        ));
        assert!(!apply_changes(&mut state, &json!("not an object")));
        assert_eq!(Value::Object(state), json!({"status": "delivered", "n": 1}));
    }

    #[test]
    fn changes_read_as_fields_when_snapshots_are_missing() {
        let fields =
            changes_as_fields(&json!({"eta": {"old": "a", "new": "b"}, "carrier": {"old": null, "new": "X"}})).unwrap();
        assert_eq!(fields.len(), 2);
        assert!(fields.iter().any(|f| f.path == "eta" && f.kind == ChangeKind::Changed));
        assert!(fields
            .iter()
            .any(|f| f.path == "carrier" && f.kind == ChangeKind::Added));
        assert!(changes_as_fields(&json!(3)).is_none());
    }
}

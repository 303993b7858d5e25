//! Field-by-field differences between two shipment states. Pure functions:
//! other people's databases are messy, so anything that is not an object is
//! reported, never a panic.

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::domain::changes::{kind_name, new_value, old_value};

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

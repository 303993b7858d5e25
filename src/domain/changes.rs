//! What one version changed, read from its `changes` value: each field's new
//! value and (when recorded) its old one, the state after replaying changes,
//! and the short forms a row or a report shows. Pure functions: anything that
//! is not an object is said so, never a panic.

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

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

/// A layout's `[old, new]` pairs (PaperTrail's `object_changes`, Audited's
/// `audited_changes`) as `{field: {"old", "new"}}`, by the rule the history's
/// SQL applies (`layout::sql::push_changes`): `pair_event` is 1 for a
/// deletion (a value that is no `[value, null]` pair is the old value), 2 for
/// a creation (a pair is read as one only when it starts with null: Audited's
/// creations hold values), else 0; a value that is no pair is the new value.
pub fn from_pairs(pairs: Value, pair_event: i32) -> Value {
    let Value::Object(fields) = pairs else {
        return Value::Null;
    };
    let is_pair = |v: &Value| v.as_array().is_some_and(|a| a.len() == 2);
    let change = |old: Value, new: Value| {
        let mut c = Map::new();
        c.insert("old".into(), old);
        c.insert("new".into(), new);
        Value::Object(c)
    };
    let out = fields
        .into_iter()
        .map(|(k, v)| {
            let starts_null = v.get(0).is_some_and(Value::is_null);
            let ends_null = v.get(1).is_some_and(Value::is_null);
            let c = if pair_event == 1 && !(is_pair(&v) && ends_null) {
                change(v, Value::Null)
            } else if (pair_event != 2 || starts_null) && is_pair(&v) {
                let Value::Array(mut a) = v else { unreachable!("a pair") };
                let new = a.pop().unwrap_or(Value::Null);
                let old = a.pop().unwrap_or(Value::Null);
                change(old, new)
            } else {
                let mut c = Map::new();
                c.insert("new".into(), v);
                Value::Object(c)
            };
            (k, c)
        })
        .collect::<Map<String, Value>>();
    // As `jsonb_object_agg` over no field: none.
    if out.is_empty() {
        Value::Null
    } else {
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn pairs_read_as_old_and_new_by_the_event() {
        use serde_json::json;
        // PaperTrail: a creation's pairs start with null, a destruction's end with it.
        assert_eq!(
            from_pairs(json!({"status": [null, "booked"]}), 2),
            json!({"status": {"old": null, "new": "booked"}})
        );
        assert_eq!(
            from_pairs(json!({"status": ["booked", "in_transit"]}), 0),
            json!({"status": {"old": "booked", "new": "in_transit"}})
        );
        assert_eq!(
            from_pairs(json!({"status": ["at_customs", null]}), 1),
            json!({"status": {"old": "at_customs", "new": null}})
        );
        // Audited: a creation's and a destruction's values are no pairs (a
        // creation's two-element array is the value), an update's are.
        assert_eq!(
            from_pairs(json!({"tags": ["a", "b"], "title": "Tea"}), 2),
            json!({"tags": {"new": ["a", "b"]}, "title": {"new": "Tea"}})
        );
        assert_eq!(
            from_pairs(json!({"title": "Tea"}), 1),
            json!({"title": {"old": "Tea", "new": null}})
        );
        assert_eq!(from_pairs(json!({}), 0), Value::Null);
        assert_eq!(from_pairs(json!("not an object"), 0), Value::Null);
    }
}

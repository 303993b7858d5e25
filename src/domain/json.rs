//! `jsonb` as Waybill reads it from other people's tables: as text, parsed
//! here, so that one value serde cannot hold (nested deeper than its limit of
//! 128 levels) shows as its text instead of failing the whole page.

use serde_json::Value;

/// How much of a value a timeline page reads to summarise it: larger
/// `changes` are summarised by size, and read whole only when their version is opened.
pub(crate) const PAGE_VALUE_BYTES: usize = 65_536;

/// A value, or its text when serde cannot hold it (with a note saying why).
pub(crate) fn parse(text: &str) -> (Value, Option<String>) {
    match serde_json::from_str(text) {
        Ok(value) => (value, None),
        Err(e) => (
            Value::String(text.to_string()),
            Some(format!(
                "a value Waybill cannot read field by field ({e}); shown as its JSON text"
            )),
        ),
    }
}

/// `parse` for a column that may be NULL.
pub(crate) fn parse_opt(text: Option<&str>) -> (Value, Option<String>) {
    text.map(parse).unwrap_or((Value::Null, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_values_show_as_text_instead_of_failing() {
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let (value, note) = parse(&deep);
        assert_eq!(value, Value::String(deep));
        assert!(note.unwrap().contains("recursion limit"));
        assert_eq!(parse("{\"a\":1}").0["a"], 1);
    }
}

//! Identifiers in SQL Waybill writes itself (a schema, a table, an index):
//! quoted one way on every path (browsing directly, through a pooler, the
//! health screen), so that `Audit` stays `Audit` and is never read as `audit`.

/// An identifier in double quotes, safe whatever it holds.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Plain when it is a plain lower-case identifier (and not a keyword we use), else quoted.
pub fn quote_ident_if_needed(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !matches!(
            name,
            "timestamp" | "user" | "order" | "table" | "select" | "from" | "where" | "group"
        );
    if plain {
        name.to_string()
    } else {
        quote_ident(name)
    }
}

//! The history as one relation in Waybill's terms, whatever its layout: a
//! subquery over the history table (alias `t`) that PostgreSQL flattens into
//! the query around it, so a condition on the record key or the order key
//! still reaches the table's own indexes. Its columns keep the key, the
//! order, the actor and the time in their own types for that reason; what
//! changed is rewritten to `{field: {"old", "new"}}` only for the rows a
//! query returns.
//!
//! Identifiers come from the catalog (quoted); values (filters, event words,
//! JSON paths) are bound.

use sqlx::{Postgres, QueryBuilder};

use super::{Expr, Layout};
use crate::domain::vocabulary::DELETED;

/// How what changed is read, with the quoted columns it needs.
#[derive(Debug, Clone)]
pub(crate) enum Changes {
    OldNew { col: String },
    Pairs { col: String },
    Columns { old: String, new: String },
    AfterImage { exclude: Vec<String> },
    BeforeImage { col: String },
    Hstore { old: String, new: String },
    None,
}

/// `{t}.col` as jsonb, whatever its type (json, jsonb, or text holding JSON).
fn jsonb(col: &str) -> String {
    format!("t.{col}::jsonb")
}

pub(super) fn push_expr(q: &mut QueryBuilder<'_, Postgres>, e: &Expr, alias: &str) {
    match e {
        Expr::Column { col, .. } => {
            q.push(format!("{alias}.{col}"));
        }
        Expr::Path { col, path, hstore } => {
            if *hstore {
                // hstore: one level, its values are text.
                q.push(format!("({alias}.{col} -> "))
                    .push_bind(path.first().cloned().unwrap_or_default())
                    .push("::text)");
            } else {
                q.push(format!("({alias}.{col}::jsonb #>> "))
                    .push_bind(path.clone())
                    .push("::text[])");
            }
        }
        Expr::FirstOf { a, b, .. } => {
            q.push(format!("COALESCE({alias}.{a}, {alias}.{b})"));
        }
    }
}

/// The rows of the history table that belong to this history: its filters.
pub(super) fn push_filters(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, alias: &str) {
    q.push(" WHERE true");
    for (col, ty, value) in &layout.filters {
        q.push(format!(" AND {alias}.{col} = "))
            .push_bind(value.clone())
            .push(format!("::text::{ty}"));
    }
}

/// Raw event values whose words are `word` (`created`, `deleted`), bound.
fn push_event_is(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, word: &str) {
    let raws: Vec<String> = layout
        .mapping
        .events
        .iter()
        .filter(|(_, w)| w.as_str() == word)
        .map(|(raw, _)| raw.clone())
        .collect();
    match &layout.event {
        Some(event) if !raws.is_empty() => {
            q.push("(");
            push_expr(q, event, "t");
            q.push(")::text = ANY(").push_bind(raws).push(")");
        }
        _ => {
            q.push("false");
        }
    }
}

/// `{field: {"old", "new"}}` for the fields where `old` and `new` (jsonb
/// objects, either may be NULL) differ; a side that is NULL is left out
/// (nothing recorded there: a creation or a deletion).
fn diff_objects(old: &str, new: &str) -> String {
    format!(
        "(SELECT COALESCE(jsonb_object_agg(k.k,
                    CASE WHEN {old} IS NULL THEN jsonb_build_object('new', {new} -> k.k)
                         WHEN {new} IS NULL THEN jsonb_build_object('old', {old} -> k.k, 'new', NULL)
                         ELSE jsonb_build_object('old', {old} -> k.k, 'new', {new} -> k.k) END), '{{}}'::jsonb)
            FROM (SELECT jsonb_object_keys(CASE WHEN jsonb_typeof({old}) = 'object' THEN {old} END)
                  UNION SELECT jsonb_object_keys(CASE WHEN jsonb_typeof({new}) = 'object' THEN {new} END)) k(k)
           WHERE ({old} -> k.k) IS DISTINCT FROM ({new} -> k.k))"
    )
}

/// The record's columns in an after image: the row without the history's own.
fn push_image(q: &mut QueryBuilder<'_, Postgres>, alias: &str, exclude: &[String]) {
    q.push(format!("(to_jsonb({alias}) - "))
        .push_bind(exclude.to_vec())
        .push("::text[])");
}

/// `shipment_id, version_no, ord2, ` of the row `t`: the columns every read keys on.
fn push_key_columns(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout) {
    push_expr(q, &layout.key, "t");
    q.push(" AS shipment_id, ");
    push_expr(q, &layout.ord, "t");
    q.push(" AS version_no, ");
    match &layout.ord2 {
        Some(e) => push_expr(q, e, "t"),
        None => {
            q.push("0::bigint");
        }
    }
    q.push(" AS ord2, ");
}

pub(super) fn push_from(layout: &Layout, q: &mut QueryBuilder<'_, Postgres>, alias: &str) {
    push_from_with(layout, q, alias, false);
}

/// As `push_from`; with `raw_pairs`, a layout of `[old, new]` pairs gives
/// them as stored instead (`changes` null, `pairs` the column as text,
/// `pair_event` 1 for a deletion, 2 for a creation, else 0: what
/// `domain::changes::from_pairs` needs to read them as `push_changes`
/// does), so that a reader of every row need not have the server rewrite
/// each one. Other layouts give `pairs` null.
pub(super) fn push_from_with(layout: &Layout, q: &mut QueryBuilder<'_, Postgres>, alias: &str, raw_pairs: bool) {
    q.push("(SELECT ");
    push_key_columns(q, layout);
    match &layout.event {
        Some(e) if !layout.mapping.events.is_empty() => {
            // The stored value shown as the mapping's word for it, if it has one.
            let (raw, words): (Vec<String>, Vec<String>) = layout
                .mapping
                .events
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .unzip();
            q.push("COALESCE((")
                .push_bind(words)
                .push(")[array_position(")
                .push_bind(raw)
                .push(", (");
            push_expr(q, e, "t");
            q.push(")::text)], (");
            push_expr(q, e, "t");
            q.push(")::text)");
        }
        Some(e) => {
            q.push("(");
            push_expr(q, e, "t");
            q.push(")::text");
        }
        // No event column: said from the images where they tell (a first
        // image is a creation, a missing after image a deletion).
        None => match &layout.changes {
            Changes::AfterImage { .. } => {
                q.push("CASE WHEN wp.image IS NULL THEN 'created' ELSE 'updated' END");
            }
            Changes::Columns { old, new } => {
                q.push(format!(
                    "CASE WHEN t.{old} IS NULL THEN 'created' WHEN t.{new} IS NULL THEN 'deleted' ELSE 'updated' END"
                ));
            }
            _ => {
                q.push("NULL::text");
            }
        },
    }
    q.push(" AS event_type, ");
    match &layout.actor {
        Some(e) => push_expr(q, e, "t"),
        None => {
            q.push("NULL::text");
        }
    }
    q.push(" AS actor_id, ");
    match layout.actors.as_ref().and_then(|a| a.label.as_ref()) {
        Some(label) => {
            q.push(format!("wa.{label}::text"));
        }
        None => {
            q.push("NULL::text");
        }
    }
    q.push(" AS actor_name, ");
    match &layout.time {
        Some(e) => push_time(q, e),
        None => {
            q.push("NULL::timestamptz");
        }
    }
    q.push(" AS \"timestamp\", ");
    match &layout.description {
        Some(e) => {
            q.push("(");
            push_expr(q, e, "t");
            q.push(")::text");
        }
        None => {
            q.push("NULL::text");
        }
    }
    q.push(" AS description, ");
    match (&layout.changes, raw_pairs) {
        (Changes::Pairs { col }, true) => {
            q.push(format!("NULL::jsonb AS changes, t.{col}::text AS pairs, CASE WHEN "));
            push_event_is(q, layout, DELETED);
            q.push(" THEN 1 WHEN ");
            push_event_is(q, layout, "created");
            q.push(" THEN 2 ELSE 0 END AS pair_event, ");
        }
        (_, true) => {
            push_changes(q, layout);
            q.push(" AS changes, NULL::text AS pairs, 0 AS pair_event, ");
        }
        (_, false) => {
            push_changes(q, layout);
            q.push(" AS changes, ");
        }
    }
    match (&layout.snapshot, &layout.changes) {
        (Some(e), _) => {
            q.push("(");
            push_expr(q, e, "t");
            q.push(")::jsonb");
        }
        (None, Changes::AfterImage { exclude }) => push_image(q, "t", exclude),
        (None, Changes::Hstore { old, new }) => {
            q.push("CASE WHEN ");
            push_event_is(q, layout, DELETED);
            q.push(format!(
                " THEN NULL ELSE hstore_to_jsonb(t.{old}) || COALESCE(hstore_to_jsonb(t.{new}), '{{}}') END"
            ));
        }
        (None, _) => {
            q.push("NULL::jsonb");
        }
    }
    q.push(" AS snapshot FROM ").push(&layout.table).push(" t");
    if let Some(a) = &layout.actors {
        q.push(format!(" LEFT JOIN {} wa ON wa.{} = ", a.table, a.key));
        push_actor_as_key(q, layout, a);
    }
    match &layout.changes {
        Changes::AfterImage { exclude } => {
            // The version before, for what changed: one index probe per row returned.
            q.push(" LEFT JOIN LATERAL (SELECT ");
            push_image(q, "p", exclude);
            q.push(" AS image FROM ").push(&layout.table).push(" p");
            push_filters(q, layout, "p");
            q.push(" AND ");
            push_expr(q, &layout.key, "p");
            q.push(" = ");
            push_expr(q, &layout.key, "t");
            q.push(" AND ");
            push_ord_before(q, layout, "p", "t");
            q.push(" ORDER BY ");
            push_ord_order(q, layout, "p", "DESC");
            q.push(" LIMIT 1) wp ON true");
        }
        Changes::BeforeImage { col } => {
            // The version after holds this one's after image.
            q.push(format!(" LEFT JOIN LATERAL (SELECT p.{col}::jsonb AS image FROM "))
                .push(&layout.table)
                .push(" p");
            push_filters(q, layout, "p");
            q.push(" AND ");
            push_expr(q, &layout.key, "p");
            q.push(" = ");
            push_expr(q, &layout.key, "t");
            q.push(" AND ");
            push_ord_before(q, layout, "t", "p");
            q.push(" ORDER BY ");
            push_ord_order(q, layout, "p", "ASC");
            q.push(" LIMIT 1) wn ON true");
            if let Some(r) = &layout.records {
                // As `Layout::records_key_eq` compares them (the key may be a bound path).
                let same = r.key_ty == layout.key.ty();
                q.push(format!(" LEFT JOIN {} wr ON wr.{}", r.table, r.key));
                q.push(if same { " = (" } else { "::text = (" });
                push_expr(q, &layout.key, "t");
                q.push(if same { ")" } else { ")::text" });
            }
        }
        _ => {}
    }
    push_filters(q, layout, "t");
    q.push(format!(") {alias}"));
}

/// Only the record key, order key and time of each row (`shipment_id`,
/// `version_no`, `ord2`, `"timestamp"`), for counting and numbering: none of
/// the work of reading what changed.
pub(super) fn push_keys(layout: &Layout, q: &mut QueryBuilder<'_, Postgres>, alias: &str) {
    q.push("(SELECT ");
    push_key_columns(q, layout);
    match &layout.time {
        Some(e) => push_time(q, e),
        None => {
            q.push("NULL::timestamptz");
        }
    }
    q.push(" AS \"timestamp\" FROM ").push(&layout.table).push(" t");
    push_filters(q, layout, "t");
    q.push(format!(") {alias}"));
}

/// `{a}`'s order is before `{b}`'s.
fn push_ord_before(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, a: &str, b: &str) {
    q.push("(");
    push_expr(q, &layout.ord, a);
    if let Some(e) = &layout.ord2 {
        q.push(", ");
        push_expr(q, e, a);
    }
    q.push(") < (");
    push_expr(q, &layout.ord, b);
    if let Some(e) = &layout.ord2 {
        q.push(", ");
        push_expr(q, e, b);
    }
    q.push(")");
}

fn push_ord_order(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, alias: &str, dir: &str) {
    push_expr(q, &layout.ord, alias);
    q.push(format!(" {dir}"));
    if let Some(e) = &layout.ord2 {
        q.push(", ");
        push_expr(q, e, alias);
        q.push(format!(" {dir}"));
    }
}

/// A time as timestamptz: a time without zone is taken as UTC (as Rails and
/// Django store them), a date as its midnight in UTC.
fn push_time(q: &mut QueryBuilder<'_, Postgres>, e: &Expr) {
    match e.ty() {
        "timestamp with time zone" => push_expr(q, e, "t"),
        "date" => {
            q.push("((");
            push_expr(q, e, "t");
            q.push(")::timestamp AT TIME ZONE 'UTC')");
        }
        _ => {
            q.push("((");
            push_expr(q, e, "t");
            q.push(")::timestamp AT TIME ZONE 'UTC')");
        }
    }
}

/// The actor as the actor table's key type, without failing on a value of
/// another shape (PaperTrail's `whodunnit` is free text): such an actor has
/// no name.
fn push_actor_as_key(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, a: &super::ActorTable) {
    let Some(actor) = &layout.actor else {
        q.push("NULL");
        return;
    };
    if actor.ty() == a.key_ty {
        push_expr(q, actor, "t");
        return;
    }
    let pattern = match a.key_ty.as_str() {
        "smallint" | "integer" | "bigint" => Some("^-?[0-9]{1,18}$"),
        "uuid" => Some("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"),
        _ => None,
    };
    match pattern {
        Some(pattern) => {
            q.push("CASE WHEN (");
            push_expr(q, actor, "t");
            q.push(format!(")::text ~ '{pattern}' THEN ("));
            push_expr(q, actor, "t");
            q.push(format!(")::text::{} END", a.key_ty));
        }
        None => {
            q.push("(");
            push_expr(q, actor, "t");
            q.push(format!(")::text::{}", a.key_ty));
        }
    }
}

fn push_changes(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout) {
    match &layout.changes {
        Changes::OldNew { col } => {
            q.push(jsonb(col));
        }
        Changes::Pairs { col } => {
            // `[old, new]` pairs; a creation's `{field: value}` (Audited) and a
            // value that is no pair are the new value alone. The same rule,
            // for pairs read as stored: `domain::changes::from_pairs`.
            let c = jsonb(col);
            // A creation's pair starts with null (PaperTrail); Audited's holds the value.
            // A deletion's pair ends with null (PaperTrail); Audited's holds the value, now gone.
            let pair = "jsonb_typeof(e.value) = 'array' AND jsonb_array_length(e.value) = 2";
            q.push("(SELECT jsonb_object_agg(e.key, CASE WHEN (");
            push_event_is(q, layout, DELETED);
            q.push(format!(
                ") AND NOT ({pair} AND e.value -> 1 = 'null'::jsonb)
                     THEN jsonb_build_object('old', e.value, 'new', NULL)
                     WHEN (NOT ("
            ));
            push_event_is(q, layout, "created");
            q.push(format!(
                ") OR e.value -> 0 = 'null'::jsonb) AND {pair}
                     THEN jsonb_build_object('old', e.value -> 0, 'new', e.value -> 1)
                     ELSE jsonb_build_object('new', e.value) END)
                  FROM jsonb_each(CASE WHEN jsonb_typeof({c}) = 'object' THEN {c} END) e)"
            ));
        }
        Changes::Columns { old, new } => {
            q.push(diff_objects(&jsonb(old), &jsonb(new)));
        }
        Changes::AfterImage { exclude } => {
            // Against the version before (none: everything is new).
            q.push("(SELECT ");
            q.push(diff_objects("wp.image", "x.image"));
            q.push(" FROM (SELECT ");
            push_image(q, "t", exclude);
            q.push(" AS image) x)");
        }
        Changes::BeforeImage { col } => {
            // This row is the record before; the next version's row is it after;
            // for the newest version, the record as it is now (unknown without
            // the records table: then not per field).
            let after = if layout.records.is_some() {
                "COALESCE(wn.image, to_jsonb(wr))"
            } else {
                "wn.image"
            };
            q.push("CASE WHEN ");
            push_event_is(q, layout, DELETED);
            q.push(format!(
                " THEN {} WHEN {after} IS NULL THEN NULL ELSE {} END",
                diff_objects(&jsonb(col), "NULL::jsonb"),
                diff_objects(&jsonb(col), after)
            ));
        }
        Changes::Hstore { old, new } => {
            q.push("CASE WHEN ");
            push_event_is(q, layout, "created");
            q.push(format!(
                " THEN {} WHEN ",
                diff_objects("NULL::jsonb", &format!("hstore_to_jsonb(t.{old})"))
            ));
            push_event_is(q, layout, DELETED);
            q.push(format!(
                " THEN {} ELSE (SELECT COALESCE(jsonb_object_agg(e.key, jsonb_build_object('old', hstore_to_jsonb(t.{old}) -> e.key, 'new', e.value)), '{{}}'::jsonb)
                                  FROM jsonb_each(hstore_to_jsonb(t.{new})) e) END",
                diff_objects(&format!("hstore_to_jsonb(t.{old})"), "NULL::jsonb"),
            ));
        }
        Changes::None => {
            q.push("NULL::jsonb");
        }
    }
}

/// Whether `text` can be a value of `ty` (so casting a typed key never fails).
pub(super) fn fits_type(text: &str, ty: &str) -> bool {
    let text = text.trim();
    match ty {
        "smallint" | "integer" | "bigint" => text.parse::<i64>().is_ok(),
        "uuid" => uuid::Uuid::parse_str(text).is_ok(),
        "numeric" => text.parse::<f64>().is_ok(),
        _ => !text.is_empty(),
    }
}

/// `SELECT key::text FROM history WHERE label = value`: a record found by the
/// label its rows hold (where each row is the whole record), newest first.
pub(super) fn push_key_by_history_label(q: &mut QueryBuilder<'_, Postgres>, layout: &Layout, label: &str, value: &str) {
    q.push("SELECT ");
    push_expr(q, &layout.key, "t");
    q.push("::text FROM ").push(&layout.table).push(" t");
    push_filters(q, layout, "t");
    q.push(format!(" AND upper(t.{label}::text) = upper("))
        .push_bind(value.to_string())
        .push(")");
    q.push(" ORDER BY ");
    push_ord_order(q, layout, "t", "DESC");
    q.push(" LIMIT 1");
}

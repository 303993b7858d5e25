//! Checking a mapping against the database: every table and column it names
//! must be there, of a type that can mean what the mapping says. Whatever
//! does not fit is said once per key, with what is there instead ("column
//! `item_idd` is not in public.versions; its columns are id, item_type, …").
//! What passes becomes a `Layout` whose SQL names only what the catalog named.

use sqlx::PgConnection;

use super::mapping::{ChangesFormat, Mapping};
use super::sql::Changes;
use super::{ActorTable, Expr, Layout, OrderKind, Records};
use crate::db::{quote_ident, quote_ident_if_needed};
use crate::error::{Error, Result};

/// A table or view as the catalog describes it.
#[derive(Debug, Clone)]
pub struct Relation {
    /// `schema.name`, for people.
    pub name: String,
    /// Quoted, for SQL.
    pub quoted: String,
    /// (name, type as `format_type` writes it, base type name).
    pub columns: Vec<(String, String, String)>,
}

impl Relation {
    fn column(&self, name: &str) -> Option<&(String, String, String)> {
        self.columns.iter().find(|c| c.0 == name)
    }

    fn names(&self) -> String {
        self.columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// The relation `text` names (`schema.table`, or `table` in the search path).
pub async fn relation(conn: &mut PgConnection, text: &str) -> Result<Option<Relation>> {
    let text = text.trim();
    let quoted = match text.split_once('.') {
        Some((schema, name)) => format!("{}.{}", quote_ident(schema), quote_ident(name)),
        None => quote_ident(text),
    };
    let found: Option<(String, String)> = crate::db::query_as(
        "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.oid = to_regclass($1)",
    )
    .bind(&quoted)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((schema, name)) = found else {
        return Ok(None);
    };
    let columns: Vec<(String, String, String)> = crate::db::query_as(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), ty.typname::text
           FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
          WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
    )
    .bind(&quoted)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Relation {
        quoted: format!("{}.{}", quote_ident_if_needed(&schema), quote_ident_if_needed(&name)),
        name: format!("{schema}.{name}"),
        columns,
    }))
}

const INTEGERS: [&str; 3] = ["smallint", "integer", "bigint"];
const TIMES: [&str; 3] = ["timestamp with time zone", "timestamp without time zone", "date"];
const JSONS: [&str; 2] = ["jsonb", "json"];

/// What a check of one mapping found wrong, key by key.
struct Problems {
    table: String,
    list: Vec<String>,
}

impl Problems {
    fn add(&mut self, key: &str, what: String) {
        self.list.push(format!("{key}: {what}"));
    }
}

/// Checks `mapping` against the database and gives the layout to read through.
pub async fn resolve(conn: &mut PgConnection, mapping: &Mapping) -> Result<Layout> {
    let mut p = Problems {
        table: mapping.table.clone(),
        list: Vec::new(),
    };
    if mapping.table.trim().is_empty() {
        return Err(bad(
            &p.table,
            vec!["table: the history table is not named (give `table=`)".into()],
        ));
    }
    let Some(t) = relation(conn, &mapping.table).await? else {
        return Err(missing_table(conn, mapping).await);
    };
    p.table = t.name.clone();

    let column = |p: &mut Problems, key: &str, name: &str, allowed: &[&str]| -> Option<Expr> {
        match t.column(name) {
            None => {
                p.add(
                    key,
                    format!("column `{name}` is not in {}; its columns are {}", t.name, t.names()),
                );
                None
            }
            Some((col, ty, base))
                if !allowed.is_empty() && !allowed.contains(&ty.as_str()) && !allowed.contains(&base.as_str()) =>
            {
                p.add(key, format!("column `{col}` is {ty}, not {}", allowed.join(" or ")));
                None
            }
            Some((col, ty, _)) => Some(Expr::Column {
                col: quote_ident(col),
                ty: ty.clone(),
            }),
        }
    };
    // A column, a path into a JSON or hstore column (`col.a.b`), or `a|b`.
    let value = |p: &mut Problems, key: &str, text: &str| -> Option<Expr> {
        if let Some((a, b)) = text.split_once('|') {
            let (a, b) = (column(p, key, a.trim(), &[])?, column(p, key, b.trim(), &[])?);
            if a.ty() != b.ty() {
                p.add(
                    key,
                    format!("`{text}`: the two columns are {} and {}, not one type", a.ty(), b.ty()),
                );
                return None;
            }
            let (Expr::Column { col: a, ty }, Expr::Column { col: b, .. }) = (a, b) else {
                return None;
            };
            return Some(Expr::FirstOf { a, b, ty });
        }
        if t.column(text).is_none() {
            if let Some((col, path)) = text.split_once('.') {
                let Some((name, ty, base)) = t.column(col) else {
                    p.add(
                        key,
                        format!(
                            "neither a column `{text}` nor a column `{col}` is in {}; its columns are {}",
                            t.name,
                            t.names()
                        ),
                    );
                    return None;
                };
                let hstore = base == "hstore";
                if !hstore && !JSONS.contains(&ty.as_str()) {
                    p.add(
                        key,
                        format!("`{text}` is a path into `{name}`, which is {ty}, not JSON or hstore"),
                    );
                    return None;
                }
                let path: Vec<String> = path.split('.').map(str::to_string).collect();
                if hstore && path.len() > 1 {
                    p.add(key, format!("`{text}`: an hstore column has one level"));
                    return None;
                }
                return Some(Expr::Path {
                    col: quote_ident(name),
                    path,
                    hstore,
                });
            }
        }
        column(p, key, text, &[])
    };
    let optional = |p: &mut Problems, key: &str, text: &Option<String>, allowed: &[&str]| {
        text.as_deref().and_then(|name| column(p, key, name, allowed))
    };

    let key = value(&mut p, "key", mapping.key.trim());
    if mapping.key.trim().is_empty() {
        p.add("key", "the record key is not named (give `key=`)".into());
    }
    let (order, ord, ord2) = match (&mapping.version, &mapping.order) {
        (Some(v), _) => (OrderKind::Version, column(&mut p, "version", v, &INTEGERS), None),
        (None, Some(o)) => {
            let (first, tie) = match o.split_once('+') {
                Some((a, b)) => (a.trim(), Some(b.trim())),
                None => (o.trim(), None),
            };
            let ord = column(&mut p, "order", first, &[]);
            let kind = match ord.as_ref().map(Expr::ty) {
                Some(ty) if TIMES[..2].contains(&ty) => OrderKind::Time,
                Some(ty) if INTEGERS.contains(&ty) => OrderKind::Sequence,
                Some(ty) => {
                    p.add(
                        "order",
                        format!("`{first}` is {ty}: an order is an integer column or a time"),
                    );
                    OrderKind::Sequence
                }
                None => OrderKind::Sequence,
            };
            let ord2 = tie.and_then(|tie| column(&mut p, "order", tie, &INTEGERS));
            if ord2.is_some() && kind != OrderKind::Time {
                p.add(
                    "order",
                    format!("a tie-breaker (`+{}`) goes with a time order", tie.unwrap_or("")),
                );
            }
            (kind, ord, ord2)
        }
        (None, None) => {
            p.add(
                "version",
                "give `version` (a per-record version column) or `order` (an id or a time)".into(),
            );
            (OrderKind::Sequence, None, None)
        }
    };
    let time = optional(&mut p, "time", &mapping.time, &TIMES);
    let actor = mapping.actor.as_deref().and_then(|a| value(&mut p, "actor", a));
    let event = optional(&mut p, "event", &mapping.event, &[]);
    // The preset's own optional columns (Waybill's `description` and
    // `snapshot`) may be absent from a table of the same shape: then it has none.
    let base = mapping.preset_base();
    let soft = |given: &Option<String>, own: &Option<String>| {
        given
            .clone()
            .filter(|name| !(own.as_ref() == Some(name) && t.column(name).is_none()))
    };
    let description = optional(
        &mut p,
        "description",
        &soft(&mapping.description, &base.description),
        &[],
    );
    let snapshot = optional(
        &mut p,
        "snapshot",
        &soft(&mapping.snapshot, &base.snapshot),
        &["jsonb", "json", "text"],
    );
    let mut filters = Vec::new();
    for (col, v) in &mapping.filter {
        if let Some(Expr::Column { col, ty }) = column(&mut p, &format!("filter.{col}"), col, &[]) {
            filters.push((col, ty, v.clone()));
        }
    }
    let changes_col = |p: &mut Problems, key: &str, name: &Option<String>, allowed: &[&str]| -> Option<String> {
        let Some(name) = name else {
            p.add(key, format!("the `{key}` column is not named (give `{key}=`)"));
            return None;
        };
        match column(p, key, name, allowed)? {
            Expr::Column { col, .. } => Some(col),
            _ => None,
        }
    };
    const CHANGES: [&str; 3] = ["jsonb", "json", "text"];
    let changes = match mapping.changes_format {
        ChangesFormat::OldNew | ChangesFormat::Pairs
            if mapping.changes.is_none() && mapping.preset == super::Preset::Custom =>
        {
            Changes::None
        }
        ChangesFormat::OldNew => changes_col(&mut p, "changes", &mapping.changes, &CHANGES)
            .map_or(Changes::None, |col| Changes::OldNew { col }),
        ChangesFormat::Pairs => changes_col(&mut p, "changes", &mapping.changes, &CHANGES)
            .map_or(Changes::None, |col| Changes::Pairs { col }),
        ChangesFormat::BeforeImage => changes_col(&mut p, "changes", &mapping.changes, &CHANGES)
            .map_or(Changes::None, |col| Changes::BeforeImage { col }),
        ChangesFormat::Columns => match (
            changes_col(&mut p, "old", &mapping.old, &CHANGES),
            changes_col(&mut p, "new", &mapping.new, &CHANGES),
        ) {
            (Some(old), Some(new)) => Changes::Columns { old, new },
            _ => Changes::None,
        },
        ChangesFormat::Hstore => match (
            changes_col(&mut p, "old", &mapping.old, &["hstore"]),
            changes_col(&mut p, "new", &mapping.new, &["hstore"]),
        ) {
            (Some(old), Some(new)) => Changes::Hstore { old, new },
            _ => Changes::None,
        },
        ChangesFormat::AfterImage => {
            for name in &mapping.exclude {
                if t.column(name).is_none() && !mapping.exclude.is_empty() && mapping.preset == super::Preset::Custom {
                    p.add("exclude", format!("column `{name}` is not in {}", t.name));
                }
            }
            Changes::AfterImage {
                exclude: mapping.exclude.clone(),
            }
        }
    };

    // A preset's own actor and records tables are optional (Waybill's
    // `actors`, Rails' `users` and `shipments`): without them, keys stand in
    // for names. One named by hand is not.
    let actors = match &mapping.actor_table {
        None => None,
        Some(name) => match relation(conn, name).await? {
            None if base.actor_table.as_ref() == Some(name) => None,
            None => {
                p.add("actor_table", format!("there is no table `{name}`"));
                None
            }
            Some(a) => {
                let key_name = mapping.actor_key.as_deref().unwrap_or("id");
                let key = a.column(key_name).cloned();
                let label = mapping.actor_label.clone().or_else(|| {
                    ["display_name", "name", "username", "email"]
                        .iter()
                        .find(|c| a.column(c).is_some())
                        .map(|c| c.to_string())
                });
                match (key, label.as_deref().map(|l| a.column(l).is_some())) {
                    (None, _) => {
                        p.add(
                            "actor_key",
                            format!(
                                "column `{key_name}` is not in {}; its columns are {}",
                                a.name,
                                a.names()
                            ),
                        );
                        None
                    }
                    (_, Some(false)) => {
                        p.add(
                            "actor_label",
                            format!(
                                "column `{}` is not in {}; its columns are {}",
                                label.unwrap_or_default(),
                                a.name,
                                a.names()
                            ),
                        );
                        None
                    }
                    (Some((k, ty, _)), _) => Some(ActorTable {
                        table: a.quoted.clone(),
                        key: quote_ident(&k),
                        key_ty: ty,
                        label: label.map(|l| quote_ident(&l)),
                        email: a.column("email").map(|_| quote_ident("email")),
                        role: a.column("role").map(|_| quote_ident("role")),
                    }),
                }
            }
        },
    };

    let records = match &mapping.records_table {
        None => None,
        Some(name) => match relation(conn, name).await? {
            None if base.records_table.as_ref() == Some(name) => None,
            None => {
                p.add("records_table", format!("there is no table `{name}`"));
                None
            }
            Some(r) => {
                let pick = |p: &mut Problems, key: &str, given: &Option<String>, guesses: &[&str]| -> Option<String> {
                    match given {
                        Some(c) if r.column(c).is_some() => Some(c.clone()),
                        Some(c) => {
                            p.add(
                                key,
                                format!("column `{c}` is not in {}; its columns are {}", r.name, r.names()),
                            );
                            None
                        }
                        None => guesses.iter().find(|g| r.column(g).is_some()).map(|g| g.to_string()),
                    }
                };
                let key_name = mapping.records_key.clone().unwrap_or_else(|| "id".into());
                match r.column(&key_name).cloned() {
                    None => {
                        p.add(
                            "records_key",
                            format!(
                                "column `{key_name}` is not in {}; its columns are {}",
                                r.name,
                                r.names()
                            ),
                        );
                        None
                    }
                    Some((k, ty, _)) => {
                        let label_name = pick(
                            &mut p,
                            "records_label",
                            &mapping.records_label,
                            &["reference", "code", "number", "slug"],
                        );
                        let title_name = pick(
                            &mut p,
                            "records_title",
                            &mapping.records_title,
                            &["title", "name", "description"],
                        );
                        let status = pick(&mut p, "records_status", &mapping.records_status, &["status", "state"]);
                        // A history of whole rows has the label too: a deleted record is found by it.
                        let history_label = label_name
                            .as_deref()
                            .filter(|l| {
                                matches!(mapping.changes_format, super::ChangesFormat::AfterImage)
                                    && t.column(l).is_some()
                            })
                            .map(quote_ident);
                        Some(Records {
                            label: label_name.as_deref().map(quote_ident),
                            title: title_name.as_deref().map(quote_ident),
                            status: status.as_deref().map(quote_ident),
                            label_name,
                            title_name,
                            history_label,
                            table: r.quoted.clone(),
                            key: quote_ident(&k),
                            key_name: k.clone(),
                            key_ty: ty,
                            name: r.name.clone(),
                        })
                    }
                }
            }
        },
    };

    if let (Some(key), Some(records)) = (&key, &records) {
        if key.ty() != records.key_ty && key.ty() != "text" {
            p.add(
                "records_key",
                format!(
                    "the history's key is {} but {}'s is {}",
                    key.ty(),
                    records.name,
                    records.key_ty
                ),
            );
        }
    }
    if !p.list.is_empty() {
        return Err(bad(&p.table, p.list));
    }
    let layout = Layout {
        mapping: mapping.clone(),
        table_name: t.name.clone(),
        table: t.quoted.clone(),
        filters,
        key: key.expect("checked above"),
        order,
        ord: ord.expect("checked above"),
        ord2,
        time,
        actor,
        actors,
        event,
        description,
        changes,
        snapshot,
        records,
        numbering: Default::default(),
    };
    check_readable(conn, &layout).await?;
    Ok(layout)
}

/// What changed must be JSON: a text column of PaperTrail's or Audited's
/// default serializer holds YAML, which is said plainly instead of failing
/// every read with a cast error.
async fn check_readable(conn: &mut PgConnection, layout: &Layout) -> Result<()> {
    let col = match &layout.changes {
        Changes::OldNew { col } | Changes::Pairs { col } | Changes::BeforeImage { col } => col,
        _ => return Ok(()),
    };
    let mut q = sqlx::QueryBuilder::new(format!("SELECT t.{col}::text FROM {} t", layout.table));
    super::sql::push_filters(&mut q, layout, "t");
    q.push(format!(" AND t.{col} IS NOT NULL LIMIT 1"));
    let sample: Option<(String,)> = q.build_query_as().persistent(false).fetch_optional(&mut *conn).await?;
    match sample {
        Some((text,)) if serde_json::from_str::<serde_json::Value>(&text).is_err() => {
            let yaml = text.trim_start().starts_with("---");
            let unquoted = col.trim_matches('"');
            Err(bad(
                &layout.table_name,
                vec![if yaml {
                    format!(
                        "changes: `{unquoted}` holds YAML (the default serializer of PaperTrail and Audited), which Waybill does not read. \
                         Store versions as JSON (PaperTrail: json or jsonb columns, or `PaperTrail.serializer = PaperTrail::Serializers::JSON`; \
                         Audited: a json or jsonb `audited_changes` column) and convert the existing rows"
                    )
                } else {
                    format!("changes: `{unquoted}` holds text that is not JSON")
                }],
            ))
        }
        _ => Ok(()),
    }
}

fn bad(table: &str, problems: Vec<String>) -> Error {
    Error::BadMapping {
        table: table.to_string(),
        problems,
    }
}

/// The history table is not there: for Waybill's own layout, the table its
/// install would create (the remedy is to install); else the name that is wrong.
async fn missing_table(conn: &mut PgConnection, mapping: &Mapping) -> Error {
    let database = crate::db::query_as::<(String,)>("SELECT current_database()::text")
        .fetch_one(&mut *conn)
        .await
        .map(|(d,)| d)
        .unwrap_or_default();
    let own = super::Preset::Waybill.mapping(&[]).unwrap_or_default();
    if mapping.preset == super::Preset::Waybill && mapping.table == own.table {
        // Name the first table the install creates that is missing, as `db::first_missing` does.
        let mut table = mapping.table.clone();
        if let Some(records) = &own.records_table {
            if matches!(relation(conn, records).await, Ok(None)) {
                table = records.clone();
            }
        }
        return Error::TableMissing { database, table };
    }
    bad(
        &mapping.table,
        vec![format!(
            "table: there is no table `{}` in database `{database}`",
            mapping.table
        )],
    )
}

/// Waybill's own layout as its migrations create it, without asking the
/// catalog: for tests of the SQL built on it.
#[cfg(test)]
pub(crate) fn waybill_assumed() -> Layout {
    let col = |name: &str, ty: &str| Expr::Column {
        col: quote_ident_if_needed(name),
        ty: ty.into(),
    };
    Layout {
        mapping: Mapping::waybill(),
        table_name: "public.shipment_history".into(),
        table: "shipment_history".into(),
        filters: Vec::new(),
        key: col("shipment_id", "uuid"),
        order: OrderKind::Version,
        ord: col("version_no", "integer"),
        ord2: None,
        time: Some(col("timestamp", "timestamp with time zone")),
        actor: Some(col("actor_id", "uuid")),
        actors: Some(ActorTable {
            table: "actors".into(),
            key: "id".into(),
            key_ty: "uuid".into(),
            label: Some("display_name".into()),
            email: Some("email".into()),
            role: Some("role".into()),
        }),
        event: Some(col("event_type", "text")),
        description: Some(col("description", "text")),
        changes: Changes::OldNew { col: "changes".into() },
        snapshot: Some(col("snapshot", "jsonb")),
        records: None,
        numbering: Default::default(),
    }
}

//! Where a history is and how to read it, for every layout a team may have:
//! Waybill's own, the ones audit libraries write (PaperTrail, Audited,
//! supa_audit, Bemi, django-simple-history, SQL:2011 history tables, the audit
//! trigger), or one described by hand.
//!
//! A `Mapping` names things; `catalog::resolve` checks each name against the
//! database and gives a `Layout`, which renders the history as one relation
//! in Waybill's terms (`from`): every read feature selects from it, so the
//! features stay the same whatever the layout. Identifiers in it are the
//! catalog's own, quoted; every value a mapping holds is a bound parameter.
//!
//! Where a layout has no per-record version column, versions are numbered
//! 1..n per record in the layout's order (`numbering`), while reads seek on
//! the order key itself, so a deep page reads no more than a shallow one.

pub mod catalog;
pub mod detect;
pub mod indexed;
pub mod mapping;
pub mod numbering;
pub mod presets;
mod sql;

use std::sync::Arc;

use sqlx::{PgConnection, Postgres, QueryBuilder};
use tokio::sync::OnceCell;

pub use mapping::{ChangesFormat, Mapping};
pub use numbering::{Numbering, OrdKey};
pub use presets::Preset;

use crate::db::Db;
use crate::error::Result;

/// How a layout orders a record's versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    /// A per-record version column: 1, 2, 3… as stored.
    Version,
    /// A column that grows with every row (an id): versions numbered by it.
    Sequence,
    /// A time (and a tie-breaker): versions numbered by it.
    Time,
}

/// A mapping checked against the database: what the features read through.
#[derive(Debug)]
pub struct Layout {
    pub mapping: Mapping,
    /// `schema.table`, for people.
    pub table_name: String,
    /// The history table, quoted.
    table: String,
    /// Row filters: quoted column, its type, the value.
    filters: Vec<(String, String, String)>,
    key: Expr,
    order: OrderKind,
    ord: Expr,
    /// A time order's tie-breaker.
    ord2: Option<Expr>,
    time: Option<Expr>,
    actor: Option<Expr>,
    /// The actor table (quoted), its key column (quoted, typed) and label (quoted).
    actors: Option<ActorTable>,
    event: Option<Expr>,
    description: Option<Expr>,
    changes: sql::Changes,
    snapshot: Option<Expr>,
    records: Option<Records>,
    /// Numbers of versions per record, where the layout has no version column.
    pub numbering: Numbering,
}

/// A value of a history row, from the history table's own columns.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// A column (quoted) and its type as PostgreSQL names it (`bigint`, `uuid`…).
    Column { col: String, ty: String },
    /// Text at a path into a JSON or hstore column (`context.user_id`).
    Path {
        col: String,
        path: Vec<String>,
        hstore: bool,
    },
    /// The first of two columns (of one type) that is not null.
    FirstOf { a: String, b: String, ty: String },
}

impl Expr {
    pub(crate) fn ty(&self) -> &str {
        match self {
            Expr::Column { ty, .. } | Expr::FirstOf { ty, .. } => ty,
            Expr::Path { .. } => "text",
        }
    }
}

/// The table naming actors: quoted names of its key (and the key's type),
/// its label, and its email and role columns where it has them.
#[derive(Debug, Clone)]
pub struct ActorTable {
    pub(crate) table: String,
    pub(crate) key: String,
    pub(crate) key_ty: String,
    pub(crate) label: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) role: Option<String>,
}

/// The records' own table: quoted names of its key, label, title and status.
#[derive(Debug, Clone)]
pub struct Records {
    pub(crate) table: String,
    pub(crate) key: String,
    /// The key's name as written (a key of the row as JSON).
    pub(crate) key_name: String,
    pub(crate) key_ty: String,
    pub(crate) label: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) status: Option<String>,
    /// The label's and title's names as written (keys of a record's state).
    pub(crate) label_name: Option<String>,
    pub(crate) title_name: Option<String>,
    /// The label's column in the history table itself (quoted), where each
    /// history row is the whole record: how a deleted record is found by it.
    pub(crate) history_label: Option<String>,
    /// `schema.table`, for people.
    pub name: String,
}

impl Layout {
    pub fn order(&self) -> OrderKind {
        self.order
    }

    /// What a record is called (`shipment`, `order`…).
    pub fn noun(&self) -> &str {
        self.mapping.noun()
    }

    /// What records are called (`shipments`, `deliveries`…).
    pub fn nouns(&self) -> String {
        self.mapping.nouns()
    }

    /// Whether the layout is Waybill's own (the one the concurrency test, the
    /// overview and the integrity scan read today).
    pub fn is_waybill(&self) -> bool {
        self.mapping == Mapping::waybill()
    }

    pub fn records(&self) -> Option<&Records> {
        self.records.as_ref()
    }

    /// `{r}.key = {history}`: a records' row matching a history key (SQL
    /// text of its own type). Where the history keeps keys as text (Bemi's
    /// `primary_key`) and the table does not, both are compared as text.
    pub(crate) fn records_key_eq(&self, r: &str, history: &str) -> String {
        let Some(records) = &self.records else {
            return "false".into();
        };
        if records.key_ty == self.key.ty() {
            format!("{r}.{} = {history}", records.key)
        } else {
            format!("{r}.{}::text = ({history})::text", records.key)
        }
    }

    /// Pushes the history as one relation aliased `h`, in Waybill's columns:
    /// `shipment_id` (the record key, its own type), `version_no` (the order
    /// key: the version column, else the layout's order), `ord2` (a time
    /// order's tie-breaker, else 0), `event_type`, `actor_id` and
    /// `actor_name` (text), `"timestamp"` (timestamptz), `description`,
    /// `changes` (jsonb, as `{field: {"old", "new"}}`) and `snapshot` (jsonb,
    /// the record after the change, where known).
    pub fn push_from(&self, q: &mut QueryBuilder<'_, Postgres>) {
        sql::push_from(self, q, "h");
    }

    /// As `push_from`, with a pairs layout's pairs as stored (`pairs`,
    /// `pair_event`; see `sql::push_from_with`) instead of rewritten by the
    /// server: for reading every row of a big history (the integrity scan),
    /// each decoded with `domain::changes::from_pairs`.
    pub fn push_from_raw_pairs(&self, q: &mut QueryBuilder<'_, Postgres>) {
        sql::push_from_with(self, q, "h", true);
    }

    /// Only each row's record key and order key, under `alias`: for counting
    /// and numbering versions without reading what they changed.
    pub fn push_keys_as(&self, q: &mut QueryBuilder<'_, Postgres>, alias: &str) {
        sql::push_keys(self, q, alias);
    }

    /// A query for the key of the record its history labelled `label`
    /// (ignoring case), newest first: how a record whose row is gone is
    /// found by its reference. Where the history's rows are whole records it
    /// reads their label column; else it reads what each change recorded,
    /// a scan of the history, which is why it is the last lookup tried.
    pub fn key_by_label_query(&self, label: &str) -> Option<QueryBuilder<'static, Postgres>> {
        let r = self.records.as_ref()?;
        let mut q = QueryBuilder::new("");
        match (&r.history_label, &r.label_name) {
            (Some(column), _) => sql::push_key_by_history_label(&mut q, self, column, label),
            (None, Some(name)) => {
                q.push("SELECT h.shipment_id::text FROM ");
                sql::push_from(self, &mut q, "h");
                q.push(" WHERE upper(COALESCE(h.snapshot ->> ")
                    .push_bind(name.clone())
                    .push(", h.changes -> ")
                    .push_bind(name.clone())
                    .push(" ->> 'new', h.changes -> ")
                    .push_bind(name.clone())
                    .push(" ->> 'old')) = upper(")
                    .push_bind(label.to_string())
                    .push(") ORDER BY h.version_no DESC, h.ord2 DESC LIMIT 1");
            }
            (None, None) => return None,
        }
        Some(q)
    }

    /// `(…)`: the newest value the history gave the record's field `name`
    /// (its state's, or the change that set it), for the record whose key
    /// `push_key` pushes: how a record whose row is gone is named.
    pub fn push_named_by_history(
        &self,
        q: &mut QueryBuilder<'_, Postgres>,
        name: &str,
        push_key: impl FnOnce(&mut QueryBuilder<'_, Postgres>),
    ) {
        let value = |q: &mut QueryBuilder<'_, Postgres>| {
            q.push("COALESCE(hn.snapshot ->> ")
                .push_bind(name.to_string())
                .push(", hn.changes -> ")
                .push_bind(name.to_string())
                .push(" ->> 'new', hn.changes -> ")
                .push_bind(name.to_string())
                .push(" ->> 'old')");
        };
        q.push("(SELECT (array_agg(");
        value(q);
        q.push(" ORDER BY hn.version_no DESC, hn.ord2 DESC) FILTER (WHERE ");
        value(q);
        q.push(" IS NOT NULL))[1] FROM ");
        sql::push_from(self, q, "hn");
        q.push(" WHERE hn.shipment_id = ");
        push_key(q);
        q.push(")");
    }

    /// The same relation under another alias (a subquery inside a query on `h`).
    pub fn push_from_as(&self, q: &mut QueryBuilder<'_, Postgres>, alias: &str) {
        sql::push_from(self, q, alias);
    }

    /// `$n::type`: a record key as text, cast to the key's own type, so an
    /// index on the key serves it (check `key_is_valid` first: a key of the
    /// wrong shape is no record, not a failed cast).
    pub fn push_key(&self, q: &mut QueryBuilder<'_, Postgres>, key: &str) {
        q.push_bind(key.to_string()).push(format!("::text::{}", self.key.ty()));
    }

    /// `$n::text[]::type[]`: record keys as text, cast to the key's own type
    /// (each checked with `key_is_valid` first, or read from the history).
    pub fn push_key_array(&self, q: &mut QueryBuilder<'_, Postgres>, keys: Vec<String>) {
        q.push_bind(keys).push(format!("::text[]::{}[]", self.key.ty()));
    }

    /// The field of a record's state (and of what changed) holding its
    /// status: the records table's status column, else `status`.
    pub fn status_field(&self) -> &str {
        self.mapping
            .records_status
            .as_deref()
            .unwrap_or(crate::domain::vocabulary::STATUS_FIELD)
    }

    /// The history table's own columns that hold what Waybill's layout calls
    /// `column` (`shipment_id`, `version_no`, `timestamp`, `actor_id`,
    /// `event_type`), names as written: the order's one or two columns for
    /// `version_no` where there is no version column. `None` where the layout
    /// keeps it in no column of its own (a JSON path, two columns' first
    /// non-null): no index can be on it. How an index Waybill wants on its
    /// own table is found or made on any other.
    pub fn columns_for(&self, column: &str) -> Option<Vec<String>> {
        let plain = |e: &Expr| matches!(e, Expr::Column { .. });
        let m = &self.mapping;
        match column {
            "shipment_id" => plain(&self.key).then(|| vec![m.key.clone()]),
            "version_no" => {
                let written = m.version.as_deref().or(m.order.as_deref())?;
                let parts: Vec<String> = written.split('+').map(|p| p.trim().to_string()).collect();
                let exprs = std::iter::once(&self.ord).chain(self.ord2.as_ref());
                (exprs.clone().all(plain) && parts.len() == exprs.count()).then_some(parts)
            }
            "timestamp" => self
                .time
                .as_ref()
                .filter(|e| plain(e))
                .map(|_| vec![m.time.clone().unwrap_or_default()]),
            "actor_id" => self
                .actor
                .as_ref()
                .filter(|e| plain(e))
                .map(|_| vec![m.actor.clone().unwrap_or_default()]),
            "event_type" => self
                .event
                .as_ref()
                .filter(|e| plain(e))
                .map(|_| vec![m.event.clone().unwrap_or_default()]),
            _ => None,
        }
    }

    /// Whether what changed is a stored column read as it is (Waybill's
    /// `{field: {old, new}}`), rather than computed for each row.
    pub fn stores_changes_as_read(&self) -> bool {
        matches!(self.changes, sql::Changes::OldNew { .. } | sql::Changes::None)
    }

    /// Whether the layout's time is stored as `timestamptz`: only then can an
    /// index on it serve a range of instants (a `timestamp` is read as UTC,
    /// an expression no index holds).
    pub fn time_is_instant(&self) -> bool {
        self.time.as_ref().is_some_and(|t| t.ty() == "timestamp with time zone")
    }

    /// Whether an index on the time could serve a range of instants: a
    /// `timestamptz` column of its own.
    pub fn time_indexable(&self) -> bool {
        self.time_is_instant() && matches!(self.time, Some(Expr::Column { .. }))
    }

    /// The columns of the row filters (`item_type`), by name.
    pub fn filter_columns(&self) -> Vec<String> {
        self.mapping.filter.keys().cloned().collect()
    }

    /// The history table, for health and people: `own` (where a profile
    /// keeps Waybill's, perhaps in a schema of its own) on Waybill's layout,
    /// else the one the mapping names.
    pub fn table_or(&self, own: &crate::domain::HistoryTable) -> Result<crate::domain::HistoryTable> {
        if self.is_waybill() {
            Ok(own.clone())
        } else {
            crate::domain::HistoryTable::parse(&self.table_name)
        }
    }

    /// The record key's type as the history stores it (`uuid`, `bigint`…).
    pub fn key_type(&self) -> &str {
        self.key.ty()
    }

    /// The actor's type as the history stores it (`uuid`, `text`…).
    pub fn actor_type(&self) -> &str {
        self.actor.as_ref().map_or("text", Expr::ty)
    }

    /// Whether the layout says when a change was made.
    pub fn has_time(&self) -> bool {
        self.time.is_some()
    }

    /// Whether the layout says who made a change.
    pub fn has_actor(&self) -> bool {
        self.actor.is_some()
    }

    pub fn actor_table(&self) -> Option<&ActorTable> {
        self.actors.as_ref()
    }

    /// Whether the layout names actors (a table with their names).
    pub fn names_actors(&self) -> bool {
        self.actors.as_ref().is_some_and(|a| a.label.is_some())
    }

    /// `$n::type`: an actor as text, cast to the actor's own type (check
    /// `actor_is_valid` first).
    pub fn push_actor(&self, q: &mut QueryBuilder<'_, Postgres>, actor: &str) {
        q.push_bind(actor.to_string())
            .push(format!("::text::{}", self.actor_type()));
    }

    pub fn actor_is_valid(&self, text: &str) -> bool {
        sql::fits_type(text, self.actor_type())
    }

    /// Whether `text` can be a key of this layout's records (a number for a
    /// numeric key, a uuid for a uuid key).
    pub fn key_is_valid(&self, text: &str) -> bool {
        sql::fits_type(text, self.key.ty())
    }
}

/// Whether `text` can be a value of the SQL type `ty` (so a cast never fails).
pub fn fits(text: &str, ty: &str) -> bool {
    sql::fits_type(text, ty)
}

/// What a database's `Db` carries: the mapping its connection reads through,
/// checked against the catalog on first use. Every clone of the `Db` shares
/// it, so choosing another history (`set_mapping`) changes what the whole
/// connection reads, and a read already running keeps the layout it began with.
pub struct LayoutCell {
    current: std::sync::RwLock<Arc<Slot>>,
}

struct Slot {
    mapping: Mapping,
    resolved: OnceCell<Arc<Layout>>,
}

impl LayoutCell {
    pub fn new(mapping: Mapping) -> LayoutCell {
        LayoutCell {
            current: std::sync::RwLock::new(Arc::new(Slot {
                mapping,
                resolved: OnceCell::new(),
            })),
        }
    }

    fn slot(&self) -> Arc<Slot> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

fn cell(db: &Db) -> Option<Arc<LayoutCell>> {
    db.extension().and_then(|e| e.clone().downcast::<LayoutCell>().ok())
}

/// The layout `db` reads through: its connection's mapping (Waybill's own
/// unless a profile or `--history` says otherwise), checked against the
/// catalog once, on `conn`. A failed check is not kept: the next read tries
/// again (the tables may have been installed since).
pub async fn layout(db: &Db, conn: &mut PgConnection) -> Result<Arc<Layout>> {
    let Some(cell) = cell(db) else {
        // A bare pool (tests, the sandbox's own set-up): Waybill's layout, checked each time.
        return Ok(Arc::new(catalog::resolve(conn, &Mapping::waybill()).await?));
    };
    let slot = cell.slot();
    let layout = slot
        .resolved
        .get_or_try_init(|| async { catalog::resolve(conn, &slot.mapping).await.map(Arc::new) })
        .await?;
    Ok(layout.clone())
}

/// Makes `db` (and every clone of it) read through `mapping` from now on.
/// False for a bare pool, which carries no mapping (see `with_mapping`).
pub fn set_mapping(db: &Db, mapping: Mapping) -> bool {
    let Some(cell) = cell(db) else { return false };
    *cell.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Slot {
        mapping,
        resolved: OnceCell::new(),
    });
    true
}

/// The layout `db` reads through, which must be Waybill's own for `feature`
/// (the features that do not yet read other layouts say so plainly).
pub async fn require_waybill(db: &Db, conn: &mut PgConnection, feature: &'static str) -> Result<Arc<Layout>> {
    let layout = layout(db, conn).await?;
    if !layout.is_waybill() {
        return Err(crate::error::Error::LayoutUnsupported {
            feature,
            layout: format!("{} ({})", layout.mapping.preset.title(), layout.table_name),
        });
    }
    Ok(layout)
}

/// As `require_waybill`, in a read of its own.
pub async fn check_waybill(db: &Db, feature: &'static str) -> Result<()> {
    db.read(|r| async move { require_waybill(db, &mut *r.conn().await, feature).await.map(drop) })
        .await
}

/// For what calls Waybill's `create_history_entry` on its own tables (the
/// concurrency test, the function probe): on another layout, why there is
/// nothing to call (most keep no version numbers; Audited numbers them in
/// the application), or that a layout described by hand is not tested yet.
pub async fn check_version_function(db: &Db, feature: &'static str) -> Result<()> {
    let layout = db
        .read(|r| async move { self::layout(db, &mut *r.conn().await).await })
        .await?;
    if layout.is_waybill() {
        return Ok(());
    }
    let name = format!("{} ({})", layout.mapping.preset.title(), layout.table_name);
    Err(match layout.mapping.preset.versions_without_function() {
        Some(why) => crate::error::Error::NoVersionFunction { layout: name, why },
        None => crate::error::Error::LayoutUnsupported { feature, layout: name },
    })
}

/// The mapping `db` reads through, before it is checked.
pub fn mapping_of(db: &Db) -> Mapping {
    cell(db).map_or_else(Mapping::waybill, |cell| cell.slot().mapping.clone())
}

/// `db` reading through `mapping`.
pub fn with_mapping(db: Db, mapping: Mapping) -> Db {
    db.with_extension(Arc::new(LayoutCell::new(mapping)))
}

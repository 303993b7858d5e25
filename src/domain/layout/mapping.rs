//! A history mapping as a person writes it: where the history is and how to
//! read it, by names (a table, its columns, the shape of what changed). It is
//! only words until `catalog::resolve` checks every name against the database
//! and turns it into a `Layout`; nothing here reaches SQL as text.
//!
//! Written as a SPEC on the command line (`papertrail:item_type=Shipment`,
//! `custom:table=audit.history,key=row_id,…`), as a TOML file of the same keys,
//! or saved with a connection profile (as JSON).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::presets::Preset;
use crate::error::{Error, Field, Result};

/// How a history records what a version changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangesFormat {
    /// `{field: {"old": …, "new": …}}` (Waybill's own).
    #[default]
    OldNew,
    /// `{field: [old, new]}` (PaperTrail's `object_changes`, Audited's
    /// `audited_changes`, whose create rows hold `{field: value}`).
    Pairs,
    /// Two columns, the row (or the changed fields) before and after
    /// (supa_audit's `old_record`/`record`, Bemi's `before`/`after`, Laravel's
    /// `old_values`/`new_values`).
    Columns,
    /// Each history row is the whole row after the change, in the history
    /// table's own columns (django-simple-history, SQL:2011 history rows).
    AfterImage,
    /// Each history row holds the whole row before the change (PaperTrail's
    /// `object` without `object_changes`).
    BeforeImage,
    /// hstore: the row before (`old`) and the changed fields' new values (`new`)
    /// (the 2ndQuadrant audit trigger's `row_data` and `changed_fields`).
    Hstore,
}

impl ChangesFormat {
    pub const ALL: [ChangesFormat; 6] = [
        ChangesFormat::OldNew,
        ChangesFormat::Pairs,
        ChangesFormat::Columns,
        ChangesFormat::AfterImage,
        ChangesFormat::BeforeImage,
        ChangesFormat::Hstore,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ChangesFormat::OldNew => "old_new",
            ChangesFormat::Pairs => "pairs",
            ChangesFormat::Columns => "columns",
            ChangesFormat::AfterImage => "after_image",
            ChangesFormat::BeforeImage => "before_image",
            ChangesFormat::Hstore => "hstore",
        }
    }

    fn parse(text: &str) -> Result<ChangesFormat> {
        ChangesFormat::ALL
            .into_iter()
            .find(|f| f.name() == text)
            .ok_or_else(|| {
                Error::invalid(
                    Field::History,
                    format!(
                        "`{text}` is not a changes format; use one of {}",
                        ChangesFormat::ALL.map(|f| f.name()).join(", ")
                    ),
                )
            })
    }
}

/// Where the history is and how to read it, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Mapping {
    /// The preset it started from (`waybill`, `papertrail`…, or `custom`).
    #[serde(default)]
    pub preset: Preset,
    /// The history table, `schema.table` or `table` (in the search path).
    pub table: String,
    /// Only rows whose `column` holds `value`, each (`item_type = 'Shipment'`).
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    /// The record a row is about: a column (`item_id`), a path into a JSON or
    /// hstore column (`row_data.id`), or the first non-null of two columns
    /// (`record_id|old_record_id`).
    pub key: String,
    /// A per-record version column (1, 2, 3… for each record), if there is one.
    #[serde(default)]
    pub version: Option<String>,
    /// Without a version column: the order of rows, a column (`id`) or a time
    /// and a tie-breaker (`committed_at+position`); versions are then numbered
    /// 1..n per record in this order.
    #[serde(default)]
    pub order: Option<String>,
    /// When the change was made.
    #[serde(default)]
    pub time: Option<String>,
    /// Who made it: a column or a path into a JSON column (`context.user_id`).
    #[serde(default)]
    pub actor: Option<String>,
    /// A table naming the actors (`users`), joined on `actor_key` (default `id`).
    #[serde(default)]
    pub actor_table: Option<String>,
    #[serde(default)]
    pub actor_key: Option<String>,
    /// The actor table's column shown as the name (`name`, `email`…).
    #[serde(default)]
    pub actor_label: Option<String>,
    /// The event or operation.
    #[serde(default)]
    pub event: Option<String>,
    /// The event's stored values shown as other words (`destroy` → `deleted`).
    #[serde(default)]
    pub events: BTreeMap<String, String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The column of what changed (`old_new`, `pairs`, `before_image`).
    #[serde(default)]
    pub changes: Option<String>,
    #[serde(default)]
    pub changes_format: ChangesFormat,
    /// The before and after columns (`columns`, `hstore`).
    #[serde(default)]
    pub old: Option<String>,
    #[serde(default)]
    pub new: Option<String>,
    /// Columns of an after image that are the history's own bookkeeping, not
    /// the record's (`history_id`, `history_date`…).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// A column holding the whole record after the change.
    #[serde(default)]
    pub snapshot: Option<String>,
    /// The records' own table, for a reference, a title and a status.
    #[serde(default)]
    pub records_table: Option<String>,
    #[serde(default)]
    pub records_key: Option<String>,
    /// The records table's column people search by and recognise (a reference).
    #[serde(default)]
    pub records_label: Option<String>,
    #[serde(default)]
    pub records_title: Option<String>,
    #[serde(default)]
    pub records_status: Option<String>,
    /// What a record is called in the window and the CLI (default "shipment").
    #[serde(default)]
    pub noun: Option<String>,
}

impl Mapping {
    /// Waybill's own layout: the tables its migrations install.
    pub fn waybill() -> Mapping {
        Preset::Waybill.mapping(&[]).unwrap_or_default()
    }

    /// What a record is called.
    pub fn noun(&self) -> &str {
        self.noun.as_deref().unwrap_or("shipment")
    }

    /// What records are called (`shipments`, `deliveries`).
    pub fn nouns(&self) -> String {
        super::presets::plural(self.noun())
    }

    /// A SPEC (`papertrail:item_type=Shipment`, `custom:table=…,key=…`) or
    /// the path of a TOML file with the same keys.
    pub fn parse_spec(spec: &str) -> Result<Mapping> {
        let spec = spec.trim();
        if spec.ends_with(".toml") || Path::new(spec).is_file() {
            return Mapping::from_toml_file(Path::new(spec));
        }
        let (name, options) = spec.split_once(':').unwrap_or((spec, ""));
        let preset = Preset::parse(name)?;
        let mut pairs = Vec::new();
        for part in options.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| Error::invalid(Field::History, format!("`{part}` in `{spec}` is not key=value")))?;
            pairs.push((k.trim().to_string(), v.trim().to_string()));
        }
        preset.mapping(&pairs)
    }

    fn from_toml_file(path: &Path) -> Result<Mapping> {
        let text = std::fs::read_to_string(path).map_err(Error::io(format!("reading {}", path.display())))?;
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            Error::invalid(
                Field::History,
                format!("{} is not valid TOML: {}", path.display(), e.message()),
            )
        })?;
        let preset = match table.get("preset") {
            Some(toml::Value::String(p)) => Preset::parse(p)?,
            Some(_) => return Err(Error::invalid(Field::History, "`preset` is a name, in quotes")),
            None => Preset::Custom,
        };
        let mut pairs = Vec::new();
        for (k, v) in &table {
            match (k.as_str(), v) {
                ("preset", _) => {}
                ("filter", toml::Value::Table(filters)) => {
                    for (column, value) in filters {
                        pairs.push((format!("filter.{column}"), scalar(value)?));
                    }
                }
                ("events", toml::Value::Table(words)) => {
                    for (stored, shown) in words {
                        pairs.push((format!("events.{stored}"), scalar(shown)?));
                    }
                }
                ("exclude", toml::Value::Array(columns)) => {
                    let names: Vec<String> = columns.iter().map(scalar).collect::<Result<_>>()?;
                    pairs.push(("exclude".into(), names.join("|")));
                }
                (k, v) => pairs.push((k.to_string(), scalar(v)?)),
            }
        }
        preset.mapping(&pairs)
    }

    /// Sets one key, as a SPEC or a file gives it; unknown keys are refused by name.
    pub(super) fn set(&mut self, key: &str, value: &str) -> Result<()> {
        // An empty value says "none" (what `to_spec` writes for a key the preset has and this mapping not).
        let some = || Some(value.trim().to_string()).filter(|v| !v.is_empty());
        if let Some(column) = key.strip_prefix("filter.") {
            self.filter.insert(column.to_string(), value.to_string());
            return Ok(());
        }
        if let Some(stored) = key.strip_prefix("events.") {
            self.events.insert(stored.to_string(), value.to_string());
            return Ok(());
        }
        match key {
            "table" => self.table = value.to_string(),
            "key" => self.key = value.to_string(),
            "version" => {
                self.version = some();
                self.order = None;
            }
            "order" => {
                self.order = some();
                self.version = None;
            }
            "time" => self.time = some(),
            "actor" => self.actor = some(),
            "actor_table" => self.actor_table = some(),
            "actor_key" => self.actor_key = some(),
            "actor_label" => self.actor_label = some(),
            "event" => self.event = some(),
            "description" => self.description = some(),
            "changes" => self.changes = some(),
            "changes_format" => self.changes_format = ChangesFormat::parse(value)?,
            "old" => self.old = some(),
            "new" => self.new = some(),
            "exclude" => self.exclude = value.split('|').map(|c| c.trim().to_string()).collect(),
            "snapshot" => self.snapshot = some(),
            "records_table" => self.records_table = some(),
            "records_key" => self.records_key = some(),
            "records_label" => self.records_label = some(),
            "records_title" => self.records_title = some(),
            "records_status" => self.records_status = some(),
            "noun" => self.noun = some(),
            other => {
                return Err(Error::invalid(
                    Field::History,
                    format!("`{other}` is not a key of a history mapping; the keys are {KEYS}"),
                ))
            }
        }
        Ok(())
    }

    /// The preset's options this mapping was made with (`item_type=Shipment`),
    /// as a SPEC says them.
    fn shorthand(&self) -> Vec<(String, String)> {
        // A preset's own option (`item_type=Shipment`) says more than the filter it sets.
        let mut shorthand: Vec<(String, String)> = self
            .preset
            .spec_options()
            .iter()
            .filter_map(|(option, column)| self.filter.get(*column).map(|v| (option.to_string(), v.clone())))
            .collect();
        // supa_audit and the audit trigger name the audited table as `schema.table`.
        let (schema_col, name_col) = match self.preset {
            Preset::SupaAudit => ("table_schema", "table_name"),
            _ => ("schema_name", "table_name"),
        };
        if matches!(self.preset, Preset::SupaAudit | Preset::AuditTrigger) {
            if let (Some(schema), Some(name)) = (self.filter.get(schema_col), self.filter.get(name_col)) {
                shorthand.push(("table".into(), format!("{schema}.{name}")));
            }
        }
        // System versioning names the versioned table; its history is the view of both.
        if self.preset == Preset::SystemVersioning {
            if let Some(base) = self.table.strip_suffix("_with_history") {
                shorthand.push(("table".into(), base.to_string()));
            }
        }
        shorthand
    }

    /// The preset's own mapping with this one's options: what it differs from,
    /// and the tables it names that may be missing (see `catalog::resolve`).
    pub(super) fn preset_base(&self) -> Mapping {
        self.preset.mapping(&self.shorthand()).unwrap_or_default()
    }

    /// The SPEC that gives this mapping back (`waybill history detect` prints it).
    pub fn to_spec(&self) -> String {
        let shorthand = self.shorthand();
        let base = self.preset.mapping(&shorthand).unwrap_or_default();
        let o = |v: &Option<String>| v.clone();
        let mut keys: Vec<(String, Option<String>, Option<String>)> = vec![
            ("table".into(), Some(self.table.clone()), Some(base.table.clone())),
            ("key".into(), Some(self.key.clone()), Some(base.key.clone())),
            ("version".into(), o(&self.version), o(&base.version)),
            ("order".into(), o(&self.order), o(&base.order)),
            ("time".into(), o(&self.time), o(&base.time)),
            ("actor".into(), o(&self.actor), o(&base.actor)),
            ("actor_table".into(), o(&self.actor_table), o(&base.actor_table)),
            ("actor_key".into(), o(&self.actor_key), o(&base.actor_key)),
            ("actor_label".into(), o(&self.actor_label), o(&base.actor_label)),
            ("event".into(), o(&self.event), o(&base.event)),
            ("description".into(), o(&self.description), o(&base.description)),
            ("changes".into(), o(&self.changes), o(&base.changes)),
            (
                "changes_format".into(),
                Some(self.changes_format.name().into()),
                Some(base.changes_format.name().into()),
            ),
            ("old".into(), o(&self.old), o(&base.old)),
            ("new".into(), o(&self.new), o(&base.new)),
            ("snapshot".into(), o(&self.snapshot), o(&base.snapshot)),
            ("records_table".into(), o(&self.records_table), o(&base.records_table)),
            ("records_key".into(), o(&self.records_key), o(&base.records_key)),
            ("records_label".into(), o(&self.records_label), o(&base.records_label)),
            ("records_title".into(), o(&self.records_title), o(&base.records_title)),
            (
                "records_status".into(),
                o(&self.records_status),
                o(&base.records_status),
            ),
            ("noun".into(), o(&self.noun), o(&base.noun)),
        ];
        if self.exclude != base.exclude {
            keys.push(("exclude".into(), Some(self.exclude.join("|")), None));
        }
        for (column, value) in &self.filter {
            keys.push((
                format!("filter.{column}"),
                Some(value.clone()),
                base.filter.get(column).cloned(),
            ));
        }
        for (stored, word) in &self.events {
            keys.push((
                format!("events.{stored}"),
                Some(word.clone()),
                base.events.get(stored).cloned(),
            ));
        }
        let parts: Vec<String> = shorthand
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .chain(
                keys.into_iter()
                    .filter(|(_, mine, theirs)| mine != theirs)
                    .map(|(key, mine, _)| format!("{key}={}", mine.unwrap_or_default())),
            )
            .collect();
        if parts.is_empty() {
            self.preset.name().to_string()
        } else {
            format!("{}:{}", self.preset.name(), parts.join(","))
        }
    }
}

/// The keys a SPEC or a file may set.
pub const KEYS: &str = "table, key, version, order, time, actor, actor_table, actor_key, actor_label, event, \
events.VALUE, description, changes, changes_format, old, new, exclude, snapshot, filter.COLUMN, records_table, \
records_key, records_label, records_title, records_status, noun";

fn scalar(value: &toml::Value) -> Result<String> {
    match value {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        other => Err(Error::invalid(
            Field::History,
            format!("`{other}` is not a plain value (a text, a number or true/false)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_is_a_preset_with_its_options() {
        let m = Mapping::parse_spec("papertrail:item_type=Shipment").unwrap();
        assert_eq!(m.preset, Preset::Papertrail);
        assert_eq!(m.table, "versions");
        assert_eq!(m.filter.get("item_type").map(String::as_str), Some("Shipment"));
        assert_eq!(m.changes_format, ChangesFormat::Pairs);
        assert_eq!(m.to_spec(), "papertrail:item_type=Shipment");
        assert_eq!(Mapping::parse_spec(&m.to_spec()).unwrap(), m);

        let m = Mapping::parse_spec("waybill:changes=metadata,changes_format=pairs").unwrap();
        assert_eq!(
            (m.changes.as_deref(), m.changes_format),
            (Some("metadata"), ChangesFormat::Pairs)
        );
        assert_eq!(m.key, "shipment_id", "the rest stays the preset's");
        assert_eq!(Mapping::parse_spec(&m.to_spec()).unwrap(), m);

        let m = Mapping::parse_spec("supa_audit:table=public.shipments").unwrap();
        assert_eq!(m.to_spec(), "supa_audit:table=public.shipments");
        assert_eq!(Mapping::parse_spec(&m.to_spec()).unwrap(), m);

        let m = Mapping::parse_spec("system_versioning:table=public.shipments").unwrap();
        assert_eq!(m.to_spec(), "system_versioning:table=public.shipments");
        assert_eq!(Mapping::parse_spec(&m.to_spec()).unwrap(), m);
    }

    #[test]
    fn the_readmes_toml_example_reads() {
        let readme = include_str!("../../../README.md");
        let start = readme.find("```toml\n").expect("the README has a TOML example") + 8;
        let text = &readme[start..start + readme[start..].find("```").unwrap()];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders-history.toml");
        std::fs::write(&path, text).unwrap();
        let m = Mapping::parse_spec(path.to_str().unwrap()).unwrap();
        assert_eq!(
            (m.preset, m.table.as_str(), m.noun()),
            (Preset::Custom, "audit.order_changes", "order")
        );
        assert_eq!(m.version.as_deref(), Some("rev"));
    }

    #[test]
    fn a_custom_spec_names_every_key_and_a_wrong_one_is_named() {
        let m = Mapping::parse_spec(
            "custom:table=audit.history,key=row_id,order=id,time=at,actor=who,changes=diff,changes_format=columns,old=before,new=after,filter.tbl=orders",
        )
        .unwrap();
        assert_eq!(m.table, "audit.history");
        assert_eq!((m.old.as_deref(), m.new.as_deref()), (Some("before"), Some("after")));
        let e = Mapping::parse_spec("custom:table=x,colour=red")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`colour` is not a key") && e.contains("records_label"),
            "{e}"
        );
        let e = Mapping::parse_spec("nosuch").unwrap_err().to_string();
        assert!(e.contains("papertrail"), "{e}");
        let e = Mapping::parse_spec("custom:table").unwrap_err().to_string();
        assert!(e.contains("is not key=value"), "{e}");
        let e = Mapping::parse_spec("custom:changes_format=yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("old_new, pairs"), "{e}");
    }

    #[test]
    fn a_toml_file_holds_the_same_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mapping.toml");
        std::fs::write(
            &path,
            "preset = \"audited\"\nnoun = \"order\"\n[filter]\nauditable_type = \"Order\"\n[events]\ndestroy = \"cancelled\"\n",
        )
        .unwrap();
        let m = Mapping::parse_spec(path.to_str().unwrap()).unwrap();
        assert_eq!(m.preset, Preset::Audited);
        assert_eq!(m.noun(), "order");
        assert_eq!(m.filter.get("auditable_type").map(String::as_str), Some("Order"));
        assert_eq!(m.events.get("destroy").map(String::as_str), Some("cancelled"));
        std::fs::write(&path, "table = [").unwrap();
        let e = Mapping::parse_spec(path.to_str().unwrap()).unwrap_err().to_string();
        assert!(e.contains("is not valid TOML"), "{e}");
    }
}

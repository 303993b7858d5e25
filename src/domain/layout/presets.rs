//! The layouts audit libraries write, each a mapping filled in: Waybill's own,
//! PaperTrail, Audited, supa_audit, Bemi, django-simple-history, SQL:2011
//! system versioning (the `periods` extension), the 2ndQuadrant audit trigger,
//! and `custom` (every key given by hand). Each is the library's documented
//! table definition; options a preset takes by name (`item_type=Shipment`)
//! become its row filter, any other key overrides the preset's own.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::mapping::{ChangesFormat, Mapping};
use crate::error::{Error, Field, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Preset {
    #[default]
    Waybill,
    Papertrail,
    Audited,
    SupaAudit,
    Bemi,
    SimpleHistory,
    SystemVersioning,
    AuditTrigger,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 9] = [
        Preset::Waybill,
        Preset::Papertrail,
        Preset::Audited,
        Preset::SupaAudit,
        Preset::Bemi,
        Preset::SimpleHistory,
        Preset::SystemVersioning,
        Preset::AuditTrigger,
        Preset::Custom,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Waybill => "waybill",
            Preset::Papertrail => "papertrail",
            Preset::Audited => "audited",
            Preset::SupaAudit => "supa_audit",
            Preset::Bemi => "bemi",
            Preset::SimpleHistory => "simple_history",
            Preset::SystemVersioning => "system_versioning",
            Preset::AuditTrigger => "audit_trigger",
            Preset::Custom => "custom",
        }
    }

    /// What it is, for people choosing one.
    pub fn title(self) -> &'static str {
        match self {
            Preset::Waybill => "Waybill's own history (shipment_history)",
            Preset::Papertrail => "PaperTrail (Ruby on Rails): versions",
            Preset::Audited => "Audited (Ruby on Rails): audits",
            Preset::SupaAudit => "supa_audit (Supabase): audit.record_version",
            Preset::Bemi => "Bemi: changes",
            Preset::SimpleHistory => "django-simple-history: historical tables",
            Preset::SystemVersioning => "SQL:2011 system versioning (periods): a table with its history",
            Preset::AuditTrigger => "2ndQuadrant audit trigger: audit.logged_actions",
            Preset::Custom => "Your own layout, every key given",
        }
    }

    pub fn parse(name: &str) -> Result<Preset> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        Preset::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| {
            Error::invalid(
                Field::History,
                format!(
                    "`{name}` is not a layout; use one of {}, or the path of a .toml file",
                    Preset::ALL.map(|p| p.name()).join(", ")
                ),
            )
        })
    }

    /// The options this preset takes by name that are one filter column each
    /// (option, column): how a SPEC says them back.
    pub(super) fn spec_options(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Preset::Papertrail => &[("item_type", "item_type")],
            Preset::Audited => &[("auditable_type", "auditable_type")],
            Preset::Bemi => &[("table", "table")],
            _ => &[],
        }
    }

    /// This preset's mapping with `options` applied.
    pub fn mapping(self, options: &[(String, String)]) -> Result<Mapping> {
        let mut m = self.base();
        for (key, value) in options {
            if !self.option(&mut m, key, value) {
                m.set(key, value)?;
            }
        }
        Ok(m)
    }

    /// Why a history in this layout has no database function that assigns
    /// its version numbers (what the concurrency test calls); `None` for
    /// Waybill's own and a layout described by hand, which may have one.
    pub fn versions_without_function(self) -> Option<&'static str> {
        Some(match self {
            Preset::Waybill | Preset::Custom => return None,
            Preset::Papertrail => "PaperTrail keeps no version numbers: the Rails application writes a row per change, ordered by its id",
            Preset::Audited => "Audited numbers versions in the Rails application (the largest version + 1, which concurrent saves can repeat)",
            Preset::SupaAudit => "supa_audit keeps no version numbers: its trigger writes a row per change, ordered by its id",
            Preset::Bemi => "Bemi keeps no version numbers: it writes changes from the write-ahead log, ordered by commit",
            Preset::SimpleHistory => "django-simple-history keeps no version numbers: it writes a row per save, ordered by history_id",
            Preset::SystemVersioning => "A system-versioned table keeps no version numbers: PostgreSQL keeps each past row with its time",
            Preset::AuditTrigger => "The audit trigger keeps no version numbers: it writes a row per change, ordered by event_id",
        })
    }

    /// The options a preset takes by name; false for any other key.
    fn option(self, m: &mut Mapping, key: &str, value: &str) -> bool {
        let noun = || Some(value.to_lowercase());
        match (self, key) {
            // A Rails model: its rows are in the table Rails names for it, if that is there.
            (Preset::Papertrail, "item_type") => {
                m.filter.insert("item_type".into(), value.into());
                m.noun = noun();
                m.records_table = Some(rails_table(value));
            }
            (Preset::Audited, "auditable_type") => {
                m.filter.insert("auditable_type".into(), value.into());
                m.noun = noun();
                m.records_table = Some(rails_table(value));
            }
            // The audited table, where the history table holds several.
            (Preset::SupaAudit, "table") => {
                let (schema, name) = value.split_once('.').unwrap_or(("public", value));
                m.filter.insert("table_schema".into(), schema.into());
                m.filter.insert("table_name".into(), name.into());
                m.noun = Some(singular(name));
            }
            (Preset::Bemi, "table") => {
                m.filter.insert("table".into(), value.into());
                m.noun = Some(singular(value));
            }
            (Preset::AuditTrigger, "table") => {
                let (schema, name) = value.split_once('.').unwrap_or(("public", value));
                m.filter.insert("schema_name".into(), schema.into());
                m.filter.insert("table_name".into(), name.into());
                m.noun = Some(singular(name));
            }
            // The versioned table: its history is the view periods makes of both.
            (Preset::SystemVersioning, "table") => {
                m.table = format!("{value}_with_history");
                m.records_table = Some(value.into());
                m.noun = Some(singular(value.rsplit('.').next().unwrap_or(value)));
            }
            _ => return false,
        }
        true
    }

    fn base(self) -> Mapping {
        let s = |text: &str| Some(text.to_string());
        let words = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let crud = words(&[("create", "created"), ("update", "updated"), ("destroy", "deleted")]);
        match self {
            Preset::Waybill => Mapping {
                preset: self,
                table: "shipment_history".into(),
                key: "shipment_id".into(),
                version: s("version_no"),
                time: s("timestamp"),
                actor: s("actor_id"),
                actor_table: s("actors"),
                actor_key: s("id"),
                actor_label: s("display_name"),
                event: s("event_type"),
                description: s("description"),
                changes: s("changes"),
                changes_format: ChangesFormat::OldNew,
                snapshot: s("snapshot"),
                records_table: s("shipment_requests"),
                records_key: s("id"),
                records_label: s("reference"),
                records_title: s("title"),
                records_status: s("status"),
                ..Mapping::default()
            },
            Preset::Papertrail => Mapping {
                preset: self,
                table: "versions".into(),
                key: "item_id".into(),
                order: s("id"),
                time: s("created_at"),
                actor: s("whodunnit"),
                // Rails' users, where the application has them (optional).
                actor_table: s("users"),
                event: s("event"),
                events: crud,
                changes: s("object_changes"),
                changes_format: ChangesFormat::Pairs,
                ..Mapping::default()
            },
            Preset::Audited => Mapping {
                preset: self,
                table: "audits".into(),
                key: "auditable_id".into(),
                version: s("version"),
                time: s("created_at"),
                actor: s("user_id"),
                actor_table: s("users"),
                event: s("action"),
                events: crud,
                description: s("comment"),
                changes: s("audited_changes"),
                changes_format: ChangesFormat::Pairs,
                ..Mapping::default()
            },
            Preset::SupaAudit => Mapping {
                preset: self,
                table: "audit.record_version".into(),
                key: "record_id|old_record_id".into(),
                order: s("id"),
                time: s("ts"),
                event: s("op"),
                events: words(&[
                    ("INSERT", "created"),
                    ("UPDATE", "updated"),
                    ("DELETE", "deleted"),
                    ("TRUNCATE", "truncated"),
                ]),
                changes_format: ChangesFormat::Columns,
                old: s("old_record"),
                new: s("record"),
                snapshot: s("record"),
                ..Mapping::default()
            },
            Preset::Bemi => Mapping {
                preset: self,
                table: "changes".into(),
                key: "primary_key".into(),
                order: s("committed_at+position"),
                time: s("committed_at"),
                actor: s("context.user_id"),
                event: s("operation"),
                events: words(&[
                    ("CREATE", "created"),
                    ("UPDATE", "updated"),
                    ("DELETE", "deleted"),
                    ("TRUNCATE", "truncated"),
                ]),
                changes_format: ChangesFormat::Columns,
                old: s("before"),
                new: s("after"),
                snapshot: s("after"),
                ..Mapping::default()
            },
            Preset::SimpleHistory => Mapping {
                preset: self,
                key: "id".into(),
                order: s("history_id"),
                time: s("history_date"),
                actor: s("history_user_id"),
                actor_table: s("auth_user"),
                actor_key: s("id"),
                actor_label: s("username"),
                event: s("history_type"),
                events: words(&[("+", "created"), ("~", "updated"), ("-", "deleted")]),
                description: s("history_change_reason"),
                changes_format: ChangesFormat::AfterImage,
                exclude: [
                    "history_id",
                    "history_date",
                    "history_change_reason",
                    "history_type",
                    "history_user_id",
                ]
                .map(String::from)
                .to_vec(),
                ..Mapping::default()
            },
            Preset::SystemVersioning => Mapping {
                preset: self,
                key: "id".into(),
                order: s("system_time_start"),
                time: s("system_time_start"),
                changes_format: ChangesFormat::AfterImage,
                exclude: ["system_time_start", "system_time_end"].map(String::from).to_vec(),
                ..Mapping::default()
            },
            Preset::AuditTrigger => Mapping {
                preset: self,
                table: "audit.logged_actions".into(),
                key: "row_data.id".into(),
                order: s("event_id"),
                time: s("action_tstamp_tx"),
                actor: s("session_user_name"),
                event: s("action"),
                events: words(&[("I", "created"), ("U", "updated"), ("D", "deleted"), ("T", "truncated")]),
                changes_format: ChangesFormat::Hstore,
                old: s("row_data"),
                new: s("changed_fields"),
                ..Mapping::default()
            },
            Preset::Custom => Mapping {
                preset: self,
                ..Mapping::default()
            },
        }
    }
}

/// The table Rails keeps a model's rows in (`Shipment` → `shipments`,
/// `LineItem` → `line_items`, `Admin::User` → `admin_users`), by its default
/// English plurals.
fn rails_table(model: &str) -> String {
    let mut snake = String::new();
    for (i, c) in model.replace("::", "_").chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !snake.ends_with('_') {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    plural(&snake)
}

/// A word with its first letter capital (`order` → `Order`).
pub fn capital(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A word's English plural (`order` → `orders`, `delivery` → `deliveries`,
/// `box` → `boxes`), as Rails and a list heading say it.
pub fn plural(word: &str) -> String {
    if let Some(stem) = word
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'i', 'o', 'u']))
    {
        format!("{stem}ies")
    } else if ["s", "x", "z", "ch", "sh"].iter().any(|e| word.ends_with(e)) {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// What one row of a table named `table` is (`shipments` → `shipment`), for
/// people: English plurals only, anything else as it is.
fn singular(table: &str) -> String {
    let t = table.to_lowercase();
    if let Some(stem) = t.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["sses", "xes", "ches", "shes"].iter().any(|e| t.ends_with(e)) {
        t[..t.len() - 2].to_string()
    } else if t.ends_with('s') && !t.ends_with("ss") {
        t[..t.len() - 1].to_string()
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rails_models_table_is_its_plural() {
        for (model, table) in [
            ("Shipment", "shipments"),
            ("LineItem", "line_items"),
            ("Admin::User", "admin_users"),
            ("Delivery", "deliveries"),
            ("Address", "addresses"),
            ("Day", "days"),
        ] {
            assert_eq!(rails_table(model), table);
        }
    }

    #[test]
    fn a_tables_rows_are_named_in_the_singular() {
        for (table, noun) in [
            ("shipments", "shipment"),
            ("deliveries", "delivery"),
            ("addresses", "address"),
            ("batches", "batch"),
            ("stock", "stock"),
            ("Orders", "order"),
        ] {
            assert_eq!(singular(table), noun);
        }
    }

    #[test]
    fn a_preset_has_one_name_and_json_spells_it_so() {
        for p in Preset::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), serde_json::json!(p.name()));
            assert_eq!(Preset::parse(p.name()).unwrap(), p);
        }
        assert_eq!(Preset::parse("Supa-Audit").unwrap(), Preset::SupaAudit);
    }

    #[test]
    fn each_preset_says_where_its_history_is_and_how_to_read_it() {
        for p in Preset::ALL.into_iter().filter(|p| *p != Preset::Custom) {
            let m = p.mapping(&[("table".into(), "public.things".into())]).unwrap();
            assert!(!m.key.is_empty(), "{p:?} names the record key");
            assert!(m.version.is_some() ^ m.order.is_some(), "{p:?}: a version or an order");
            assert!(m.time.is_some(), "{p:?} names the time");
        }
        let m = Preset::SupaAudit
            .mapping(&[("table".into(), "public.shipments".into())])
            .unwrap();
        assert_eq!(
            m.table, "audit.record_version",
            "supa_audit's `table` is the audited one"
        );
        assert_eq!(m.filter.get("table_name").map(String::as_str), Some("shipments"));
        let m = Preset::SystemVersioning
            .mapping(&[("table".into(), "public.shipments".into())])
            .unwrap();
        assert_eq!(m.table, "public.shipments_with_history");
    }
}

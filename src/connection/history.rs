//! Which history a connection reads: Waybill's own, or one found in (or
//! described for) its database. Choosing one checks it first, so a mapping
//! that does not fit is refused with each wrong key named, never saved; a
//! profile remembers its choice, the sandbox and a one-off URL keep it for
//! the session.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::{Connection, Source};
use crate::domain::layout::detect::{self, FoundHistory};
use crate::domain::layout::{self, Mapping, Preset};
use crate::error::Result;

/// The history a connection reads, as people name it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HistoryInUse {
    pub preset: Preset,
    /// What the layout is (`PaperTrail (Ruby on Rails): versions`).
    pub title: String,
    /// The history table as the mapping names it.
    pub table: String,
    /// The `--history` SPEC that reads it.
    pub spec: String,
    /// What a record is called (`shipment`, `order`…).
    pub noun: String,
    /// Waybill's own layout (every feature reads it).
    pub own: bool,
    /// Why this layout has no database function assigning its versions (so
    /// no concurrency test): none for Waybill's own and a described one.
    pub no_version_function: Option<String>,
}

impl HistoryInUse {
    pub fn of(mapping: &Mapping) -> HistoryInUse {
        HistoryInUse {
            preset: mapping.preset,
            title: mapping.preset.title().to_string(),
            table: mapping.table.clone(),
            spec: mapping.to_spec(),
            noun: mapping.noun().to_string(),
            own: *mapping == Mapping::waybill(),
            no_version_function: mapping.preset.versions_without_function().map(String::from),
        }
    }
}

/// A history chosen: what it holds, and the profile that remembers it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HistoryChoice {
    pub found: FoundHistory,
    /// The profile the choice was saved with; none for the sandbox and a URL
    /// (kept for this session).
    pub remembered_by: Option<String>,
}

impl Connection {
    /// The history this connection reads.
    pub fn history(&self) -> HistoryInUse {
        HistoryInUse::of(&layout::mapping_of(&self.db))
    }

    /// Reads `mapping`'s history from now on, once it is checked against the
    /// database; a profile remembers it (in the profiles file at `config`).
    pub async fn use_history(&self, mapping: Mapping, config: &Path) -> Result<HistoryChoice> {
        let found = detect::check(&self.db, &mapping).await?;
        let remembered_by = match &self.source {
            Source::Profile(p) => {
                let saved = (mapping != Mapping::waybill()).then(|| mapping.clone());
                crate::profiles::manage::set_history(config, &p.name, saved)?;
                Some(p.name.clone())
            }
            _ => None,
        };
        layout::set_mapping(&self.db, mapping);
        Ok(HistoryChoice { found, remembered_by })
    }
}

//! What the app's top bar and connection screen show about the open connection.

use serde::Serialize;

use super::{Connection, Source};
use crate::error::Result;
use crate::install::TablesStatus;
use crate::profiles::TlsMode;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ConnectionInfo {
    /// `sandbox` or the profile's name.
    pub profile: String,
    pub sandbox: bool,
    pub label: String,
    pub database: String,
    pub host: String,
    pub port: u16,
    pub tls: Option<TlsMode>,
    pub pooler: bool,
    pub tables: TablesStatus,
    /// The history it reads.
    pub history: super::HistoryInUse,
}

impl Connection {
    /// Describes the connection, with what its database holds of Waybill's tables.
    pub async fn info(&self) -> Result<ConnectionInfo> {
        let tables = crate::install::status(&self.db).await?;
        let (host, port, tls, pooler) = match (&self.source, &self.sandbox, self.write_target()) {
            (Source::Sandbox(_), Some(info), _) => ("localhost".to_string(), info.port, None, false),
            (Source::Profile(p), _, _) => (p.host.clone(), p.port, Some(p.tls), p.pooler),
            (_, _, Some(t)) => (t.host, t.port, None, false),
            _ => (String::new(), 0, None, false),
        };
        Ok(ConnectionInfo {
            profile: self.source.profile_name().to_string(),
            sandbox: self.is_sandbox(),
            label: self.label(),
            database: tables.database.clone(),
            host,
            port,
            tls,
            pooler,
            tables,
            history: self.history(),
        })
    }
}

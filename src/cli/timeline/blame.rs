//! `waybill blame` and `waybill field-history`: who last changed each field,
//! and every change of one field.

use serde_json::Value;
use waybill::connection::Source;
use waybill::timeline::{blame, field};

use super::*;
use crate::cli::connect::with_connection;
use crate::cli::output::print_json;

#[derive(Debug, Args)]
pub struct BlameArgs {
    shipment: String,
    #[command(flatten)]
    zone: ZoneArgs,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct FieldHistoryArgs {
    /// Shipment id or reference.
    shipment: String,
    /// The field, as the changes name it (e.g. destination, current_location).
    field: String,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Continue below this version (the next page's value is printed on stderr).
    #[arg(long, value_name = "VERSION")]
    before_version: Option<i32>,
    #[command(flatten)]
    zone: ZoneArgs,
    #[arg(long)]
    json: bool,
}

pub async fn blame(source: &Source, args: BlameArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let tz = zone(&args.zone.name())?;
        let b = blame::blame(conn.db(), &args.shipment).await?;
        if args.json {
            print_json(&b)?;
        } else {
            say!("{} ({} versions)", b.shipment.reference, b.latest_version);
            say!(
                "{:<18} {:<28} {:>7}  {:<23}  BY",
                "FIELD",
                "VALUE",
                "VERSION",
                format!("WHEN ({tz})")
            );
            for l in &b.lines {
                let by = l
                    .actor_name
                    .clone()
                    .or(l.actor_id.clone())
                    .unwrap_or_else(|| "—".into());
                let value = match &l.value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                say!(
                    "{:<18} {:<28} {:>7}  {:<23}  {by}",
                    clip(&l.field, 18),
                    clip(&value, 28),
                    format!("v{}", l.version_no),
                    short_time(l.timestamp, tz)
                );
            }
            if !b.unattributed.is_empty() {
                say!("never changed by a recorded version: {}", b.unattributed.join(", "));
            }
        }
        Ok(if b.lines.is_empty() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
    .await
}

pub async fn field_history(source: &Source, args: FieldHistoryArgs) -> Result<ExitCode> {
    with_connection(source, async |conn| {
        let tz = zone(&args.zone.name())?;
        let h = field::field_history(conn.db(), &args.shipment, &args.field, args.before_version, args.limit).await?;
        if args.json {
            print_json(&h)?;
        } else {
            say!(
                "{} · {} ({} changes shown, newest first)",
                h.shipment.reference,
                h.field,
                h.entries.len()
            );
            for e in &h.entries {
                let show = |v: &Option<Value>| match v {
                    None | Some(Value::Null) => "(empty)".to_string(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                };
                say!(
                    "{:>7}  {:<23}  {:<22} {} → {}",
                    format!("v{}", e.version_no),
                    short_time(e.timestamp, tz),
                    clip(
                        &e.actor_name
                            .clone()
                            .or(e.actor_id.clone())
                            .unwrap_or_else(|| "—".into()),
                        22
                    ),
                    show(&e.old),
                    show(&Some(e.new.clone()))
                );
            }
        }
        if let Some(next) = h.next_before {
            eprintln!("more: --before-version {next}");
        }
        Ok(if h.entries.is_empty() {
            eprintln!("{}: no version changed `{}`", h.shipment.reference, h.field);
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
    .await
}

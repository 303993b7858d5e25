//! How the CLI prints results: aligned tables for people, JSON for scripts.

use waybill::error::{Error, Result};
use waybill::progress::Progress;
use waybill::sandbox::SandboxStatus;
use waybill::seed::SeedReport;
use waybill::shipments::{ShipmentDetail, ShipmentSummary};

pub fn progress_to_stderr(p: Progress) {
    match p {
        Progress::Step { message } => eprintln!("{message}…"),
        Progress::Rows { done, total } => eprintln!("  {done} / {total} history rows"),
    }
}

pub(super) fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(Error::internal)?;
    println!("{text}");
    Ok(())
}

pub fn seed_report(r: &SeedReport) {
    println!(
        "loaded {} actors, {} shipments and {} history rows (longest history: {} versions)",
        r.actors, r.shipments, r.history_rows, r.largest_history
    );
}

pub fn sandbox_status(status: &SandboxStatus, json: bool) -> Result<()> {
    if json {
        return print_json(status);
    }
    match status {
        SandboxStatus::NotCreated => println!("not created (it is created on first use)"),
        SandboxStatus::Stopped => println!("stopped"),
        SandboxStatus::Running(i) => println!("running on port {} (pid {}), data in {}", i.port, i.pid, i.data_dir),
    }
    Ok(())
}

pub fn shipments(rows: &[ShipmentSummary], json: bool) -> Result<()> {
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        println!("no shipments match");
        return Ok(());
    }
    println!(
        "{:<16} {:<17} {:>8}  {:<17} TITLE",
        "REFERENCE", "STATUS", "VERSIONS", "UPDATED (UTC)"
    );
    for s in rows {
        println!(
            "{:<16} {:<17} {:>8}  {:<17} {}",
            s.reference,
            s.status,
            s.versions,
            s.updated_at.format("%Y-%m-%d %H:%M"),
            s.title
        );
    }
    Ok(())
}

pub fn shipment(d: &ShipmentDetail, json: bool) -> Result<()> {
    if json {
        return print_json(d);
    }
    let s = &d.shipment;
    println!(
        "{}  {}\n  status {} · {} → {} · carrier {} · {} versions",
        s.reference,
        s.title,
        s.status,
        s.origin,
        s.destination,
        s.carrier.as_deref().unwrap_or("—"),
        s.versions
    );
    for h in &d.recent {
        let actor = h
            .actor_name
            .clone()
            .or_else(|| h.actor_id.map(|a| a.to_string()))
            .unwrap_or_else(|| "—".into());
        println!(
            "  v{:<6} {}  {:<18} {:<24} {}",
            h.version_no,
            h.timestamp.format("%Y-%m-%d %H:%M:%S"),
            h.event_type,
            actor,
            h.description.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

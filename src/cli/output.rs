//! How the CLI prints results: aligned tables for people, JSON for scripts.

use waybill::error::{Error, Result};
use waybill::progress::Progress;
use waybill::sandbox::SandboxStatus;
use waybill::seed::SeedReport;
use waybill::shipments::{ShipmentDetail, ShipmentSummary};

/// Database text made safe for a terminal: control characters (an escape
/// sequence in a shipment's title would recolour or rewrite the screen) are
/// shown as visible symbols. Tables only: JSON escapes them itself, and CSV
/// and exports stay exact.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' => '\n',
            '\t' => ' ',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
            '\u{7f}' => '\u{2421}',
            c if ('\u{80}'..='\u{9f}').contains(&c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

pub fn progress_to_stderr(p: Progress) {
    match p {
        Progress::Step { message } => eprintln!("{message}…"),
        Progress::Rows { done, total } => eprintln!("  {done} / {total} history rows"),
    }
}

/// An activity chart as a table: a line per bar (`quiet` ones too, or not),
/// with its total and its counts by event type.
pub(super) fn print_bars(a: &waybill::domain::activity::Activity, quiet: bool) {
    say!(
        "{:<10}  {:>6}  BY EVENT TYPE",
        format!("{:?}", a.period).to_uppercase(),
        "TOTAL"
    );
    for d in a.bars.iter().filter(|d| quiet || d.counts.iter().any(|c| *c > 0)) {
        let parts: Vec<String> = a
            .event_types
            .iter()
            .zip(&d.counts)
            .filter(|(_, c)| **c > 0)
            .map(|(t, c)| format!("{t} {c}"))
            .collect();
        say!("{}  {:>6}  {}", d.start, d.counts.iter().sum::<i64>(), parts.join(", "));
    }
}

pub(super) fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(Error::internal)?;
    println!("{text}");
    Ok(())
}

pub fn seed_report(r: &SeedReport) {
    say!(
        "loaded {} actors, {} shipments and {} history rows (longest history: {} versions)",
        r.actors,
        r.shipments,
        r.history_rows,
        r.largest_history
    );
}

pub fn sandbox_status(status: &SandboxStatus, json: bool) -> Result<()> {
    if json {
        return print_json(status);
    }
    match status {
        SandboxStatus::NotCreated => say!("not created (it is created on first use)"),
        SandboxStatus::Stopped => say!("stopped"),
        SandboxStatus::Running(i) => say!("running on port {} (pid {}), data in {}", i.port, i.pid, i.data_dir),
    }
    Ok(())
}

pub fn shipments(rows: &[ShipmentSummary], json: bool) -> Result<()> {
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        say!("no shipments match");
        return Ok(());
    }
    say!(
        "{:<16} {:<17} {:>8}  {:<17} TITLE",
        "REFERENCE",
        "STATUS",
        "VERSIONS",
        "UPDATED (UTC)"
    );
    for s in rows {
        say!(
            "{:<16} {:<17} {:>8}  {:<17} {}",
            s.reference,
            s.status,
            s.versions,
            s.updated_at
                .map(|t| t.to_rfc3339().replace('T', " ").chars().take(16).collect::<String>())
                .unwrap_or_else(|| "—".into()),
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
    say!(
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
            .or_else(|| h.actor_id.clone())
            .unwrap_or_else(|| "—".into());
        say!(
            "  v{:<6} {}  {:<18} {:<24} {}",
            h.version_no,
            h.timestamp
                .map(|t| t.to_rfc3339().replace('T', " ").chars().take(19).collect::<String>())
                .unwrap_or_else(|| "—".into()),
            h.event_type,
            actor,
            h.description.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_never_reach_the_terminal() {
        let text = super::clean("Red\u{1b}[31m title\u{7}\r\u{9b}2J\tend");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
        assert_eq!(text, "Red\u{241b}[31m title\u{2407}\u{240d}\u{fffd}2J end");
    }
}

//! The overview as one self-contained HTML file a manager can forward or
//! print: styles and charts (SVG) inline, no scripts, nothing fetched from
//! anywhere. Shipment references link to `waybill://` views, which open in
//! the app where it is installed and are plain text elsewhere.

use std::fmt::Write;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::Overview;
use crate::error::Result;
use crate::files::{self, Destination};
use crate::plots;

/// What "Save report" wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SavedReport {
    /// The HTML report.
    pub html: String,
    /// A PNG of each chart.
    pub charts: Vec<String>,
}

/// Saves the report and a PNG of each chart into `dir`, under names that say
/// what they are (`Overview waybill 2026-11-24 to 2026-11-30 (made 1415).html`);
/// it never replaces a file (see `files::save`).
pub fn save_to_dir(o: &Overview, dir: &Path) -> Result<SavedReport> {
    let stem = crate::files::file_name_safe(&format!(
        "Overview {} {} to {} (made {})",
        o.database,
        o.since.get(..10).unwrap_or(""),
        o.until.get(..10).unwrap_or(""),
        o.made_at.get(11..16).unwrap_or("").replace(':', ""),
    ));
    let save = |stem: &str, ext: &str, bytes: &[u8]| -> Result<String> {
        let to = Destination::Folder { dir, stem, ext };
        Ok(files::save(to, bytes)?.display().to_string())
    };
    let html = save(&stem, "html", html(o)?.as_bytes())?;
    let mut charts = vec![save(
        &format!("{stem} activity"),
        "png",
        &plots::png(&o.activity_chart())?,
    )?];
    if let Some(status) = o.status_chart() {
        charts.push(save(&format!("{stem} status times"), "png", &plots::png(&status)?)?);
    }
    Ok(SavedReport { html, charts })
}

/// Writes the report to `path` (whole, or not at all).
pub fn save_to_file(o: &Overview, path: &Path) -> Result<()> {
    files::save(Destination::Path(path), html(o)?.as_bytes()).map(drop)
}

/// The report's HTML.
pub fn html(o: &Overview) -> Result<String> {
    let activity = inline_svg(&plots::svg(&o.activity_chart())?);
    let status = match o.status_chart() {
        Some(chart) => Some(inline_svg(&plots::svg(&chart)?)),
        None => None,
    };
    let mut h = String::new();
    let title = format!("Waybill overview: {}", o.database);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"generator\" content=\"Waybill {version}\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\n\
         <header><h1>{title}</h1><p>{since} to {until} ({tz}) · made {made}</p></header>\n",
        version = esc(crate::about::VERSION),
        title = esc(&title),
        since = esc(&minutes(&o.since)),
        until = esc(&minutes(&o.until)),
        tz = esc(&o.time_zone),
        made = esc(&minutes(&o.made_at)),
    );
    let _ = writeln!(
        h,
        "<section class=\"figures\">{}{}{}{}{}</section>",
        figure("changes", o.changes),
        figure(&format!("{} changed", o.nouns), o.shipments_changed),
        figure("people and integrations", o.actors_active),
        figure("exceptions raised", o.exceptions.raised),
        figure("still open", o.exceptions.open),
    );
    if !o.time_indexed && o.time_indexable {
        h.push_str(
            "<p class=\"note\">Read without an index on the history table's \"timestamp\": \
             Database health in Waybill offers one.</p>\n",
        );
    }
    let _ = writeln!(h, "<section><h2>Changes by event type</h2>{activity}</section>");

    h.push_str("<section><h2>Time in each status</h2>");
    if let Some(svg) = status {
        h.push_str(&svg);
    }
    h.push_str(
        "<table><thead><tr><th>Status</th><th class=\"n\">Stays ended</th><th class=\"n\">Median</th>\
         <th class=\"n\">90th percentile</th><th class=\"n\">Now</th></tr></thead><tbody>",
    );
    for s in &o.statuses {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&s.status.replace('_', " ")),
            s.stays,
            hours(s.median_hours),
            hours(s.p90_hours),
            s.now
        );
    }
    h.push_str("</tbody></table></section>\n");

    h.push_str("<div class=\"two\"><section><h2>Most active</h2><table><thead><tr><th>Who</th><th class=\"n\">Changes</th></tr></thead><tbody>");
    for a in &o.top_actors {
        let who = match (&a.name, &a.email, &a.id) {
            (Some(name), Some(email), _) => format!("{} <span class=\"dim\">{}</span>", esc(name), esc(email)),
            (Some(name), None, _) => esc(name),
            (None, _, Some(id)) => esc(id),
            (None, _, None) => "<span class=\"dim\">no actor</span>".into(),
        };
        let _ = write!(h, "<tr><td>{who}</td><td class=\"n\">{}</td></tr>", a.changes);
    }
    h.push_str("</tbody></table></section>\n");
    let _ = write!(
        h,
        "<section><h2>Most changed {}</h2><table><thead><tr><th>{}</th><th>Status</th><th class=\"n\">Changes</th></tr></thead><tbody>",
        esc(&o.nouns),
        esc(&crate::domain::layout::presets::capital(&o.noun))
    );
    for s in &o.top_shipments {
        let _ = write!(
            h,
            "<tr><td>{} <span class=\"dim\">{}</span></td><td>{}</td><td class=\"n\">{}</td></tr>",
            link(&s.reference),
            esc(&s.title),
            esc(&s.status.replace('_', " ")),
            s.changes
        );
    }
    h.push_str("</tbody></table></section></div>\n");

    let _ = write!(
        h,
        "<section><h2>Exceptions</h2><p>{} raised in the range, {} still open (no later status change).</p>",
        o.exceptions.raised, o.exceptions.open
    );
    if !o.exceptions.reasons.is_empty() {
        h.push_str(
            "<table><thead><tr><th>Reason</th><th class=\"n\">Raised</th><th class=\"n\">Open</th></tr></thead><tbody>",
        );
        for r in &o.exceptions.reasons {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&r.reason),
                r.raised,
                r.open
            );
        }
        h.push_str("</tbody></table>");
    }
    if !o.exceptions.open_list.is_empty() {
        h.push_str("<h3>Open</h3><table><thead><tr><th>Shipment</th><th>Version</th><th>Raised</th><th>Reason</th></tr></thead><tbody>");
        for e in &o.exceptions.open_list {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>v{}</td><td>{}</td><td>{}</td></tr>",
                link(&e.reference),
                e.version,
                esc(&minutes(&e.raised_at)),
                esc(&e.reason)
            );
        }
        h.push_str("</tbody></table>");
        if o.exceptions.open > o.exceptions.open_list.len() as i64 {
            let _ = write!(
                h,
                "<p class=\"dim\">The newest {} of {} are listed.</p>",
                o.exceptions.open_list.len(),
                o.exceptions.open
            );
        }
    }
    h.push_str("</section>\n");
    let _ = write!(
        h,
        "<footer>Made by Waybill {} from database {} in {} ms.</footer>\n</body></html>\n",
        esc(crate::about::VERSION),
        esc(&o.database),
        o.took_ms
    );
    Ok(h)
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;color:#1d1f23;max-width:1000px;margin:24px auto;padding:0 16px}\
h1{font-size:22px;margin:0}h2{font-size:16px;margin:24px 0 8px}h3{font-size:14px}header p{color:#5b6270;margin:4px 0 0}\
.figures{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}.figure{border:1px solid #d8dbe0;border-radius:6px;padding:8px 12px;min-width:120px}\
.figure b{display:block;font-size:20px}.figure span,.dim{color:#5b6270}.note{background:#fff6e0;border:1px solid #e8c766;padding:6px 10px;border-radius:6px}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e4e6ea;vertical-align:top}\
th{font-weight:600;color:#5b6270}.n{text-align:right;font-variant-numeric:tabular-nums}svg{max-width:100%;height:auto}\
.two{display:grid;grid-template-columns:1fr 1fr;gap:24px}a{color:#0b5cad}footer{margin-top:32px;color:#5b6270;font-size:12px}\
@media print{body{margin:0;max-width:none}section{break-inside:avoid}a{color:inherit;text-decoration:none}}";

fn figure(label: &str, n: i64) -> String {
    format!("<div class=\"figure\"><b>{n}</b><span>{}</span></div>", esc(label))
}

/// A plotters SVG for inline use: HTML needs no namespace declaration, and the
/// report holds no URL of any kind.
fn inline_svg(svg: &str) -> String {
    svg.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
}

fn link(reference: &str) -> String {
    format!(
        "<a href=\"{}\">{}</a>",
        esc(&crate::links::shipment_link(reference)),
        esc(reference)
    )
}

/// `12.5 h`, `3.2 d`, or `–`.
pub fn hours(h: Option<f64>) -> String {
    match h {
        Some(h) if h >= 72.0 => format!("{:.1} d", h / 24.0),
        Some(h) if h >= 1.0 => format!("{h:.1} h"),
        Some(h) => format!("{:.0} min", h * 60.0),
        None => "–".into(),
    }
}

/// `2026-11-02T14:30:00.000+01:00` → `2026-11-02 14:30 +01:00`.
pub fn minutes(rfc3339: &str) -> String {
    match (rfc3339.get(..16), rfc3339.get(23..)) {
        (Some(head), Some(offset)) => format!("{} {offset}", head.replace('T', " ")),
        _ => rfc3339.to_string(),
    }
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_links_encoded() {
        assert_eq!(
            esc("<b>\"O'Brien\" & co</b>"),
            "&lt;b&gt;&quot;O&#39;Brien&quot; &amp; co&lt;/b&gt;"
        );
        assert_eq!(
            link("SHP 1/<x>"),
            "<a href=\"waybill://shipment/SHP%201%2F%3Cx%3E\">SHP 1/&lt;x&gt;</a>"
        );
        assert_eq!(minutes("2026-11-02T14:30:00.000+01:00"), "2026-11-02 14:30 +01:00");
        assert_eq!(minutes("2026-11-02T14:30:00.000Z"), "2026-11-02 14:30 Z");
        assert_eq!(hours(Some(0.5)), "30 min");
        assert_eq!(hours(Some(80.0)), "3.3 d");
    }
}

//! `throughput.svg`: successful requests per second of every case at the highest
//! concurrency, one bar per engine, on a log scale (the `/healthz` ceiling is orders
//! above a login).

use std::fmt::Write;
use std::path::Path;

use crate::report::Results;

const WIDTH: f64 = 900.0;
const LABEL: f64 = 200.0;
const BAR: f64 = 16.0;
const COLOURS: [&str; 3] = ["#4338ca", "#0d9488", "#b45309"];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

pub fn write(r: &Results, path: &Path) -> Result<(), String> {
    let top = r.engines.iter().flat_map(|e| e.cases.iter().map(|m| m.clients)).max().unwrap_or(1);
    let mut names: Vec<&str> = Vec::new();
    for m in r.engines.iter().flat_map(|e| e.cases.iter()) {
        if !names.contains(&m.case) {
            names.push(m.case);
        }
    }
    let max = r.engines.iter().flat_map(|e| e.cases.iter()).map(|m| m.rps).fold(1.0_f64, f64::max);
    let scale = |rps: f64| if rps <= 1.0 { 0.0 } else { rps.log10() / max.log10() * (WIDTH - LABEL - 90.0) };
    let group = BAR * r.engines.len() as f64 + 10.0;
    let height = 50.0 + group * names.len() as f64 + 30.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = write!(
        svg,
        r#"<text x="10" y="20" font-size="14" font-weight="bold">goats: successful requests per second at {top} clients, {} tickets (log scale)</text>"#,
        r.tickets
    );
    for (i, e) in r.engines.iter().enumerate() {
        let x = 10.0 + 120.0 * i as f64;
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="30" width="10" height="10" fill="{}"/><text x="{}" y="39">{}</text>"#,
            COLOURS[i % COLOURS.len()],
            x + 14.0,
            escape(e.engine)
        );
    }
    for (row, name) in names.iter().enumerate() {
        let y = 50.0 + group * row as f64;
        let _ = write!(svg, r#"<text x="10" y="{}">{}</text>"#, y + group / 2.0, escape(name));
        for (i, e) in r.engines.iter().enumerate() {
            let Some(m) = e.cases.iter().find(|m| m.case == *name && m.clients == top) else { continue };
            let by = y + BAR * i as f64;
            let ok_rps = m.rps * m.success;
            let w = scale(ok_rps);
            let _ = write!(
                svg,
                r#"<rect x="{LABEL}" y="{by}" width="{w:.1}" height="{}" fill="{}"/><text x="{:.1}" y="{}">{:.0}</text>"#,
                BAR - 2.0,
                COLOURS[i % COLOURS.len()],
                LABEL + w + 4.0,
                by + BAR - 5.0,
                ok_rps
            );
        }
    }
    svg.push_str("</svg>\n");
    std::fs::write(path, svg).map_err(|e| format!("writing {}: {e}", path.display()))
}

//! Inline SVG charts for the HTML report: horizontal bars and stacked bars,
//! sized by `viewBox` so they scale and print sharply. Text inherits the
//! page's font; every label is escaped; each chart carries a `<title>` and
//! `role="img"` so screen readers announce it.

use std::fmt::Write as _;

use crate::report::escape::html as esc;

/// One bar: label, value, CSS colour.
pub struct Bar<'a> {
    pub label: String,
    pub value: usize,
    pub color: &'a str,
}

/// A horizontal bar chart.
pub fn bars(title: &str, bars: &[Bar<'_>]) -> String {
    let label_w = 210.0;
    let width = 520.0;
    let row = 24.0;
    let height = (bars.len().max(1) as f64) * row + 6.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let room = width - label_w - 34.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}\"><title id=\"{id}\">{}</title>",
        esc(title),
        id = id_of(title)
    );
    if bars.is_empty() {
        let _ = write!(
            s,
            "<text x=\"0\" y=\"16\" class=\"ch-muted\">None</text></svg>"
        );
        return s;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let w = if b.value == 0 {
            0.0
        } else {
            (b.value as f64 / max * room).max(2.0)
        };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" class=\"ch-label\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{room:.1}\" height=\"16\" rx=\"3\" class=\"ch-track\"/>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"16\" rx=\"3\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"ch-value\">{}</text>",
            label_w - 8.0,
            y + 12.5,
            esc(&b.label),
            b.color,
            label_w + w + 6.0,
            y + 12.5,
            b.value
        );
    }
    s.push_str("</svg>");
    s
}

/// Stacked horizontal bars, one row per label; `parts` are (name, colour).
pub fn stacked(title: &str, parts: &[(&str, &str)], rows: &[(String, Vec<usize>)]) -> String {
    let label_w = 110.0;
    let width = 1060.0;
    let row = 26.0;
    let legend_h = 26.0;
    let height = (rows.len().max(1) as f64) * row + legend_h + 4.0;
    let room = width - label_w - 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart wide\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}\"><title id=\"{id}\">{}</title>",
        esc(title),
        id = id_of(title)
    );
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let total: usize = values.iter().sum();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" class=\"ch-label\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 13.0,
            esc(label)
        );
        let mut x = label_w;
        for (j, v) in values.iter().enumerate() {
            if *v == 0 || total == 0 {
                continue;
            }
            let w = *v as f64 / total as f64 * room;
            let (name, color) = parts.get(j).copied().unwrap_or(("", "#999"));
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"18\" fill=\"{color}\"><title>{}: {v}</title></rect>",
                esc(&format!("{label} — {name}"))
            );
            if w >= 16.0 {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" class=\"ch-in\" text-anchor=\"middle\">{v}</text>",
                    x + w / 2.0,
                    y + 13.0
                );
            }
            x += w;
        }
    }
    let ly = rows.len() as f64 * row + 14.0;
    let mut x = label_w;
    for (name, color) in parts {
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"ch-label\">{}</text>",
            ly - 9.0,
            x + 14.0,
            ly,
            esc(name)
        );
        x += 20.0 + name.chars().count() as f64 * 6.6;
    }
    s.push_str("</svg>");
    s
}

/// A thin stacked bar for table cells (no text).
pub fn mini(values: &[usize], colors: &[&str]) -> String {
    let width = 120.0;
    let total: usize = values.iter().sum();
    let mut s = format!(
        "<svg class=\"mini\" viewBox=\"0 0 {width} 10\" aria-hidden=\"true\"><rect width=\"{width}\" height=\"10\" rx=\"2\" class=\"ch-track\"/>"
    );
    let mut x = 0.0;
    for (v, color) in values.iter().zip(colors) {
        if *v == 0 || total == 0 {
            continue;
        }
        let w = *v as f64 / total as f64 * width;
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" width=\"{w:.1}\" height=\"10\" fill=\"{color}\"/>"
        );
        x += w;
    }
    s.push_str("</svg>");
    s
}

fn id_of(title: &str) -> String {
    let slug: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("chart-{}", slug.trim_matches('-'))
}

//! The HTML audit's first two sections: the summary (status counts, charts,
//! caveats, the dependency check) and the scope and method.

use std::fmt::Write as _;

use super::style::{severity_color, STATUS_COLORS};
use super::{capitalized, esc, heading, paths, Anchors};
use crate::report::audit::assess::{Audit, Status};
use crate::report::audit::svg::Bar;
use crate::report::audit::{assess, svg};
use crate::report::audit::{
    caveats, config_rows, count_of, files_line, functions_line, kinds_line, status_meaning, LIMITS,
};

pub(super) fn summary(o: &mut String, audit: &Audit<'_>, anchors: &Anchors, number: usize) {
    let input = audit.input;
    o.push_str("<section class=\"summary\">\n");
    heading(o, "s-summary", number, "Summary");
    for c in caveats(audit) {
        let _ = writeln!(o, "<p class=\"caveat\"><b>Note.</b> {}</p>", esc(&c));
    }
    let failing: usize = audit.frameworks.iter().map(|a| a.count(Status::Fail)).sum();
    let controls: usize = audit.frameworks.iter().map(|a| a.controls.len()).sum();
    let sev: Vec<String> = assess::by_severity(input)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let figures = [
        (
            input.summary.files_scanned.to_string(),
            "files scanned".to_string(),
        ),
        (input.summary.resources.to_string(), "resources".into()),
        (
            input
                .scope
                .as_ref()
                .map_or("—".into(), |s| s.count("functions").to_string()),
            "functions".into(),
        ),
        (
            input.findings.len().to_string(),
            if sev.is_empty() {
                "findings".into()
            } else {
                format!("findings: {}", sev.join(", "))
            },
        ),
        (input.suppressed.len().to_string(), "accepted risks".into()),
        (format!("{failing}/{controls}"), "controls failing".into()),
    ];
    o.push_str("<div class=\"figures\">\n");
    for (value, label) in figures {
        let _ = writeln!(
            o,
            "<div class=\"fig\"><b>{}</b><span>{}</span></div>",
            esc(&value),
            esc(&label)
        );
    }
    o.push_str("</div>\n");
    crate::report::audit::change::html_summary(o, input);

    // Per framework: counts and a bar.
    o.push_str("<table class=\"fwsum\">\n<thead><tr><th>Framework</th><th class=\"num\">Pass</th><th class=\"num\">Fail</th><th class=\"num\">Not applicable</th><th class=\"num\">Manual</th><th class=\"num\">Controls</th><th>Status</th></tr></thead>\n<tbody>\n");
    for (i, a) in audit.frameworks.iter().enumerate() {
        let c = a.counts();
        let _ = writeln!(
            o,
            "<tr><td><a href=\"#{}\">{}</a></td><td class=\"num\">{}</td><td class=\"num{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            anchors.frameworks[i],
            esc(&a.framework.name),
            c[0],
            if c[1] > 0 { " bad" } else { "" },
            c[1],
            c[2],
            c[3],
            a.controls.len(),
            svg::mini(&c, &STATUS_COLORS)
        );
    }
    if audit.frameworks.is_empty() {
        o.push_str("<tr><td colspan=\"7\">No framework selected.</td></tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");

    // Charts.
    let status_parts: Vec<(&str, &str)> = Status::ALL
        .iter()
        .zip(STATUS_COLORS)
        .map(|(s, c)| (s.label(), c))
        .collect();
    let rows: Vec<(String, Vec<usize>)> = audit
        .frameworks
        .iter()
        .map(|a| (a.framework.short().to_string(), a.counts().to_vec()))
        .collect();
    let sev_bars: Vec<Bar<'_>> = assess::by_severity(input)
        .into_iter()
        .map(|(s, n)| Bar {
            label: s.as_str().to_string(),
            value: n,
            color: severity_color(s),
        })
        .collect();
    let area_bars: Vec<Bar<'_>> = assess::by_area(input)
        .into_iter()
        .map(|(code, n)| Bar {
            label: capitalized(assess::area_name(&code)),
            value: n,
            color: "#3d5a80",
        })
        .collect();
    o.push_str("<div class=\"charts\">\n");
    let _ = writeln!(
        o,
        "<figure class=\"card wide\"><figcaption>Control status per framework</figcaption>{}</figure>",
        svg::stacked("Control status per framework", &status_parts, &rows)
    );
    let _ = writeln!(
        o,
        "<figure class=\"card\"><figcaption>Findings by severity</figcaption>{}</figure>",
        svg::bars("Findings by severity", &sev_bars)
    );
    let _ = writeln!(
        o,
        "<figure class=\"card\"><figcaption>Findings by area</figcaption>{}</figure>",
        svg::bars("Findings by area", &area_bars)
    );
    o.push_str("</div>\n");

    o.push_str("<dl class=\"legend\">\n");
    for s in Status::ALL {
        let _ = writeln!(
            o,
            "<div><dt><span class=\"badge {}\">{}</span></dt><dd>{}</dd></div>",
            s.short(),
            s.label(),
            esc(status_meaning(s))
        );
    }
    o.push_str("</dl>\n</section>\n");
}

pub(super) fn scope(o: &mut String, audit: &Audit<'_>, number: usize) {
    let input = audit.input;
    o.push_str("<section class=\"scope\">\n");
    heading(o, "s-scope", number, "Scope and method");
    o.push_str(
        "<div class=\"two\">\n<div>\n<h3>What was scanned</h3>\n<table class=\"kv\">\n<tbody>\n",
    );
    let rows = [
        ("Paths", paths(audit)),
        ("Files", files_line(input)),
        ("Resources", count_of(input.summary.resources, "resources")),
        ("Functions", functions_line(input)),
        ("Items by kind", kinds_line(input)),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th scope=\"row\">{k}</th><td>{}</td></tr>", esc(&v));
    }
    o.push_str("</tbody>\n</table>\n</div>\n<div>\n<h3>Configuration in force</h3>\n<table class=\"kv\">\n<tbody>\n");
    for (k, v) in config_rows(input) {
        let _ = writeln!(o, "<tr><th scope=\"row\">{k}</th><td>{}</td></tr>", esc(&v));
    }
    o.push_str("</tbody>\n</table>\n</div>\n</div>\n");
    let _ = writeln!(o, "<p class=\"limits\">{}</p>\n</section>", esc(LIMITS));
}

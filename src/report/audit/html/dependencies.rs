//! The HTML audit's dependency advisories section: the check's facts and
//! one row per vulnerable package version.

use std::fmt::Write as _;

use super::{esc, heading, rich, sev_chip};
use crate::report::audit::assess::Audit;
use crate::report::audit::document::{Advisories, Document};
use crate::report::audit::{dep_findings, dep_not_checked_text, dep_rows, fixed_label, plural};

pub(super) fn advisories(o: &mut String, audit: &Audit<'_>, doc: &Document<'_>, number: usize) {
    let input = audit.input;
    o.push_str("<section>\n");
    heading(o, "s-advisories", number, "Dependency advisories");
    match dep_not_checked_text(input) {
        Some(why) => {
            let _ = writeln!(o, "<p>{}</p>", rich(&why));
        }
        None => dependency_table(o, audit),
    }
    if doc.functions.is_empty() {
        o.push_str("<p class=\"none\">No functions in scope.</p>\n</section>\n");
        return;
    }
    o.push_str("<h3>Per function</h3>\n<table>\n<thead><tr><th>Function</th><th>Runtime</th><th>File</th><th>Advisories</th></tr></thead>\n<tbody>\n");
    for row in &doc.functions {
        let f = row.function;
        let cell = match &row.advisories {
            Advisories::Found(ids) => format!(
                "<td>{}</td>",
                ids.iter()
                    .map(|i| format!("<code>{}</code>", esc(i)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Advisories::None(why) => format!("<td class=\"sub\">{why}</td>"),
        };
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td>{cell}</tr>",
            esc(&f.id),
            f.runtime
                .as_deref()
                .map_or("—".into(), |r| format!("<code>{}</code>", esc(r))),
            esc(&f.file)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

/// The check's facts and one row per vulnerable package version.
pub(super) fn dependency_table(o: &mut String, audit: &Audit<'_>) {
    let input = audit.input;
    o.push_str("<table class=\"kv\">\n<tbody>\n");
    for (k, v) in dep_rows(audit) {
        let _ = writeln!(o, "<tr><th scope=\"row\">{k}</th><td>{}</td></tr>", esc(&v));
    }
    o.push_str("</tbody>\n</table>\n");
    let rows = dep_findings(input);
    if rows.is_empty() {
        o.push_str("<p class=\"none\">No locked package version has a known advisory.</p>\n");
    } else {
        o.push_str("<table class=\"findings deps\">\n<thead><tr><th>Package</th><th>Version</th><th>Ecosystem</th><th>Advisory</th><th class=\"w-sev\">Severity</th><th>Fixed in</th><th>Functions</th><th>Evidence</th></tr></thead>\n<tbody>\n");
        for i in rows {
            let f = &input.findings[i];
            let Some(d) = &f.dependency else { continue };
            let id = if d.url.starts_with("https://") || d.url.starts_with("http://") {
                format!(
                    "<a href=\"{}\" rel=\"noreferrer\"><code class=\"rid\">{}</code></a>",
                    esc(&d.url),
                    esc(&d.advisory)
                )
            } else {
                format!("<code class=\"rid\">{}</code>", esc(&d.advisory))
            };
            let mut advisory = id;
            if !d.aliases.is_empty() {
                let _ = write!(
                    advisory,
                    "<div class=\"sub\">{}</div>",
                    esc(&d.aliases.join(", "))
                );
            }
            if let Some(kind) = &d.informational {
                let _ = write!(advisory, "<div class=\"sub\">{}</div>", esc(kind));
            }
            if !d.summary.is_empty() {
                let _ = write!(advisory, "<div>{}</div>", esc(&d.summary));
            }
            let functions = if d.functions.is_empty() {
                "—".to_string()
            } else {
                d.functions
                    .iter()
                    .map(|x| format!("<code>{}</code>", esc(x)))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let _ = writeln!(
                o,
                "<tr class=\"f sev-{}\"><td><code>{}</code>{}</td><td><code>{}</code></td><td>{}</td><td>{advisory}</td><td>{}</td><td>{}</td><td>{functions}</td><td class=\"where\"><code>{}:{}</code></td></tr>",
                f.severity.as_str(),
                esc(&d.package),
                if d.dev { " <span class=\"sub\">dev</span>" } else { "" },
                esc(&d.version),
                esc(&d.ecosystem),
                sev_chip(f.severity),
                esc(&fixed_label(d)),
                esc(&f.file),
                f.start.line
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    let accepted = input
        .suppressed
        .iter()
        .filter(|s| s.finding.dependency.is_some())
        .count();
    if accepted > 0 {
        let _ = writeln!(
            o,
            "<p>{} (see <a href=\"#s-accepted-risks\">Accepted risks</a>).</p>",
            esc(&plural(
                accepted,
                "more advisory match was accepted",
                "more advisory matches were accepted"
            ))
        );
    }
}

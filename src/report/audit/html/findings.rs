//! The HTML audit's findings sections: the open findings, filterable by
//! severity, and the accepted risks (suppressed findings and their reasons).

use std::fmt::Write as _;

use super::{control_links, esc, heading, place, sev_chip, Anchors};
use crate::report::audit::document::Document;
use crate::report::audit::plural;

pub(super) fn findings(o: &mut String, doc: &Document<'_>, anchors: &Anchors, number: usize) {
    o.push_str("<section>\n");
    heading(o, "s-findings", number, "Findings");
    if doc.findings.is_empty() {
        o.push_str("<p>None.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<p>{} standing after suppressions, highest severity first, with the controls each one fails.</p>",
        plural(doc.findings.len(), "finding", "findings")
    );
    o.push_str("<table class=\"findings\">\n<thead><tr><th class=\"w-sev\">Severity</th><th class=\"w-rule\">Rule</th><th class=\"w-where\">Resource and location</th><th>Message and fix</th><th class=\"w-chips\">Controls</th></tr></thead>\n<tbody>\n");
    for row in &doc.findings {
        let f = row.finding;
        let _ = writeln!(
            o,
            "<tr class=\"f sev-{}\"><td>{}</td><td><code class=\"rid\">{}</code><div class=\"sub\">{}</div></td><td class=\"where\">{}</td><td>{}<div class=\"fix\"><b>Fix:</b> {}</div></td><td class=\"chips\">{}</td></tr>",
            f.severity.as_str(),
            sev_chip(f.severity),
            esc(&f.rule_id),
            esc(row.title),
            place(f),
            esc(&f.message),
            esc(&f.remediation),
            control_links(anchors, row.controls)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

pub(super) fn accepted_risks(o: &mut String, doc: &Document<'_>, number: usize) {
    o.push_str("<section>\n");
    heading(o, "s-accepted-risks", number, "Accepted risks");
    o.push_str("<p>Findings suppressed by an inline comment, resource metadata or a baseline: they do not fail a control, and each needs its reason reviewed.</p>\n");
    if doc.accepted.is_empty() {
        o.push_str("<p class=\"none\">None: no finding was suppressed.</p>\n</section>\n");
        return;
    }
    o.push_str("<table class=\"findings\">\n<thead><tr><th class=\"w-sev\">Severity</th><th class=\"w-rule\">Rule</th><th class=\"w-where\">Resource and location</th><th>Reason</th><th>Until</th><th>Suppressed by</th></tr></thead>\n<tbody>\n");
    for risk in &doc.accepted {
        let f = risk.finding;
        let by = match &risk.written_at {
            Some(at) => format!(
                "{}<div class=\"sub\"><code>{}</code></div>",
                esc(risk.origin),
                esc(at)
            ),
            None => esc(risk.origin),
        };
        let _ = writeln!(
            o,
            "<tr class=\"f sev-{}\"><td>{}</td><td><code class=\"rid\">{}</code></td><td class=\"where\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"where\">{by}</td></tr>",
            f.severity.as_str(),
            sev_chip(f.severity),
            esc(&f.rule_id),
            place(f),
            risk.reason.map_or("—".into(), esc),
            risk.until.map_or("no expiry".into(), esc)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

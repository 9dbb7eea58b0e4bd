//! One framework's section of the HTML audit: its controls, each with its
//! status, rules and the evidence (findings) behind it.

use std::fmt::Write as _;

use super::{esc, heading, place, rich, rule_title, sev_chip, Anchors};
use crate::report::audit::assess::{Assessed, Audit, ControlResult, Status};
use crate::report::audit::framework::{Framework, BUILTIN};
use crate::report::audit::{remarks, result_line};

pub(super) fn framework(
    o: &mut String,
    audit: &Audit<'_>,
    a: &Assessed<'_>,
    anchors: &Anchors,
    index: usize,
    number: usize,
) {
    let f = a.framework;
    let _ = writeln!(
        o,
        "<section class=\"fw\" aria-labelledby=\"{}\">",
        anchors.frameworks[index]
    );
    heading(o, &anchors.frameworks[index], number, &f.name);
    let mut meta = Vec::new();
    for part in [&f.version, &f.publisher] {
        if !part.is_empty() {
            meta.push(esc(part));
        }
    }
    if f.url.starts_with("https://") || f.url.starts_with("http://") {
        meta.push(format!(
            "<a href=\"{}\" rel=\"noreferrer\">{}</a>",
            esc(&f.url),
            esc(&f.url)
        ));
    } else if !f.url.is_empty() {
        meta.push(esc(&f.url));
    }
    if f.origin != BUILTIN {
        meta.push(format!("from <code>{}</code>", esc(&f.origin)));
    }
    let _ = writeln!(o, "<p class=\"meta\">{}</p>", meta.join(" · "));
    if !f.description.is_empty() {
        let _ = writeln!(o, "<p class=\"desc\">{}</p>", rich(&f.description));
    }
    o.push_str("<p class=\"counts\">");
    for s in Status::ALL {
        let _ = write!(
            o,
            "<span class=\"badge {}\">{} {}</span> ",
            s.short(),
            a.count(s),
            s.label()
        );
    }
    o.push_str("</p>\n");
    o.push_str("<table class=\"controls\">\n<thead><tr><th>Status</th><th>Control</th><th>Automated checks</th><th>Result</th></tr></thead>\n<tbody>\n");
    for c in &a.controls {
        control_row(o, audit, f, c, anchors);
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

pub(super) fn control_row(
    o: &mut String,
    audit: &Audit<'_>,
    f: &Framework,
    c: &ControlResult<'_>,
    anchors: &Anchors,
) {
    let s = c.status.short();
    let id = anchors
        .controls
        .get(&(f.id.clone(), c.control.id.clone()))
        .cloned()
        .unwrap_or_default();
    let _ = write!(
        o,
        "<tr class=\"ctl s-{s}\" id=\"{id}\"><td><span class=\"badge {s}\">{}</span></td><td><div><span class=\"cid\">{}</span> <span class=\"ctitle\">{}</span></div>",
        c.status.label(),
        esc(&c.control.id),
        esc(&c.control.title)
    );
    if !c.control.description.is_empty() {
        let _ = write!(o, "<p class=\"cdesc\">{}</p>", rich(&c.control.description));
    }
    if !c.control.note.is_empty() {
        let _ = write!(o, "<p class=\"note\">{}</p>", rich(&c.control.note));
    }
    o.push_str("</td><td class=\"rules\">");
    if c.control.rules.is_empty() {
        o.push_str("<span class=\"sub\">none</span>");
    }
    for r in &c.control.rules {
        let off = c.not_run.iter().any(|(id, _)| id == r);
        let _ = write!(
            o,
            "<code{} title=\"{}\">{}</code> ",
            if off { " class=\"off\"" } else { "" },
            esc(rule_title(audit, r)),
            esc(r)
        );
    }
    let result = esc(&result_line(audit, c));
    let _ = write!(
        o,
        "</td><td class=\"result\">{}",
        if c.status == Status::Fail {
            format!("<b>{result}</b>")
        } else {
            result
        }
    );
    for r in remarks(c) {
        let _ = write!(o, "<div class=\"sub\">{}</div>", esc(&r));
    }
    o.push_str("</td></tr>\n");
    if c.status != Status::Fail {
        return;
    }
    let _ = writeln!(
        o,
        "<tr class=\"ev s-{s}\"><td></td><td colspan=\"3\"><table class=\"evidence\" aria-label=\"Evidence for {}\"><thead><tr><th class=\"w-sev\">Severity</th><th class=\"w-rule\">Rule</th><th class=\"w-where\">Resource and location</th><th>Message</th></tr></thead><tbody>",
        esc(&c.control.id)
    );
    for i in &c.findings {
        let fd = &audit.input.findings[*i];
        let _ = writeln!(
            o,
            "<tr class=\"f sev-{}\"><td>{}</td><td><code class=\"rid\">{}</code></td><td class=\"where\">{}</td><td>{}</td></tr>",
            fd.severity.as_str(),
            sev_chip(fd.severity),
            esc(&fd.rule_id),
            place(fd),
            esc(&fd.message)
        );
    }
    o.push_str("</tbody></table></td></tr>\n");
}

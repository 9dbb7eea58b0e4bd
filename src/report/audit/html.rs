//! The audit report as one self-contained HTML file: inline CSS and SVG, no
//! script, font, image or request to anything outside the file. Filters
//! (control status, finding severity) are radio buttons and CSS sibling
//! selectors, so they work without JavaScript; printing shows everything.
//! Every value from the scan or a framework file goes through [`esc`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::assess::{self, Assessed, Audit, ControlResult, Status};
use super::document::{self, Cell, Table};
use super::framework::{Control, Framework, BUILTIN};
use super::svg::{self, Bar};
use super::{
    advisories_of, advisory_db_line, caveats, config_rows, count_of, date_line, dep_check,
    dep_findings, dep_not_checked_text, dep_rows, files_line, fixed_label, functions_line,
    kinds_line, plural, remarks, result_line, rule_set_line, status_meaning, tool_line, DepCheck,
    LIMITS,
};
use crate::report::escape::html as esc;
use crate::report::json::Finding;
use crate::rule::Severity;

/// Framework-authored text: `code` between backticks, the rest escaped.
fn rich(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part)
            }
        })
        .collect()
}

const STATUS_COLORS: [&str; 4] = ["#2f7d4f", "#c0392b", "#9aa3b2", "#5b4bb7"];

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#7f1d1d",
        Severity::High => "#d64545",
        Severity::Medium => "#e08a1e",
        Severity::Low => "#3b82c4",
    }
}

/// Anchor ids: ASCII, unique in the document.
struct Ids(BTreeMap<String, usize>);

impl Ids {
    fn make(&mut self, prefix: &str, text: &str) -> String {
        let mut slug = String::new();
        for c in text.to_lowercase().chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let base = format!("{prefix}-{}", slug.trim_matches('-'));
        let n = self.0.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}-{n}")
        }
    }
}

struct Anchors {
    frameworks: Vec<String>,
    /// (framework id, control id) → anchor.
    controls: BTreeMap<(String, String), String>,
}

fn anchors(audit: &Audit<'_>) -> Anchors {
    let mut ids = Ids(BTreeMap::new());
    for fixed in [
        "summary",
        "scope",
        "findings",
        "accepted-risks",
        "advisories",
        "rule-set",
        "diagnostics",
    ] {
        ids.make("s", fixed);
    }
    let mut out = Anchors {
        frameworks: Vec::new(),
        controls: BTreeMap::new(),
    };
    for a in &audit.frameworks {
        out.frameworks.push(ids.make("fw", &a.framework.id));
        for c in &a.framework.controls {
            let id = ids.make(&format!("c-{}", a.framework.id), &c.id);
            out.controls
                .insert((a.framework.id.clone(), c.id.clone()), id);
        }
    }
    out
}

pub fn render(audit: &Audit<'_>) -> String {
    let input = audit.input;
    let anchors = anchors(audit);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"faasguard {}\">\n\
         <title>Compliance report · {}</title>\n<style>\n{}{}</style>\n</head>\n<body>\n",
        esc(env!("CARGO_PKG_VERSION")),
        esc(&paths(audit)),
        CSS,
        filter_css()
    );
    // The filter state lives in these inputs; everything they filter
    // follows them as siblings' descendants.
    for (id, checked) in FILTERS {
        let (group, _) = id.split_once('-').unwrap_or((id, ""));
        let _ = writeln!(
            o,
            "<input type=\"radio\" class=\"flt\" name=\"{}\" id=\"{id}\"{} aria-label=\"{}\">",
            if group == "st" { "status" } else { "severity" },
            if *checked { " checked" } else { "" },
            filter_label(id)
        );
    }
    cover(&mut o, audit);
    o.push_str("<div class=\"page\">\n");
    // Section numbers: summary, scope, one per framework, then the rest.
    let numbers: Vec<usize> = (1..=audit.frameworks.len() + 7).collect();
    toc(&mut o, audit, &anchors, &numbers);
    o.push_str("<main>\n");
    summary(&mut o, audit, &anchors, numbers[0]);
    scope(&mut o, audit, numbers[1]);
    filters(&mut o);
    for (i, a) in audit.frameworks.iter().enumerate() {
        framework(&mut o, audit, a, &anchors, i, numbers[2 + i]);
    }
    let k = 2 + audit.frameworks.len();
    findings(&mut o, audit, &anchors, numbers[k]);
    accepted_risks(&mut o, audit, numbers[k + 1]);
    advisories(&mut o, audit, numbers[k + 2]);
    rule_set(&mut o, audit, &anchors, numbers[k + 3]);
    diagnostics(&mut o, audit, numbers[k + 4]);
    o.push_str("</main>\n");
    let _ = write!(
        o,
        "<footer><p>Generated by {} from a scan of {}. The same scan gives the same report, except for the date. \
         {}</p></footer>\n</div>\n</body>\n</html>\n",
        esc(&tool_line(input)),
        esc(&paths(audit)),
        esc(LIMITS)
    );
    o
}

fn paths(audit: &Audit<'_>) -> String {
    match &audit.input.scope {
        Some(s) if !s.paths.is_empty() => s.paths.join(", "),
        _ => "the paths given".into(),
    }
}

fn cover(o: &mut String, audit: &Audit<'_>) {
    let input = audit.input;
    let names: Vec<String> = audit
        .frameworks
        .iter()
        .map(|a| a.framework.name.clone())
        .collect();
    o.push_str("<header class=\"cover\">\n<div class=\"wrap\">\n<p class=\"eyebrow\">Serverless infrastructure-as-code · compliance evidence</p>\n<h1>Compliance report</h1>\n<dl>\n");
    let rows = [
        ("Report date", date_line(audit)),
        ("Scope", paths(audit)),
        ("Tool", tool_line(input)),
        ("Rule set", rule_set_line(input)),
        (
            "Frameworks",
            if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            },
        ),
        ("Advisory database", advisory_db_line(audit)),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "<div><dt>{k}</dt><dd>{}</dd></div>", esc(&v));
    }
    o.push_str("</dl>\n</div>\n</header>\n");
}

fn toc(o: &mut String, audit: &Audit<'_>, anchors: &Anchors, numbers: &[usize]) {
    o.push_str(
        "<nav class=\"toc\" aria-label=\"Contents\">\n<h2 class=\"toc-h\">Contents</h2>\n<ol>\n",
    );
    let _ = writeln!(
        o,
        "<li><a href=\"#s-summary\"><span class=\"n\">{}</span>Summary</a></li>",
        numbers[0]
    );
    let _ = writeln!(
        o,
        "<li><a href=\"#s-scope\"><span class=\"n\">{}</span>Scope and method</a></li>",
        numbers[1]
    );
    for (i, a) in audit.frameworks.iter().enumerate() {
        let fail = a.count(Status::Fail);
        let _ = writeln!(
            o,
            "<li><a href=\"#{}\"><span class=\"n\">{}</span>{}</a> <span class=\"cnt{}\">{} failing</span></li>",
            anchors.frameworks[i],
            numbers[2 + i],
            esc(&a.framework.name),
            if fail > 0 { " bad" } else { "" },
            fail
        );
    }
    let k = 2 + audit.frameworks.len();
    let rest = [
        ("s-findings", "Findings"),
        ("s-accepted-risks", "Accepted risks"),
        ("s-advisories", "Dependency advisories"),
        ("s-rule-set", "Rule set"),
    ];
    for (j, (id, name)) in rest.iter().enumerate() {
        let _ = writeln!(
            o,
            "<li><a href=\"#{id}\"><span class=\"n\">{}</span>{name}</a></li>",
            numbers[k + j]
        );
    }
    if !audit.input.diagnostics.is_empty() {
        let _ = writeln!(
            o,
            "<li><a href=\"#s-diagnostics\"><span class=\"n\">{}</span>Diagnostics</a></li>",
            numbers[k + 4]
        );
    }
    o.push_str("</ol>\n</nav>\n");
}

fn heading(o: &mut String, id: &str, number: usize, title: &str) {
    let _ = writeln!(
        o,
        "<h2 id=\"{id}\"><span class=\"num\">{number}</span>{}</h2>",
        esc(title)
    );
}

fn summary(o: &mut String, audit: &Audit<'_>, anchors: &Anchors, number: usize) {
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
    super::change::html_summary(o, input);

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

fn scope(o: &mut String, audit: &Audit<'_>, number: usize) {
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

fn filters(o: &mut String) {
    o.push_str("<div class=\"filters\" role=\"group\" aria-label=\"Filters\">\n<span class=\"grp\"><span class=\"lbl\">Controls</span>");
    for (id, _) in FILTERS.iter().filter(|(id, _)| id.starts_with("st-")) {
        let _ = write!(o, "<label for=\"{id}\">{}</label>", filter_label(id));
    }
    o.push_str("</span>\n<span class=\"grp\"><span class=\"lbl\">Findings</span>");
    for (id, _) in FILTERS.iter().filter(|(id, _)| id.starts_with("sv-")) {
        let _ = write!(o, "<label for=\"{id}\">{}</label>", filter_label(id));
    }
    o.push_str("</span>\n</div>\n");
}

/// Radio ids and whether each starts checked.
const FILTERS: &[(&str, bool)] = &[
    ("st-all", true),
    ("st-fail", false),
    ("st-pass", false),
    ("st-na", false),
    ("st-manual", false),
    ("sv-all", true),
    ("sv-high", false),
    ("sv-critical", false),
];

fn filter_label(id: &str) -> &'static str {
    match id {
        "st-all" => "All",
        "st-fail" => "Fail",
        "st-pass" => "Pass",
        "st-na" => "Not applicable",
        "st-manual" => "Manual",
        "sv-all" => "All severities",
        "sv-high" => "High and critical",
        "sv-critical" => "Critical",
        _ => "",
    }
}

/// The CSS that makes the radio filters work.
fn filter_css() -> String {
    let mut css = String::new();
    for s in ["fail", "pass", "na", "manual"] {
        let _ = writeln!(
            css,
            "#st-{s}:checked ~ .page tr.ctl:not(.s-{s}), #st-{s}:checked ~ .page tr.ev:not(.s-{s}) {{ display: none; }}"
        );
    }
    css.push_str("#sv-high:checked ~ .page tr.f.sev-medium, #sv-high:checked ~ .page tr.f.sev-low, #sv-critical:checked ~ .page tr.f:not(.sev-critical) { display: none; }\n");
    // Evidence left empty by the severity filter folds away (where `:has` works).
    css.push_str("#sv-high:checked ~ .page tr.ev:not(:has(tr.sev-high, tr.sev-critical)), #sv-critical:checked ~ .page tr.ev:not(:has(tr.sev-critical)) { display: none; }\n");
    for (id, _) in FILTERS {
        let _ = writeln!(
            css,
            "#{id}:checked ~ .page label[for={id}] {{ background: var(--navy); border-color: var(--navy); color: #fff; }}\n\
             #{id}:focus-visible ~ .page label[for={id}] {{ outline: 2px solid var(--accent); outline-offset: 2px; }}"
        );
    }
    css
}

fn sev_chip(s: Severity) -> String {
    format!("<span class=\"sev {}\">{}</span>", s.as_str(), s.as_str())
}

/// Where a finding is: the resource (and its type) and `file:line`.
fn place(f: &Finding) -> String {
    let mut out = String::new();
    if let Some(r) = &f.resource {
        let _ = write!(out, "<code>{}</code>", esc(r));
        if let Some(t) = &f.resource_type {
            let _ = write!(out, "<div class=\"sub\">{}</div>", esc(t));
        }
    }
    let _ = write!(
        out,
        "<div class=\"loc\"><code>{}:{}</code></div>",
        esc(&f.file),
        f.start.line
    );
    out
}

fn rule_title<'a>(audit: &'a Audit<'_>, id: &str) -> &'a str {
    audit
        .input
        .rule_set
        .as_ref()
        .and_then(|rs| rs.rules.iter().find(|r| r.id == id))
        .map_or("", |r| r.title.as_str())
}

fn framework(
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

fn control_row(
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

fn control_links(audit: &Audit<'_>, anchors: &Anchors, rule: &str) -> String {
    let Some(list) = audit.controls_of_rule.get(rule) else {
        return "<span class=\"sub\">none selected</span>".into();
    };
    list.iter()
        .map(|(f, c): &(&Framework, &Control)| {
            let id = anchors
                .controls
                .get(&(f.id.clone(), c.id.clone()))
                .cloned()
                .unwrap_or_default();
            format!(
                "<a class=\"chip\" href=\"#{id}\">{} {}</a>",
                esc(f.short()),
                esc(&c.id)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn findings(o: &mut String, audit: &Audit<'_>, anchors: &Anchors, number: usize) {
    let input = audit.input;
    o.push_str("<section>\n");
    heading(o, "s-findings", number, "Findings");
    if input.findings.is_empty() {
        o.push_str("<p>None.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<p>{} standing after suppressions, highest severity first, with the controls each one fails.</p>",
        plural(input.findings.len(), "finding", "findings")
    );
    let mut order: Vec<usize> = (0..input.findings.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(input.findings[*i].severity));
    o.push_str("<table class=\"findings\">\n<thead><tr><th class=\"w-sev\">Severity</th><th class=\"w-rule\">Rule</th><th class=\"w-where\">Resource and location</th><th>Message and fix</th><th class=\"w-chips\">Controls</th></tr></thead>\n<tbody>\n");
    for i in order {
        let f = &input.findings[i];
        let title = if f.title.is_empty() {
            rule_title(audit, &f.rule_id).to_string()
        } else {
            f.title.clone()
        };
        let _ = writeln!(
            o,
            "<tr class=\"f sev-{}\"><td>{}</td><td><code class=\"rid\">{}</code><div class=\"sub\">{}</div></td><td class=\"where\">{}</td><td>{}<div class=\"fix\"><b>Fix:</b> {}</div></td><td class=\"chips\">{}</td></tr>",
            f.severity.as_str(),
            sev_chip(f.severity),
            esc(&f.rule_id),
            esc(&title),
            place(f),
            esc(&f.message),
            esc(&f.remediation),
            control_links(audit, anchors, &f.rule_id)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn accepted_risks(o: &mut String, audit: &Audit<'_>, number: usize) {
    let input = audit.input;
    o.push_str("<section>\n");
    heading(o, "s-accepted-risks", number, "Accepted risks");
    o.push_str("<p>Findings suppressed by an inline comment, resource metadata or a baseline: they do not fail a control, and each needs its reason reviewed.</p>\n");
    if input.suppressed.is_empty() {
        o.push_str("<p class=\"none\">None: no finding was suppressed.</p>\n</section>\n");
        return;
    }
    o.push_str("<table class=\"findings\">\n<thead><tr><th class=\"w-sev\">Severity</th><th class=\"w-rule\">Rule</th><th class=\"w-where\">Resource and location</th><th>Reason</th><th>Until</th><th>Suppressed by</th></tr></thead>\n<tbody>\n");
    for sf in &input.suppressed {
        let (f, s) = (&sf.finding, &sf.suppression);
        let by = match (&s.file, s.start) {
            (Some(file), Some(p)) => format!(
                "{}<div class=\"sub\"><code>{}:{}</code></div>",
                esc(s.origin.as_str()),
                esc(file),
                p.line
            ),
            _ => esc(s.origin.as_str()),
        };
        let _ = writeln!(
            o,
            "<tr class=\"f sev-{}\"><td>{}</td><td><code class=\"rid\">{}</code></td><td class=\"where\">{}</td><td>{}</td><td class=\"nowrap\">{}</td><td class=\"where\">{by}</td></tr>",
            f.severity.as_str(),
            sev_chip(f.severity),
            esc(&f.rule_id),
            place(f),
            if s.justification.is_empty() {
                "—".into()
            } else {
                esc(&s.justification)
            },
            s.until.as_deref().map_or("no expiry".into(), esc)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn advisories(o: &mut String, audit: &Audit<'_>, number: usize) {
    let input = audit.input;
    let check = dep_check(input);
    o.push_str("<section>\n");
    heading(o, "s-advisories", number, "Dependency advisories");
    match dep_not_checked_text(input) {
        Some(why) => {
            let _ = writeln!(o, "<p>{}</p>", rich(&why));
        }
        None => dependency_table(o, audit),
    }
    let functions = input
        .scope
        .as_ref()
        .map_or(&[][..], |s| s.functions.as_slice());
    if functions.is_empty() {
        o.push_str("<p class=\"none\">No functions in scope.</p>\n</section>\n");
        return;
    }
    o.push_str("<h3>Per function</h3>\n<table>\n<thead><tr><th>Function</th><th>Runtime</th><th>File</th><th>Advisories</th></tr></thead>\n<tbody>\n");
    for f in functions {
        let ids = advisories_of(input, f);
        let cell = match check {
            DepCheck::Checked(_) if !ids.is_empty() => format!(
                "<td>{}</td>",
                ids.iter()
                    .map(|i| format!("<code>{}</code>", esc(i)))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            other => format!("<td class=\"sub\">{}</td>", other.not_checked_cell()),
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
fn dependency_table(o: &mut String, audit: &Audit<'_>) {
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

fn rule_set(o: &mut String, audit: &Audit<'_>, anchors: &Anchors, number: usize) {
    o.push_str("<section>\n");
    heading(o, "s-rule-set", number, "Rule set");
    let _ = writeln!(o, "<p>{}.</p>", esc(&rule_set_line(audit.input)));
    let Some(rs) = &audit.input.rule_set else {
        o.push_str("</section>\n");
        return;
    };
    o.push_str("<table class=\"rules-table\">\n<thead><tr><th>Rule</th><th>Severity</th><th>Title</th><th>Controls</th></tr></thead>\n<tbody>\n");
    for r in &rs.rules {
        let _ = writeln!(
            o,
            "<tr><td><code class=\"rid\">{}</code>{}</td><td>{}</td><td>{}</td><td class=\"chips\">{}</td></tr>",
            esc(&r.id),
            if r.builtin {
                ""
            } else {
                " <span class=\"sub\">custom</span>"
            },
            sev_chip(r.severity),
            esc(&r.title),
            control_links(audit, anchors, &r.id)
        );
    }
    o.push_str("</tbody>\n</table>\n</section>\n");
}

fn diagnostics(o: &mut String, audit: &Audit<'_>, number: usize) {
    let Some(table) = document::diagnostics(audit.input) else {
        return;
    };
    o.push_str("<section>\n");
    heading(o, "s-diagnostics", number, "Diagnostics");
    print_table(o, &table);
    o.push_str("</section>\n");
}

/// A document table as an HTML table.
fn print_table(o: &mut String, t: &Table) {
    o.push_str("<table>\n<thead><tr>");
    for h in &t.headings {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        o.push_str("<tr>");
        for c in row {
            let _ = match c {
                Cell::Text(s) => write!(o, "<td>{}</td>", esc(s)),
                Cell::Code(s) => write!(o, "<td><code>{}</code></td>", esc(s)),
                Cell::Empty => write!(o, "<td>—</td>"),
            };
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
}

const CSS: &str = r#":root {
  --ink: #1b2330; --muted: #5b6677; --line: #dde2ea; --soft: #f5f7fa; --navy: #1c2b4a; --accent: #2b59c3;
  --pass: #2f7d4f; --pass-bg: #e5f3ea; --fail: #c0392b; --fail-bg: #fbe9e7; --na: #687385; --na-bg: #edf0f4;
  --manual: #5b4bb7; --manual-bg: #eeebfa;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; overflow-wrap: anywhere; }
a { color: var(--accent); }
.page, .wrap { max-width: 1180px; margin: 0 auto; padding: 0 32px; }
.page { padding-bottom: 40px; }
.cover { background: var(--navy); color: #fff; padding: 34px 0 26px; }
.cover .eyebrow { margin: 0; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; opacity: .75; }
.cover h1 { margin: 4px 0 18px; font-size: 32px; font-weight: 650; letter-spacing: -.01em; }
.cover dl { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px 28px; margin: 0; }
.cover dt { font-size: 11px; letter-spacing: .06em; text-transform: uppercase; opacity: .7; }
.cover dd { margin: 2px 0 0; word-break: break-word; }
.toc { margin: 22px 0 8px; padding: 14px 20px; background: var(--soft); border: 1px solid var(--line); border-radius: 8px; }
.toc .toc-h { margin: 0 0 6px; padding: 0; border: 0; font-size: 13px; letter-spacing: .06em; text-transform: uppercase; color: var(--muted); }
.toc ol { margin: 0; padding: 0; list-style: none; columns: 2; column-gap: 48px; }
.toc li { margin: 3px 0; break-inside: avoid; }
.toc a { text-decoration: none; }
.toc a:hover { text-decoration: underline; }
.toc .n { display: inline-block; min-width: 26px; color: var(--muted); }
.toc .cnt { font-size: 12px; color: var(--muted); }
.toc .cnt.bad { color: var(--fail); }
h2 { margin: 38px 0 10px; padding-top: 10px; border-top: 2px solid var(--navy); font-size: 22px; font-weight: 650; }
h2 .num { margin-right: 12px; color: var(--muted); font-weight: 500; }
h3 { margin: 18px 0 6px; font-size: 15px; }
p { margin: 6px 0; }
.caveat { padding: 8px 12px; background: #fff7e6; border-left: 4px solid #e0a100; border-radius: 4px; }
.figures { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 12px; margin: 16px 0; }
.fig { padding: 12px 14px; border: 1px solid var(--line); border-radius: 8px; }
.fig b { display: block; font-size: 26px; line-height: 1.15; font-weight: 650; }
.fig span { font-size: 12px; color: var(--muted); }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; margin: 14px 0; }
figure.card { margin: 0; padding: 12px 16px; border: 1px solid var(--line); border-radius: 8px; break-inside: avoid; }
figure.card.wide { grid-column: 1 / -1; }
figcaption { margin-bottom: 6px; font-size: 13px; font-weight: 600; }
svg.chart { display: block; width: 100%; height: auto; }
.ch-label { font-size: 11px; fill: var(--ink); }
.ch-value { font-size: 11px; fill: var(--muted); }
.ch-in { font-size: 10.5px; font-weight: 600; fill: #fff; }
.ch-track { fill: #edf0f4; }
.ch-muted { font-size: 12px; fill: var(--muted); }
svg.mini { width: 120px; height: 10px; vertical-align: middle; }
.legend { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 24px; margin: 10px 0 0; font-size: 13px; }
.legend div { display: flex; gap: 10px; align-items: baseline; }
.legend dd { margin: 0; color: var(--muted); }
table { width: 100%; margin: 8px 0 16px; border-collapse: collapse; }
th, td { padding: 7px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
thead th { font-size: 11px; font-weight: 650; letter-spacing: .05em; text-transform: uppercase; color: var(--muted); background: var(--soft); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.bad { color: var(--fail); font-weight: 700; }
table.kv th { width: 38%; font-weight: 600; color: var(--muted); background: none; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.limits { font-size: 12.5px; color: var(--muted); }
.badge { display: inline-block; min-width: 64px; padding: 2px 9px; border-radius: 999px; font-size: 11.5px; font-weight: 650; text-align: center; white-space: nowrap; }
.badge.pass { background: var(--pass-bg); color: var(--pass); }
.badge.fail { background: var(--fail-bg); color: var(--fail); }
.badge.na { background: var(--na-bg); color: var(--na); }
.badge.manual { background: var(--manual-bg); color: var(--manual); }
.counts .badge { margin-right: 4px; }
.sev { display: inline-block; min-width: 62px; padding: 1px 7px; border-radius: 4px; font-size: 10.5px; font-weight: 700; letter-spacing: .04em; text-align: center; text-transform: uppercase; color: #fff; }
.sev.critical { background: #7f1d1d; } .sev.high { background: #d64545; } .sev.medium { background: #c7770f; } .sev.low { background: #3b82c4; }
.meta { color: var(--muted); font-size: 13px; }
.desc { max-width: 880px; }
table.controls > tbody > tr.ctl > td:first-child { width: 118px; border-left: 4px solid transparent; }
table.controls > tbody > tr.s-fail > td:first-child { border-left-color: var(--fail); }
table.controls > tbody > tr.s-pass > td:first-child { border-left-color: var(--pass); }
table.controls > tbody > tr.s-na > td:first-child { border-left-color: #c3cad5; }
table.controls > tbody > tr.s-manual > td:first-child { border-left-color: var(--manual); }
table.controls > tbody > tr.ctl > td:nth-child(3) { width: 24%; }
table.controls > tbody > tr.ctl > td:nth-child(4) { width: 22%; }
.cid { font-weight: 700; margin-right: 4px; }
.ctitle { font-weight: 600; }
.cdesc { margin: 3px 0 0; color: #3b4556; }
.note { margin: 4px 0 0; font-size: 12.5px; color: var(--muted); font-style: italic; }
.rules code { display: inline-block; margin: 0 2px 4px 0; padding: 0 5px; background: var(--soft); border: 1px solid var(--line); border-radius: 4px; }
.rules code.off { text-decoration: line-through; opacity: .6; }
.sub { font-size: 12px; color: var(--muted); }
tr.ev > td { padding-top: 0; border-bottom: 1px solid var(--line); }
tr.ev > td:first-child { border-left: 4px solid var(--fail); }
table.evidence { margin: 0 0 8px; font-size: 12.5px; border: 1px solid #efd0cb; }
table.evidence thead th { background: #fcf0ee; }
table.evidence td { padding: 5px 8px; }
table.findings td { font-size: 13px; }
.rid, .nowrap { white-space: nowrap; }
.where code { overflow-wrap: anywhere; word-break: normal; }
.loc { margin-top: 2px; }
.loc code { color: #4a5568; }
th.w-sev { width: 92px; } th.w-rule { width: 128px; } th.w-where { width: 30%; } th.w-chips { width: 190px; }
h2, tr.ctl { scroll-margin-top: 64px; }
.fix { margin-top: 4px; font-size: 12px; color: #3b4556; }
.chips { min-width: 150px; }
.chip { display: inline-block; margin: 0 2px 4px 0; padding: 0 6px; font-size: 11.5px; white-space: nowrap; text-decoration: none; color: var(--ink); background: var(--soft); border: 1px solid var(--line); border-radius: 4px; }
.chip:hover { border-color: var(--accent); }
.none { color: var(--muted); }
.flt { position: absolute; opacity: 0; pointer-events: none; }
.filters { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 8px 22px; align-items: center;
  margin: 28px 0 0; padding: 10px 0; background: rgba(255, 255, 255, .97); border-bottom: 1px solid var(--line); }
.grp { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.lbl { margin-right: 2px; font-size: 11px; font-weight: 650; letter-spacing: .05em; text-transform: uppercase; color: var(--muted); }
.filters label { padding: 3px 11px; font-size: 12.5px; background: #fff; border: 1px solid var(--line); border-radius: 999px; cursor: pointer; user-select: none; }
footer { margin-top: 36px; padding-top: 12px; border-top: 1px solid var(--line); font-size: 12px; color: var(--muted); }
@media (max-width: 900px) {
  .figures { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .charts, .two, .legend { grid-template-columns: 1fr; }
  .cover dl { grid-template-columns: 1fr 1fr; }
  .toc ol { columns: 1; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 9.5pt; }
  .page, .wrap { max-width: none; }
  .cover { padding: 18px 0 14px; }
  .page, .wrap { padding: 0; }
  .filters, .flt { display: none !important; }
  tr.ctl, tr.ev, tr.f { display: table-row !important; }
  section.fw { break-before: page; }
  h2 { break-after: avoid; }
  tr, figure, .fig { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  .figures { grid-template-columns: repeat(6, minmax(0, 1fr)); }
  .charts { grid-template-columns: 1fr 1fr; }
}
"#;

//! How the HTML audit looks: the stylesheet, the status and severity
//! colours, and the radio-button filters (control status, finding severity)
//! that CSS sibling selectors make work without JavaScript.

use std::fmt::Write as _;

use crate::rule::Severity;

pub(super) const STATUS_COLORS: [&str; 4] = ["#2f7d4f", "#c0392b", "#9aa3b2", "#5b4bb7"];

pub(super) fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#7f1d1d",
        Severity::High => "#d64545",
        Severity::Medium => "#e08a1e",
        Severity::Low => "#3b82c4",
    }
}

pub(super) fn filters(o: &mut String) {
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
pub(super) const FILTERS: &[(&str, bool)] = &[
    ("st-all", true),
    ("st-fail", false),
    ("st-pass", false),
    ("st-na", false),
    ("st-manual", false),
    ("sv-all", true),
    ("sv-high", false),
    ("sv-critical", false),
];

pub(super) fn filter_label(id: &str) -> &'static str {
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
pub(super) fn filter_css() -> String {
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

pub(super) const CSS: &str = r#":root {
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

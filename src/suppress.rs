//! Suppress stage: decides which findings are accepted risks, between the
//! findings and the reports.
//!
//! Three sources, all checked the same way:
//! - comments in the source text, `# faasguard:ignore FG-IAM-001 reason="..."
//!   until=2027-03-01`, found by a scanner that knows only comment markers
//!   (`#`, `//`, `/*`), so YAML today and HCL later share it ([`directives`]);
//! - CloudFormation `Metadata: {faasguard: {ignore: [{id, reason, until}]}}`
//!   on a resource (the only way in JSON templates), read by the adapter into
//!   [`Model::ignores`];
//! - a baseline file of fingerprints ([`crate::baseline`]).
//!
//! A suppressed finding is not dropped: it moves to [`Applied::suppressed`]
//! with what suppressed it, so every report can still show it. A suppression
//! written wrongly (no reason, a bad date, `*`) suppresses nothing and is
//! reported; so is one naming an unknown rule and one matching nothing. When
//! the configuration forbids in-source suppressions, each one becomes a
//! finding of [`FORBIDDEN_RULE`]. See `docs/adr/0006-suppressions.md`.

use std::collections::{BTreeMap, BTreeSet};

use crate::baseline::{self, Baseline};
use crate::finding::{self, Diagnostic, Finding, Level};
use crate::model::Model;
use crate::parse::{Node, Value};
use crate::rule::Severity;
use crate::source::{FileId, SourceMap, Span};

/// The governance rule: an in-source suppression where the configuration
/// forbids them.
pub const FORBIDDEN_RULE: &str = "FG-GOV-001";

/// The text that starts a suppression comment.
pub const DIRECTIVE: &str = "faasguard:ignore";

/// SARIF's `suppression.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Written in the scanned file (a comment, resource metadata).
    InSource,
    /// Kept outside it (a baseline).
    External,
}

/// Where a suppression is written.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Origin {
    Comment,
    Metadata,
    Baseline,
    /// A conftest policy's `exception` rule (`docs/conftest.md`).
    Exception,
}

impl Origin {
    pub(crate) fn kind(self) -> Kind {
        match self {
            Origin::Comment | Origin::Metadata => Kind::InSource,
            Origin::Baseline | Origin::Exception => Kind::External,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Origin::Comment => "comment",
            Origin::Metadata => "metadata",
            Origin::Baseline => "baseline",
            Origin::Exception => "exception",
        }
    }
}

/// What covers a suppressed finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    pub(crate) origin: Origin,
    /// The reason written with it (for a baseline: which baseline).
    pub justification: String,
    /// `YYYY-MM-DD`: honoured through that day.
    pub until: Option<String>,
    /// The comment or metadata entry; none for a baseline.
    pub span: Option<Span>,
}

/// A finding and what suppressed it.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppressed {
    /// The finding as the scan made it (rule, severity, place).
    pub finding: Finding,
    pub(crate) suppression: Suppression,
}

/// Which findings a suppression written in a file covers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scope {
    /// Findings that start on this line (the span of the whole line).
    Line(Span),
    /// Every finding of a resource: those naming it or one of its parts
    /// (`Fn`, `Fn/Role`), and those located inside its definition.
    Resource { id: String, body: Span },
}

/// A suppression as written in a file, parsed but not yet applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    pub(crate) origin: Origin,
    /// Rule ids (upper-cased), each with the span it was written at.
    pub rules: Vec<(String, Span)>,
    pub(crate) reason: Option<String>,
    pub(crate) until: Option<String>,
    pub(crate) scope: Scope,
    /// The comment or metadata entry.
    pub span: Span,
    /// The resource it is written in or for, when there is one.
    pub resource: Option<String>,
    /// What is wrong with how it is written; a suppression with problems
    /// suppresses nothing.
    pub problems: Vec<String>,
}

/// What the stage needs besides findings.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// `allow_inline_suppressions` from the configuration.
    pub allow_in_source: bool,
    /// `YYYY-MM-DD`.
    pub today: &'a str,
    pub(crate) baseline: Option<&'a Baseline>,
    /// Rules the configuration turns off: they are not evaluated, so a
    /// suppression naming one matches nothing, yet is not unused (it comes
    /// back into use when the rule is turned on again).
    pub disabled: Option<&'a BTreeSet<String>>,
}

/// The stage's result.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings still standing (with [`FORBIDDEN_RULE`] findings added),
    /// sorted.
    pub findings: Vec<Finding>,
    pub(crate) suppressed: Vec<Suppressed>,
    /// Suppressions written wrongly, naming unknown rules, or matching nothing.
    pub diagnostics: Vec<Diagnostic>,
    pub(crate) baseline: Option<baseline::Status>,
}

// ---------------------------------------------------------------------------
// Finding suppressions in a file.

/// A suppression comment found in source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Directive {
    /// From the comment marker to the end of the line.
    pub span: Span,
    /// The text after `faasguard:ignore` (block comment end removed).
    pub body: String,
    /// Byte offset just after `faasguard:ignore`.
    pub body_start: usize,
    /// The line it applies to (its whole line, with the line break): its own
    /// line for a trailing comment, else the next line that is neither blank
    /// nor a comment. `None` when nothing follows.
    pub target: Option<Span>,
}

const MARKERS: [&str; 3] = ["#", "//", "/*"];

/// Every `faasguard:ignore` comment in `text`. Knows only comment markers, not
/// the format: the caller drops those that sit inside a string value.
pub fn directives(text: &str, file: FileId) -> Vec<Directive> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(DIRECTIVE) {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let before = text[line_start..at].trim_end();
        let Some(marker) = MARKERS.iter().find(|m| before.ends_with(**m)) else {
            continue;
        };
        let marker_at = line_start + before.len() - marker.len();
        // YAML (and sane HCL) need blank space before a comment marker.
        if text[line_start..marker_at]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace())
        {
            continue;
        }
        let body_start = at + DIRECTIVE.len();
        let rest = &text[body_start..line_end];
        if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
            continue; // `faasguard:ignored`, `faasguard:ignore-next`, ...
        }
        let mut body = rest.trim_end_matches('\r').to_string();
        if *marker == "/*" {
            if let Some(i) = body.find("*/") {
                body.truncate(i);
            }
        }
        let own_line = text[line_start..marker_at].trim().is_empty();
        let target = if own_line {
            next_code_line(text, line_end)
        } else {
            Some((line_start, (line_end + 1).min(text.len())))
        };
        out.push(Directive {
            span: Span::new(file, marker_at, line_end),
            body,
            body_start,
            target: target.map(|(s, e)| Span::new(file, s, e)),
        });
    }
    out
}

/// The first line at or after `from` (a line end) that is not blank and not
/// only a comment, as (start, end including its line break).
fn next_code_line(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut start = from + 1;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let t = text[start..end].trim();
        if !t.is_empty() && !MARKERS.iter().any(|m| t.starts_with(m)) {
            return Some((start, (end + 1).min(text.len())));
        }
        start = end + 1;
    }
    None
}

/// The suppressions written in one adapted file: its comments (outside string
/// values of `doc`) and its resources' `Metadata.faasguard.ignore` entries.
pub fn declared(text: &str, file: FileId, doc: &Node, model: &Model) -> Vec<Declared> {
    let comments = directives(text, file);
    let strings = if comments.is_empty() {
        Vec::new()
    } else {
        string_spans(doc)
    };
    declared_outside(comments, &strings, file, model)
}

/// [`declared`] for a file of a Terraform module (`.tf`, `.tf.json`,
/// `.tfvars`), which has no parsed tree of its own here: its string values,
/// heredocs included, are found by parsing it again (HCL, else JSON), so a
/// `# faasguard:ignore` inside one is text, not a suppression.
pub fn declared_terraform(text: &str, file: FileId, model: &Model) -> Vec<Declared> {
    let comments = directives(text, file);
    if comments.is_empty() {
        return Vec::new();
    }
    let strings = match hcl_edit::parser::parse_body(text) {
        Ok(body) => {
            let mut v = HclStrings(Vec::new());
            hcl_edit::visit::Visit::visit_body(&mut v, &body);
            v.0.into_iter()
                .map(|r| Span::new(file, r.start, r.end))
                .collect()
        }
        Err(_) => crate::parse::json::parse(text, file)
            .map(|doc| string_spans(&doc))
            .unwrap_or_default(),
    };
    declared_outside(comments, &strings, file, model)
}

/// The byte ranges of every string, string template and heredoc of an HCL
/// body.
struct HclStrings(Vec<std::ops::Range<usize>>);

impl hcl_edit::visit::Visit for HclStrings {
    fn visit_expr(&mut self, expr: &hcl_edit::expr::Expression) {
        use hcl_edit::expr::Expression;
        use hcl_edit::Span as _;
        if let Expression::String(_)
        | Expression::StringTemplate(_)
        | Expression::HeredocTemplate(_) = expr
        {
            self.0.extend(expr.span());
        }
        hcl_edit::visit::visit_expr(self, expr);
    }
}

/// The comments of `comments` that are not inside one of `strings`, as
/// suppressions, with the model's in-source metadata ones.
fn declared_outside(
    comments: Vec<Directive>,
    strings: &[Span],
    file: FileId,
    model: &Model,
) -> Vec<Declared> {
    let mut out = Vec::new();
    for d in comments {
        if strings
            .iter()
            .any(|s| s.start <= d.span.start && d.span.start < s.end)
        {
            continue;
        }
        let mut parsed = parse_directive(&d.body, file, d.body_start);
        let scope = match d.target {
            Some(line) => match model
                .headers
                .iter()
                .find(|h| line.start <= h.key.start && h.key.start < line.end)
            {
                Some(h) => Scope::Resource {
                    id: h.id.clone(),
                    body: h.body,
                },
                None => Scope::Line(line),
            },
            None => {
                parsed
                    .problems
                    .push("nothing follows the comment for it to apply to".into());
                Scope::Line(d.span)
            }
        };
        let resource = match &scope {
            Scope::Resource { id, .. } => Some(id.clone()),
            Scope::Line(_) => enclosing_resource(model, d.span),
        };
        out.push(Declared {
            origin: Origin::Comment,
            rules: parsed.rules,
            reason: parsed.reason,
            until: parsed.until,
            scope,
            span: d.span,
            resource,
            problems: parsed.problems,
        });
    }
    for ig in &model.ignores {
        let mut problems: Vec<String> = ig
            .unknown_keys
            .iter()
            .map(|(k, _)| format!("unknown key `{k}` (expected id, reason, until)"))
            .collect();
        let mut rules = Vec::new();
        match &ig.rules {
            Some((ids, span)) => {
                for id in ids.split(',').map(str::trim) {
                    check_rule_id(id, *span, &mut rules, &mut problems);
                }
            }
            None => problems.push("`id` is missing: name the rule ids it accepts".into()),
        }
        let reason = ig.reason.clone().filter(|r| !r.trim().is_empty());
        if reason.is_none() {
            problems
                .push("a reason is required: add `reason:` saying why the risk is accepted".into());
        }
        if let Some((until, _)) = &ig.until {
            if !crate::date::is_date(until) {
                problems.push(format!("`until` must be a date YYYY-MM-DD, not `{until}`"));
            }
        }
        let body = model
            .headers
            .iter()
            .find(|h| h.id == ig.resource)
            .map_or(ig.span, |h| h.body);
        out.push(Declared {
            origin: Origin::Metadata,
            rules,
            reason,
            until: ig.until.as_ref().map(|(u, _)| u.clone()),
            scope: Scope::Resource {
                id: ig.resource.clone(),
                body,
            },
            span: ig.span,
            resource: Some(ig.resource.clone()),
            problems,
        });
    }
    out
}

const REASON_REQUIRED: &str =
    "a reason is required: add reason=\"...\" saying why the risk is accepted";

/// The innermost resource whose definition holds `span`.
fn enclosing_resource(model: &Model, span: Span) -> Option<String> {
    model
        .headers
        .iter()
        .filter(|h| h.body.start <= span.start && span.start < h.body.end)
        .min_by_key(|h| h.body.end - h.body.start)
        .map(|h| h.id.clone())
}

/// Spans of every string value and key of a document (where a `#` is text,
/// not a comment).
fn string_spans(doc: &Node) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack = vec![doc];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::String(_) => out.push(n.span),
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(m) => {
                for e in &m.entries {
                    out.push(e.key_span);
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
    out
}

#[derive(Debug, Default, PartialEq)]
struct Parsed {
    rules: Vec<(String, Span)>,
    reason: Option<String>,
    until: Option<String>,
    problems: Vec<String>,
}

/// `FG-IAM-001,FG-IAM-002 reason="..." until=2027-03-01` (ids and keys in any
/// order; values double- or single-quoted, or a single word).
fn parse_directive(body: &str, file: FileId, offset: usize) -> Parsed {
    let mut p = Parsed::default();
    let mut stray = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() || c == b',' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && bytes[i] != b','
            && bytes[i] != b'='
        {
            i += 1;
        }
        let word = &body[start..i];
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            let (value, next, closed) = read_value(body, i);
            i = next;
            if !closed {
                p.problems
                    .push(format!("the quoted value of `{word}` is not closed"));
                continue;
            }
            match word {
                "reason" => p.reason = Some(value),
                "until" => {
                    if !crate::date::is_date(&value) {
                        p.problems
                            .push(format!("`until` must be a date YYYY-MM-DD, not `{value}`"));
                    }
                    p.until = Some(value);
                }
                _ => p.problems.push(format!(
                    "unknown key `{word}` (expected reason=\"...\" and until=YYYY-MM-DD)"
                )),
            }
        } else if is_rule_id(word) || word.contains('*') {
            let span = Span::new(file, offset + start, offset + i);
            check_rule_id(word, span, &mut p.rules, &mut p.problems);
        } else {
            stray.push(word);
        }
    }
    if p.rules.is_empty() && !p.problems.iter().any(|m| m.contains("wildcards")) {
        p.problems.push(
            "no rule id: name the rules it accepts (`faasguard:ignore FG-IAM-001 ...`)".into(),
        );
    }
    let stray = stray.join(" ");
    if p.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        p.reason = None;
        p.problems.push(if stray.is_empty() {
            REASON_REQUIRED.into()
        } else {
            format!("a reason is required, written reason=\"{stray}\"")
        });
    } else if !stray.is_empty() {
        p.problems
            .push(format!("unexpected `{stray}` after the reason"));
    }
    p
}

/// A value after `key=`: quoted (with `\` escapes) or up to the next blank.
/// Returns (value, index after it, whether a quote was closed).
fn read_value(body: &str, from: usize) -> (String, usize, bool) {
    let bytes = body.as_bytes();
    match bytes.get(from) {
        Some(&q) if q == b'"' || q == b'\'' => {
            let mut value = String::new();
            let mut chars = body[from + 1..].char_indices();
            while let Some((j, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            value.push(n);
                        }
                    }
                    c if c as u32 == u32::from(q) => return (value, from + 1 + j + 1, true),
                    c => value.push(c),
                }
            }
            (value, body.len(), false)
        }
        _ => {
            let end = body[from..]
                .find(|c: char| c.is_whitespace())
                .map_or(body.len(), |j| from + j);
            (body[from..end].to_string(), end, true)
        }
    }
}

/// Accepts an id-shaped word (upper-cased); reports `*` and words that are
/// no id at all (a reason written without `reason=`).
fn check_rule_id(
    word: &str,
    span: Span,
    rules: &mut Vec<(String, Span)>,
    problems: &mut Vec<String>,
) {
    if word.is_empty() {
        return;
    }
    if word.contains('*') {
        problems.push(format!(
            "`{word}`: wildcards are not allowed; name each rule the suppression accepts"
        ));
    } else if is_rule_id(word) {
        rules.push((word.to_ascii_uppercase(), span));
    } else {
        problems.push(format!(
            "`{word}` is not a rule id (rule ids look like FG-IAM-001)"
        ));
    }
}

/// Shaped like a rule id: letters, digits, `-` and `_`, with a `-` and a digit.
fn is_rule_id(word: &str) -> bool {
    word.contains('-')
        && word.bytes().any(|c| c.is_ascii_digit())
        && word
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

// ---------------------------------------------------------------------------
// Applying them.

/// Apply every suppression to sorted findings. `known` is every rule id the
/// scan can report.
pub fn apply(
    findings: Vec<Finding>,
    declared: &[Declared],
    known: &BTreeSet<String>,
    sources: &SourceMap,
    opts: &Options<'_>,
) -> Applied {
    let mut applied = Applied::default();
    let display = |span: Span| {
        sources
            .get(span.file)
            .map(|s| s.display.clone())
            .unwrap_or_default()
    };
    let diagnostic = |code: &'static str, message: String, span: Span| {
        Diagnostic::new(Level::Warning, code, message).in_file(display(span), Some(span))
    };

    // (declaration, rule id, where the id is written) that may suppress.
    let mut candidates: Vec<(&Declared, &str, Span)> = Vec::new();
    let mut governance = Vec::new();
    for d in declared {
        if !opts.allow_in_source {
            governance.push(forbidden(d, &display(d.span)));
            continue;
        }
        if !d.problems.is_empty() {
            applied.diagnostics.push(diagnostic(
                "suppression-invalid",
                format!(
                    "{} suppression suppresses nothing: {}",
                    d.origin.as_str(),
                    d.problems.join("; ")
                ),
                d.span,
            ));
            continue;
        }
        for (id, span) in &d.rules {
            if known.contains(id) {
                candidates.push((d, id, *span));
            } else {
                applied.diagnostics.push(diagnostic(
                    "suppression-unknown-rule",
                    format!("suppression names {id}, which is not a rule (see `faasguard rules`)"),
                    *span,
                ));
            }
        }
    }

    let mut used = vec![false; candidates.len()];
    let mut standing = Vec::with_capacity(findings.len() + governance.len());
    for mut f in findings {
        let mut cover: Option<Suppression> = None;
        let mut expired: Option<(&str, &str)> = None;
        for (i, (d, id, _)) in candidates.iter().enumerate() {
            if *id != f.rule_id || !covers(&d.scope, &f) {
                continue;
            }
            used[i] = true;
            let reason = d.reason.as_deref().unwrap_or("");
            match d.until.as_deref() {
                Some(until) if until < opts.today => {
                    expired.get_or_insert((until, reason));
                }
                _ => {
                    cover.get_or_insert_with(|| Suppression {
                        origin: d.origin,
                        justification: reason.to_string(),
                        until: d.until.clone(),
                        span: Some(d.span),
                    });
                }
            }
        }
        match cover {
            Some(suppression) => applied.suppressed.push(Suppressed {
                finding: f,
                suppression,
            }),
            None => {
                if let Some((until, reason)) = expired {
                    f.message = format!(
                        "{} (a suppression of this finding expired on {until}: \"{reason}\")",
                        f.message
                    );
                }
                standing.push(f);
            }
        }
    }
    for (i, (d, id, span)) in candidates.iter().enumerate() {
        if !used[i] && !opts.disabled.is_some_and(|off| off.contains(*id)) {
            let place = match &d.scope {
                Scope::Resource { id, .. } => format!("in resource {id}"),
                Scope::Line(_) => "on the line it applies to".to_string(),
            };
            applied.diagnostics.push(diagnostic(
                "suppression-unused",
                format!("suppression of {id} matches no finding {place}; remove it"),
                *span,
            ));
        }
    }
    standing.extend(governance);
    applied
        .diagnostics
        .sort_by_cached_key(|d| (d.file.clone(), d.span.map(|s| (s.start, s.end))));

    if let Some(b) = opts.baseline {
        let wanted: BTreeMap<&str, &baseline::Entry> = b
            .entries
            .iter()
            .map(|e| (e.fingerprint.as_str(), e))
            .collect();
        let mut seen: BTreeSet<String> = applied
            .suppressed
            .iter()
            .map(|s| s.finding.fingerprint.clone())
            .collect();
        let mut matched = 0;
        let mut kept = Vec::with_capacity(standing.len());
        for f in standing {
            seen.insert(f.fingerprint.clone());
            if wanted.contains_key(f.fingerprint.as_str()) {
                matched += 1;
                applied.suppressed.push(Suppressed {
                    finding: f,
                    suppression: Suppression {
                        origin: Origin::Baseline,
                        justification: format!("accepted in the baseline {}", b.path),
                        until: None,
                        span: None,
                    },
                });
            } else {
                kept.push(f);
            }
        }
        standing = kept;
        let mut fixed: Vec<baseline::Entry> = wanted
            .values()
            .filter(|e| !seen.contains(&e.fingerprint))
            .map(|e| (*e).clone())
            .collect();
        fixed.sort_by(|a, b| {
            (&a.file, &a.rule_id, &a.resource, &a.fingerprint).cmp(&(
                &b.file,
                &b.rule_id,
                &b.resource,
                &b.fingerprint,
            ))
        });
        applied.baseline = Some(baseline::Status {
            file: b.path.clone(),
            entries: wanted.len(),
            matched,
            fixed,
        });
    }

    finding::sort(&mut standing, sources);
    applied.findings = standing;
    // Suppressed findings in the same order as findings.
    applied.suppressed.sort_by_cached_key(|s| {
        (
            display(s.finding.span),
            s.finding.span.start,
            s.finding.span.end,
            s.finding.rule_id.clone(),
            s.finding.resource.clone(),
            s.finding.path.clone(),
            s.finding.message.clone(),
        )
    });
    applied
}

/// Whether a suppression's scope covers a finding.
fn covers(scope: &Scope, f: &Finding) -> bool {
    match scope {
        Scope::Line(line) => {
            f.span.file == line.file && line.start <= f.span.start && f.span.start < line.end
        }
        Scope::Resource { id, body } => {
            f.span.file == body.file
                && (f
                    .resource
                    .as_deref()
                    .and_then(|r| r.split('/').next())
                    .is_some_and(|owner| owner == id)
                    || (body.start <= f.span.start && f.span.end <= body.end))
        }
    }
}

/// The [`FORBIDDEN_RULE`] finding for an in-source suppression.
fn forbidden(d: &Declared, file: &str) -> Finding {
    let ids: Vec<&str> = d.rules.iter().map(|(id, _)| id.as_str()).collect();
    let what = match d.origin {
        Origin::Metadata => "Metadata suppression",
        _ => "Suppression comment",
    };
    let named = if ids.is_empty() {
        String::new()
    } else {
        format!(" of {}", ids.join(", "))
    };
    let path = format!("ignore.{}", ids.join(","));
    Finding {
        fingerprint: finding::fingerprint(FORBIDDEN_RULE, file, d.resource.as_deref(), Some(&path), ""),
        rule_id: FORBIDDEN_RULE.to_string(),
        severity: Severity::Medium,
        message: format!(
            "{what}{named} is not allowed: the configuration sets allow_inline_suppressions = false, so it is not honoured"
        ),
        span: d.span,
        resource: d.resource.clone(),
        resource_type: None,
        path: None,
        dependency: None,
        fix: None,
        construct_path: None,
        instantiated_by: Vec::new(),
        replace: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    #[test]
    fn finds_comments_and_their_lines() {
        let text = "a: 1 # faasguard:ignore FG-A-001 reason=\"x\"\n# faasguard:ignore FG-B-002 reason=y\n\n# other\nb: 2\nc: \"x # faasguard:ignore FG-A-001\"\nd: e#faasguard:ignore X\n// faasguard:ignored X\n";
        let ds = directives(text, F);
        let line = |s: Span| &text[s.start as usize..s.end as usize];
        assert_eq!(ds.len(), 3, "{ds:?}");
        assert_eq!(
            line(ds[0].target.unwrap()),
            "a: 1 # faasguard:ignore FG-A-001 reason=\"x\"\n"
        );
        assert_eq!(ds[0].body, " FG-A-001 reason=\"x\"");
        assert_eq!(line(ds[1].target.unwrap()), "b: 2\n");
        // Inside a string: found here, dropped by `declared` (it knows the strings).
        assert_eq!(line(ds[2].span), "# faasguard:ignore FG-A-001\"");
    }

    #[test]
    fn block_and_slash_comments() {
        let text = "x = 1 // faasguard:ignore FG-A-001 reason=r\n/* faasguard:ignore FG-B-001 reason=r */\ny = 2";
        let ds = directives(text, F);
        assert_eq!(ds.len(), 2);
        assert_eq!(ds[1].body.trim(), "FG-B-001 reason=r");
        assert_eq!(
            ds[1].target.map(|s| s.start),
            Some(text.find("y =").unwrap() as u32)
        );
        assert!(directives("# faasguard:ignore FG-A-001 reason=r\n", F)[0]
            .target
            .is_none());
    }

    #[test]
    fn parses_ids_reasons_and_dates() {
        let p = parse_directive(
            " fg-iam-001, FG-IAM-002 reason=\"legacy \\\"role\\\"\" until=2027-03-01",
            F,
            0,
        );
        let ids: Vec<&str> = p.rules.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(ids, ["FG-IAM-001", "FG-IAM-002"]);
        assert_eq!(p.reason.as_deref(), Some("legacy \"role\""));
        assert_eq!(p.until.as_deref(), Some("2027-03-01"));
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.rules[0].1, Span::new(F, 1, 11));

        let p = parse_directive(" FG-IAM-001 legacy role", F, 0);
        assert_eq!(
            p.problems,
            ["a reason is required, written reason=\"legacy role\""]
        );
        let p = parse_directive(" FG-IAM-001 reason=x and more", F, 0);
        assert_eq!(p.problems, ["unexpected `and more` after the reason"]);

        let p = parse_directive(" * reason=x", F, 0);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(p.problems[0].contains("wildcards"));

        let p = parse_directive(" FG-A-001 reason='x' until=2027-02-30 owner=me", F, 0);
        assert_eq!(p.problems.len(), 2, "{:?}", p.problems);

        let p = parse_directive(" FG-A-001 reason=\"open", F, 0);
        assert!(p.problems.iter().any(|m| m.contains("not closed")));
    }

    #[test]
    fn dates() {
        assert!(crate::date::is_date("2024-02-29"));
        assert!(!crate::date::is_date("2023-02-29"));
        assert!(!crate::date::is_date("2027-13-01"));
        assert!(!crate::date::is_date("2027-1-01"));
        assert!(!crate::date::is_date("+027-01-01"));
    }

    fn finding(rule: &str, resource: &str, start: usize) -> Finding {
        Finding {
            rule_id: rule.into(),
            severity: Severity::High,
            message: "m".into(),
            span: Span::new(F, start, start + 1),
            resource: Some(resource.into()),
            resource_type: None,
            path: None,
            fingerprint: format!("{rule}-{resource}"),
            dependency: None,
            fix: None,
            construct_path: None,
            instantiated_by: Vec::new(),
            replace: None,
        }
    }

    #[test]
    fn resource_scope_covers_parts_and_body() {
        let scope = Scope::Resource {
            id: "Fn".into(),
            body: Span::new(F, 10, 50),
        };
        assert!(covers(&scope, &finding("X", "Fn/Policies/0", 99)));
        assert!(covers(&scope, &finding("X", "FnRole", 20)));
        assert!(!covers(&scope, &finding("X", "Fn2", 60)));
        let line = Scope::Line(Span::new(F, 10, 20));
        assert!(covers(&line, &finding("X", "A", 19)));
        assert!(!covers(&line, &finding("X", "A", 20)));
    }
}

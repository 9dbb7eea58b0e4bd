//! Evaluation of one unit's model and the placing of each result: a rule
//! returns `{resource, path, message}`, and the finding points at the span
//! the model keeps for that resource and path (else the resource's, else
//! the file's). What a unit hands back to the scan ([`UnitOut`]).

use std::path::PathBuf;

use crate::engine::Engine;
use crate::finding::{self, Diagnostic, Finding, Level};
use crate::model::Model;
use crate::source::{FileId, Span};
use crate::suppress::{Declared, Suppressed};

#[derive(Default)]
pub(super) struct UnitOut {
    pub(super) findings: Vec<Finding>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) declared: Vec<Declared>,
    pub(super) secrets: Vec<(String, String)>,
    /// Files the unit read (whether they parsed or not).
    pub(super) scanned: Vec<FileId>,
    /// Files that could not be parsed.
    pub(super) failed: Vec<FileId>,
    /// Module calls not evaluated (cycles, depth, outside the repository).
    pub(super) unscanned_calls: usize,
    pub(super) unscanned_resources: usize,
    pub(super) resources: usize,
    pub(super) scope: crate::scope::Scope,
    pub(super) called_modules: Vec<PathBuf>,
    /// Functions' code directories (lockfiles are tied to them).
    pub(super) functions: Vec<crate::deps::FunctionCode>,
    /// The policy input, for `faasguard model` (which evaluates nothing).
    pub(super) model: Option<serde_json::Value>,
    /// Nested stacks with a local template: (child template path, parent).
    pub(super) nested: Vec<(PathBuf, Instantiation)>,
    /// Findings a conftest `exception` accepts (reported as suppressed).
    pub(super) excepted: Vec<Suppressed>,
    /// `--profile`: the unit's processing time and each rule's.
    pub(super) elapsed: std::time::Duration,
    pub(super) rule_times: Vec<(usize, std::time::Duration)>,
    /// Checks rules could not decide on unknown values.
    pub(super) undecided: Vec<crate::undecided::Undecided>,
    /// Templates of the scan a Serverless service included
    /// ([`crate::model::Model::fragments`]).
    pub(super) fragments: Vec<FileId>,
}

/// Where a nested stack template is instantiated: the parent template and
/// its `AWS::CloudFormation::Stack` resource.
#[derive(Clone, Debug)]
pub(super) struct Instantiation {
    pub(super) parent: String,
    pub(super) resource: String,
    pub(super) span: Span,
}

/// `files` names every scanned file: a finding is fingerprinted with the
/// file it is in, not the unit's main file, which changes when a Terraform
/// module gains a file that sorts first (its other findings must still match
/// the baseline's).
pub(super) fn evaluate(
    model: &mut Model,
    display: &str,
    files: &[super::files::ScanFile],
    engine: &mut Engine,
    out: &mut UnitOut,
) {
    if engine.unit_expired() {
        out.diagnostics.push(out_of_time(engine, display, None));
        return;
    }
    // Policies see detected secrets only redacted (docs/security.md).
    let scrub = crate::adapt::secrets::to_scrub(&out.secrets, model);
    // The items move into the input; the model keeps their keys and spans
    // for placing the findings (ADR 0045).
    let input = crate::adapt::secrets::scrub_value(model.take_input(display), &scrub);
    let model = &*model;
    let results = match engine.eval(input) {
        Ok(r) => r,
        Err(e) => {
            out.diagnostics.push(
                Diagnostic::new(Level::Error, "policy-error", e.to_string()).in_file(display, None),
            );
            return;
        }
    };
    for (i, e) in engine.take_failed() {
        let id = &engine.rules()[i].meta.id;
        out.diagnostics.push(
            Diagnostic::new(
                Level::Error,
                "policy-error",
                format!("{e} (rule {id}: its findings on this file are missing; the other rules' are reported)"),
            )
            .in_file(display, None),
        );
    }
    for i in engine.take_timed_out() {
        let rule = &engine.rules()[i];
        let limit = engine.rule_timeout().unwrap_or_default();
        out.diagnostics.push(
            Diagnostic::new(
                Level::Error,
                "rule-timeout",
                format!(
                    "rule {} ({}) was stopped after {} s (--rule-timeout) on this file; its findings here are missing",
                    rule.meta.id,
                    rule.source,
                    limit.as_secs_f64()
                ),
            )
            .in_file(display, None),
        );
    }
    if let Some(stopped) = engine.take_file_stopped() {
        let rules = engine.rules();
        let mut what = match stopped.cut {
            Some(i) => format!(
                "rule {} ({}) was cut off",
                rules[i].meta.id, rules[i].source
            ),
            None => String::new(),
        };
        if !stopped.not_run.is_empty() {
            let ids: Vec<&str> = stopped
                .not_run
                .iter()
                .map(|&i| rules[i].meta.id.as_str())
                .collect();
            if !what.is_empty() {
                what.push_str(" and ");
            }
            what.push_str(&match ids.as_slice() {
                [one] => format!("rule {one} was not evaluated"),
                _ => format!(
                    "{} rules were not evaluated ({})",
                    ids.len(),
                    ids.join(", ")
                ),
            });
        }
        out.diagnostics.push(file_timeout(engine, display, &what));
    }
    push_findings(results, model, display, files, engine, out);
    let file_span = Span::new(model.file, 0, 0);
    for r in engine.take_undecided() {
        let span = r
            .resource
            .as_deref()
            .and_then(|id| model.locate(id, r.path.as_deref().unwrap_or("")))
            .unwrap_or(file_span);
        out.undecided.push(crate::undecided::Undecided {
            rule_id: engine.rules()[r.rule].meta.id.clone(),
            resource: r.resource,
            path: r.path,
            reason: r.message,
            span,
        });
    }
}

/// The error of a unit whose time ran out before any rule: in parse or
/// adapt, which stopped at `at` when a loop there saw it
/// ([`crate::deadline::stopped_at`]), or just after them.
pub(super) fn out_of_time(engine: &Engine, display: &str, at: Option<Span>) -> Diagnostic {
    let mut d = file_timeout(
        engine,
        display,
        "parsing and adapting used it all, so no rule was evaluated",
    );
    // Where parse or adapt was when it stopped: the span names the file the
    // stopped node is in (a Terraform module's other files too).
    if let Some(span) = at {
        d.span = Some(span);
    }
    d
}

/// The error of a unit stopped by the per-unit time limit: what was not
/// evaluated, whose findings are therefore missing.
fn file_timeout(engine: &Engine, display: &str, what: &str) -> Diagnostic {
    let limit = engine.file_timeout().unwrap_or_default().as_secs_f64();
    Diagnostic::new(
        Level::Error,
        "file-timeout",
        format!("this file took over {limit} s (--file-timeout): {what}; those rules' findings here are missing"),
    )
    .in_file(display, None)
}

pub(super) fn push_findings(
    results: Vec<crate::engine::RawResult>,
    model: &Model,
    display: &str,
    files: &[super::files::ScanFile],
    engine: &Engine,
    out: &mut UnitOut,
) {
    let file_span = Span::new(model.file, 0, 0);
    for mut r in results {
        let rule = &engine.rules()[r.rule];
        let span = r
            .resource
            .as_deref()
            .and_then(|id| model.locate(id, r.path.as_deref().unwrap_or("")))
            .unwrap_or(file_span);
        let fingerprint = finding::fingerprint(
            &rule.meta.id,
            files
                .get(span.file.0 as usize)
                .map_or(display, |f| f.display.as_str()),
            r.resource.as_deref(),
            r.path.as_deref(),
            &r.message,
        );
        // A value that came through a variable: say which, and from where
        // (after the fingerprint, which must not change with line numbers).
        if let Some((_, via)) = model.via.iter().find(|(s, _)| *s == span) {
            r.message = format!("{} ({via})", r.message);
        }
        let resource_type = r.resource.as_deref().and_then(|id| model.type_of(id));
        let construct_path = r.resource.as_deref().and_then(|id| model.construct_of(id));
        out.findings.push(Finding {
            fingerprint,
            rule_id: rule.meta.id.clone(),
            severity: rule.meta.severity,
            message: r.message,
            span,
            resource: r.resource,
            resource_type,
            path: r.path,
            dependency: None,
            fix: rule.meta.fixes.get(model.format.as_str()).cloned(),
            construct_path,
            instantiated_by: Vec::new(),
            replace: r.replace.map(Box::new),
        });
    }
}

//! The units' results gathered into one scan: the source map, findings with
//! their nested-stack notes, counts, scope, the secrets to redact; then the
//! findings merged and redacted, and the `[rules]` selection applied. What
//! the orchestrator does between evaluation and the report, kept out of it
//! so that `scan/mod.rs` reads as the order of the stages.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use super::evaluate::UnitOut;
use super::files::ScanFile;
use super::files::Unit;
use super::{Profile, Settings, Stats};
use crate::discover;
use crate::engine::Engine;
use crate::finding::{Diagnostic, Finding, Level, Redactor};
use crate::rule::Rule;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::suppress::{Declared, Suppressed};

/// Every unit's results, joined.
pub(super) struct Gathered {
    pub(super) sources: SourceMap,
    pub(super) findings: Vec<Finding>,
    pub(super) redactor: Redactor,
    pub(super) stats: Stats,
    pub(super) scope: crate::scope::Scope,
    pub(super) declared: Vec<Declared>,
    /// Functions' code directories, sorted (lockfiles are tied to them).
    pub(super) functions: Vec<crate::deps::FunctionCode>,
    pub(super) undecided: Vec<crate::undecided::Undecided>,
    /// Findings a conftest `exception` accepted.
    pub(super) excepted: Vec<Suppressed>,
}

/// Join the units' results: every file becomes a source (a file that could
/// not be read a `read-error` diagnostic), a nested stack's findings say
/// which stack resource deploys it (`nested`).
pub(super) fn gather(
    outs: Vec<UnitOut>,
    files: &[ScanFile],
    nested: &BTreeMap<FileId, String>,
    settings: &Settings,
    cwd: Option<&Path>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Gathered {
    let mut sources = SourceMap::default();
    for f in files {
        sources.add(SourceFile::new(
            f.display.clone(),
            f.path.clone(),
            f.text.clone().unwrap_or_else(|| Arc::from("")),
        ));
        if let Some(e) = &f.error {
            diagnostics.push(
                Diagnostic::new(Level::Error, "read-error", e.clone()).in_file(&f.display, None),
            );
        }
    }
    let mut findings = Vec::new();
    let mut redactor = Redactor::default();
    let mut stats = Stats::default();
    // A file counts once (a module called from several roots too), and a
    // file that failed is not also counted as scanned, in every format.
    let mut failed_files: BTreeSet<FileId> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.error.is_some())
        .map(|(n, _)| FileId(n as u32))
        .collect();
    let mut scanned_files = BTreeSet::new();
    let mut scope = crate::scope::Scope {
        paths: crate::scope::show_paths(&settings.paths, cwd)
            .into_iter()
            .map(|p| {
                if p == discover::STDIN_PATH {
                    discover::STDIN_DISPLAY.to_owned()
                } else {
                    p
                }
            })
            .collect(),
        ..Default::default()
    };
    let mut declared = Vec::new();
    let mut functions = Vec::new();
    let mut undecided = Vec::new();
    let mut excepted: Vec<Suppressed> = Vec::new();
    for out in outs {
        for mut f in out.findings {
            // A nested stack's findings say which stack resource deploys it.
            if let Some(note) = nested.get(&f.span.file) {
                f.message = format!("{} ({note})", f.message);
            }
            findings.push(f);
        }
        diagnostics.extend(out.diagnostics);
        declared.extend(out.declared);
        excepted.extend(out.excepted);
        for (secret, redacted) in out.secrets {
            redactor.add(&secret, &redacted);
        }
        scanned_files.extend(out.scanned);
        failed_files.extend(out.failed);
        stats.modules_unscanned += out.unscanned_calls;
        stats.resources_unscanned += out.unscanned_resources;
        stats.resources += out.resources;
        scope.absorb(out.scope);
        functions.extend(out.functions);
        undecided.extend(out.undecided);
    }
    stats.files_scanned = scanned_files.difference(&failed_files).count();
    stats.files_failed = failed_files.len();
    functions.sort();
    functions.dedup();
    Gathered {
        sources,
        findings,
        redactor,
        stats,
        scope,
        declared,
        functions,
        undecided,
        excepted,
    }
}

/// Files that failed to parse had no values scanned; their snippets and
/// messages must still not show a secret (docs/security.md). Then every
/// finding and diagnostic message is redacted.
pub(super) fn redact(g: &mut Gathered, diagnostics: &mut [Diagnostic]) {
    let mut broken: Vec<FileId> = diagnostics
        .iter()
        .filter(|d| d.code == "parse-error")
        .filter_map(|d| d.span.map(|s| s.file))
        .collect();
    broken.sort();
    broken.dedup();
    for file in broken {
        if let Some(src) = g.sources.get(file) {
            for (secret, redacted) in crate::adapt::secrets::scan_raw_text(&src.text) {
                g.redactor.add(&secret, &redacted);
            }
        }
    }
    for f in &mut g.findings {
        f.message = g.redactor.redact(&f.message);
    }
    for d in diagnostics {
        d.message = g.redactor.redact(&d.message);
    }
}

/// Where the time went (`--profile`): per rule over every unit, per unit.
pub(super) fn profile(
    units: &[Unit],
    outs: &[UnitOut],
    files: &[ScanFile],
    engine: &Engine,
) -> Profile {
    let mut rules: BTreeMap<usize, (std::time::Duration, usize)> = BTreeMap::new();
    let mut times = Vec::new();
    for (unit, out) in units.iter().zip(outs) {
        for (i, t) in &out.rule_times {
            let e = rules.entry(*i).or_default();
            e.0 += *t;
            e.1 += 1;
        }
        let shown = match unit {
            Unit::File(i) => files[*i].display.clone(),
            Unit::Terraform { files: fs, .. } => fs
                .first()
                .map(|i| {
                    files[*i]
                        .display
                        .rsplit_once('/')
                        .map_or(".", |(d, _)| d)
                        .to_string()
                })
                .unwrap_or_default(),
        };
        let rules_took = out.rule_times.iter().map(|(_, t)| *t).sum();
        times.push((shown, out.elapsed, rules_took));
    }
    let mut rules: Vec<(String, std::time::Duration, usize)> = rules
        .into_iter()
        .map(|(i, (t, n))| (engine.rules()[i].meta.id.clone(), t, n))
        .collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    times.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Profile {
        rules,
        files: times,
    }
}

/// One finding per location: a finding in a module that several roots (or
/// instances) reach is kept once, listing every call that made it. Others
/// drop only exact repeats. `findings` is sorted.
pub(super) fn merge_repeats(findings: &mut Vec<Finding>) {
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut at: BTreeMap<(String, Span, Option<String>), usize> = BTreeMap::new();
    for mut f in findings.drain(..) {
        if !f.instantiated_by.is_empty() {
            let key = (f.rule_id.clone(), f.span, f.path.clone());
            if let Some(&i) = at.get(&key) {
                if let Some(k) = kept.get_mut(i) {
                    k.instantiated_by.append(&mut f.instantiated_by);
                    k.instantiated_by.sort();
                    k.instantiated_by.dedup();
                }
                continue;
            }
            at.insert(key, kept.len());
        } else if kept.last().is_some_and(|b| {
            b.instantiated_by.is_empty()
                && b.rule_id == f.rule_id
                && b.span == f.span
                && b.message == f.message
                && b.resource == f.resource
        }) {
            continue;
        }
        kept.push(f);
    }
    *findings = kept;
}

/// Apply `[rules]`: drop disabled rules and their findings (suppressed ones
/// too: suppressions run first, so a suppression of a disabled rule is not
/// reported as unused), and give overridden rules and findings their new
/// severity.
pub(super) fn select(
    selection: &crate::config::Selection,
    mut rules: Vec<Rule>,
    mut findings: Vec<Finding>,
    mut suppressed: Vec<Suppressed>,
) -> (Vec<Rule>, Vec<Finding>, Vec<Suppressed>) {
    if *selection == crate::config::Selection::default() {
        return (rules, findings, suppressed);
    }
    let disabled: BTreeSet<String> = rules
        .iter()
        .filter(|r| !selection.enabled(&r.meta.id, &r.meta.area))
        .map(|r| r.meta.id.clone())
        .collect();
    rules.retain(|r| !disabled.contains(&r.meta.id));
    for r in &mut rules {
        r.meta.severity = selection.severity(&r.meta.id, r.meta.severity);
    }
    findings.retain_mut(|f| {
        f.severity = selection.severity(&f.rule_id, f.severity);
        !disabled.contains(&f.rule_id)
    });
    suppressed.retain_mut(|s| {
        s.finding.severity = selection.severity(&s.finding.rule_id, s.finding.severity);
        !disabled.contains(&s.finding.rule_id)
    });
    (rules, findings, suppressed)
}

//! One unit of the scan (a template, a serverless service, a plan file or a
//! Terraform module) from its files to its findings: the file-to-model
//! dispatcher (`scan` and `faasguard model` both go through
//! [`UnitContext::process`]), then evaluation and the placing of each result
//! at its span.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::conftest_raw::evaluate_raw;
use super::evaluate::{evaluate, Instantiation, UnitOut};
use super::files::{ScanFile, Unit};
use super::Settings;
use crate::adapt::cloudformation;
use crate::discover::Kind;
use crate::engine::Engine;
use crate::finding::{Diagnostic, Finding, Level};
use crate::parse::{self, Syntax};
use crate::source::{FileId, Span};
use crate::suppress;

/// What every unit's processing reads.
pub(super) struct UnitContext<'a> {
    pub(super) files: &'a [ScanFile],
    pub(super) envs: &'a BTreeMap<PathBuf, cloudformation::Env>,
    pub(super) tf_files: &'a crate::terraform::FileSet,
    /// Terraform options with `--var-file` paths as the file set knows them.
    pub(super) terraform: &'a crate::terraform::Options,
    pub(super) settings: &'a Settings,
    /// Templates by canonical path ([`super::files::Prepared::fragments`]).
    pub(super) fragments: &'a std::sync::Arc<BTreeMap<PathBuf, crate::source::FileId>>,
}

impl UnitContext<'_> {
    /// Adapt a unit and, given an engine, evaluate it (without one, for
    /// `faasguard model`, the model is kept instead).
    pub(super) fn process(&self, unit: &Unit, mut engine: Option<&mut Engine>) -> UnitOut {
        if let Some(e) = engine.as_deref_mut() {
            e.begin_unit();
        }
        // Parse and adapt see the unit's time limit too, until it is done.
        let _limit = crate::deadline::Limit::set(engine.as_deref().and_then(Engine::deadline));
        match unit {
            Unit::File(i) => self.file(*i, engine),
            Unit::Terraform { dir, files } => self.terraform(dir, files, engine),
        }
    }

    fn file(&self, i: usize, mut engine: Option<&mut Engine>) -> UnitOut {
        let mut out = UnitOut::default();
        let file = &self.files[i];
        let (Some(text), Some(kind)) = (&file.text, file.kind) else {
            return out;
        };
        let display = &file.display;
        let id = FileId(i as u32);
        let path = &file.path;
        let json = matches!(
            kind,
            Kind::CloudFormation { json: true, .. }
                | Kind::Serverless { json: true }
                | Kind::TerraformPlan
        );
        let syntax = if json { Syntax::Json } else { Syntax::Yaml };
        let docs = match parse::parse(text, syntax, id) {
            Ok(d) => d,
            Err(e) => {
                if let (Some(at), Some(engine)) = (crate::deadline::stopped_at(), &engine) {
                    out.scanned.push(id);
                    out.diagnostics
                        .push(super::evaluate::out_of_time(engine, display, Some(at)));
                    return out;
                }
                out.failed.push(id);
                out.diagnostics.push(
                    Diagnostic::new(Level::Error, "parse-error", e.message.clone())
                        .in_file(display, Some(e.span)),
                );
                return out;
            }
        };
        let maps: Vec<crate::parse::Node> =
            docs.into_iter().filter(|d| d.as_map().is_some()).collect();
        let spans: Vec<Span> = maps.iter().map(|d| d.span).collect();
        // A file may hold several templates (`---` between them): each is
        // read as a template of its own. A document that is no template is
        // named, never skipped in silence; with none, the first is read.
        let mut chosen: Vec<usize> = (0..maps.len())
            .filter(|&k| maps.get(k).is_some_and(|d| is_template(kind, d)))
            .collect();
        if chosen.is_empty() && !maps.is_empty() {
            chosen.push(0);
        }
        for (k, span) in spans.iter().enumerate() {
            if !chosen.contains(&k) {
                out.diagnostics.push(
                    Diagnostic::new(
                        Level::Warning,
                        "extra-documents",
                        format!(
                            "YAML document {} of {} in this file is not a {} (split it into a file of its own if it should be one), so it is not checked",
                            k + 1,
                            maps.len(),
                            what_kind(kind)
                        ),
                    )
                    .in_file(display, Some(*span)),
                );
            }
        }
        // Each document is taken out as it is read, so its parsed tree can
        // be let go before the policy input (a third copy) is built.
        let mut maps: Vec<Option<crate::parse::Node>> = maps.into_iter().map(Some).collect();
        let several = chosen.len() > 1;
        let mut first: Option<crate::model::Model> = None;
        for (n, &k) in chosen.iter().enumerate() {
            let Some(owned) = maps.get_mut(k).and_then(Option::take) else {
                continue;
            };
            let doc = &owned;
            let (mut model, secrets) = match kind {
                Kind::Serverless { .. } => {
                    let env = crate::adapt::serverless::Env {
                        resolve_env: self.settings.resolve_env,
                        root: self.scan_root(path),
                        options: self.settings.serverless_options.clone(),
                        region: None,
                        fragments: std::sync::Arc::clone(self.fragments),
                    };
                    crate::adapt::serverless::adapt(doc, id, path, &env)
                }
                Kind::TerraformPlan => {
                    let unit = crate::terraform::plan::read(doc, id);
                    crate::adapt::terraform::adapt(&unit)
                }
                _ => {
                    let env = path
                        .parent()
                        .and_then(|d| self.envs.get(d))
                        .cloned()
                        .unwrap_or_default();
                    self.nested_stacks(doc, path, display, &mut out);
                    cloudformation::adapt(doc, id, &env)
                }
            };
            if n == 0 {
                out.scanned.push(id);
            }
            if let (Some(at), Some(engine)) = (crate::deadline::stopped_at(), engine.as_deref()) {
                out.diagnostics
                    .push(super::evaluate::out_of_time(engine, display, Some(at)));
                return out;
            }
            // Templates count their source resources; a service also has the
            // functions and events it declares outside `resources:`.
            out.resources += match model.format {
                crate::model::Format::Serverless => {
                    model.items("resources").len().max(model.item_count())
                }
                _ => model.items("resources").len(),
            };
            if engine.is_some() {
                // Suppressions: the comments of this document's stretch of text.
                let lo = if n == 0 {
                    0
                } else {
                    k.checked_sub(1)
                        .and_then(|p| spans.get(p))
                        .map_or(doc.span.start, |p| p.end)
                };
                let hi = spans.get(k + 1).map_or(u32::MAX, |d| d.start);
                out.declared.extend(
                    suppress::declared(text, id, doc, &model)
                        .into_iter()
                        .filter(|d| !several || (lo <= d.span.start && d.span.start < hi)),
                );
                // The parsed tree is not needed past here: let it go before
                // anything else is built beside the model (the scope, the
                // policy input), ADR 0048.
                drop(owned);
            }
            let mut scope = crate::scope::Scope::of(&model, display);
            if n == 0 {
                out.scope = scope;
            } else {
                // One file, however many templates it holds.
                scope.files.clear();
                out.scope.absorb(scope);
            }
            for (note, span) in &model.notes {
                out.diagnostics.push(
                    Diagnostic::new(Level::Warning, "adapt-warning", note.clone())
                        .in_file(self.display_of(span.file, display), Some(*span)),
                );
            }
            out.secrets.extend(secrets);
            out.fragments.extend(model.fragments.iter().copied());
            out.functions.extend(crate::deps::code_dirs(
                &model,
                path.parent().unwrap_or(Path::new("")),
            ));
            let Some(engine) = engine.as_deref_mut() else {
                // `faasguard model` shows one model: the file's first template.
                out.model = Some(model.to_json(display));
                return out;
            };
            model.compact();
            let from = out.findings.len();
            evaluate(&mut model, display, self.files, engine, &mut out);
            if n > 0 {
                // Two templates of one file may use the same logical ids:
                // their findings must not share a fingerprint (the first
                // template's stay as they were before it had company).
                let doc_no = format!("document {}", k + 1);
                for f in out.findings.iter_mut().skip(from) {
                    f.fingerprint = crate::finding::fingerprint(
                        &f.rule_id,
                        &f.fingerprint,
                        Some(&doc_no),
                        None,
                        "",
                    );
                }
            }
            if first.is_none() {
                first = Some(model);
            }
        }
        let (Some(engine), Some(model)) = (engine, &first) else {
            return out;
        };
        if engine.has_conftest() && !self.settings.conftest_combine {
            let format = crate::conftest::input::format_of(path).unwrap_or(if json {
                crate::conftest::input::Format::Json
            } else {
                crate::conftest::input::Format::Yaml
            });
            let scrub = crate::adapt::secrets::to_scrub(&out.secrets, model);
            evaluate_raw((text, format, id, display), model, &scrub, engine, &mut out);
        }
        out
    }

    fn terraform(&self, dir: &Path, files: &[usize], engine: Option<&mut Engine>) -> UnitOut {
        let mut out = UnitOut::default();
        let tf = crate::terraform::load_module(dir, self.tf_files, self.terraform);
        let main = files
            .iter()
            .copied()
            .find(|&i| {
                self.files[i]
                    .path
                    .file_name()
                    .is_some_and(|n| n == "main.tf")
            })
            .unwrap_or(files[0]);
        let display = &self.files[main].display;
        if let (Some(at), Some(engine)) = (crate::deadline::stopped_at(), &engine) {
            out.scanned.extend(files.iter().map(|&i| FileId(i as u32)));
            let shown = self.display_of(at.file, display);
            out.diagnostics
                .push(super::evaluate::out_of_time(engine, shown, Some(at)));
            return out;
        }
        for e in &tf.errors {
            out.failed.push(e.span.file);
            out.diagnostics.push(
                Diagnostic::new(Level::Error, "parse-error", e.message.clone())
                    .in_file(self.display_of(e.span.file, display), Some(e.span)),
            );
        }
        for (code, message, span) in &tf.problems {
            out.diagnostics.push(
                Diagnostic::new(Level::Error, code, message.clone())
                    .in_file(self.display_of(span.file, display), Some(*span)),
            );
        }
        out.unscanned_calls = tf.unscanned_calls;
        out.unscanned_resources = tf.unscanned_resources;
        // The adapter carries the unit's notes into the model's, reported below.
        let (mut model, secrets) = crate::adapt::terraform::adapt(&tf);
        model.file = FileId(main as u32);
        out.called_modules = tf.called_modules.clone();
        out.scanned = tf.files.clone();
        out.scanned.extend(files.iter().map(|&i| FileId(i as u32)));
        out.resources = tf.resources.len();
        // The module as read (its blocks, expressions and every instance's
        // values) is not needed past here: let it go before the policy
        // input is built, keeping what the findings still need.
        let calls = tf.calls.clone();
        let mut read: Vec<FileId> = tf.files.clone();
        drop(tf);
        out.scope = crate::scope::Scope::of(&model, display);
        for (note, span) in &model.notes {
            out.diagnostics.push(
                Diagnostic::new(Level::Warning, "adapt-warning", note.clone())
                    .in_file(self.display_of(span.file, display), Some(*span)),
            );
        }
        out.secrets = secrets;
        out.functions = crate::deps::code_dirs(&model, dir);
        let Some(engine) = engine else {
            out.model = Some(model.to_json(display));
            return out;
        };
        model.compact();
        evaluate(&mut model, display, self.files, engine, &mut out);
        instantiations(&calls, &mut out.findings);
        // conftest policies read each file of the module on its own.
        if engine.has_conftest() && !self.settings.conftest_combine {
            let scrub = crate::adapt::secrets::to_scrub(&out.secrets, &model);
            for &i in files {
                // A file that did not parse is reported once, above.
                if out.failed.contains(&FileId(i as u32)) {
                    continue;
                }
                let path = &self.files[i].path;
                let (Some(text), Some(format)) = (
                    self.files[i].text.as_deref(),
                    crate::conftest::input::format_of(path),
                ) else {
                    continue;
                };
                let id = FileId(i as u32);
                evaluate_raw(
                    (text, format, id, &self.files[i].display),
                    &model,
                    &scrub,
                    engine,
                    &mut out,
                );
            }
        }
        read.extend(files.iter().map(|&i| FileId(i as u32)));
        read.sort();
        read.dedup();
        for fid in read {
            if let Some(text) = self
                .files
                .get(fid.0 as usize)
                .and_then(|f| f.text.as_deref())
            {
                out.declared
                    .extend(suppress::declared_terraform(text, fid, &model));
            }
        }
        out
    }

    /// Record the template's nested stacks whose template is a local file
    /// inside the scan path (never one above it, never a URL).
    fn nested_stacks(
        &self,
        doc: &crate::parse::Node,
        path: &Path,
        display: &str,
        out: &mut UnitOut,
    ) {
        let dir = path.parent().unwrap_or(Path::new(""));
        let root = self
            .scan_root(path)
            .map(|r| crate::deps::normalize(&r))
            .unwrap_or_default();
        for n in cloudformation::nested_stacks(doc) {
            let child = crate::deps::normalize(&dir.join(&n.template));
            if !child.starts_with(&root) {
                out.diagnostics.push(
                    Diagnostic::new(
                        Level::Warning,
                        "nested-stack",
                        format!(
                            "nested stack {}: template {} is outside the scanned paths; not read, its resources are not scanned",
                            n.resource, n.template
                        ),
                    )
                    .in_file(display, Some(n.span)),
                );
                continue;
            }
            out.nested.push((
                child,
                Instantiation {
                    parent: display.to_string(),
                    resource: n.resource,
                    span: n.span,
                },
            ));
        }
    }

    fn display_of<'b>(&'b self, file: FileId, fallback: &'b str) -> &'b str {
        self.files
            .get(file.0 as usize)
            .map_or(fallback, |f| f.display.as_str())
    }

    /// The scan path a file was found under (what `${file()}` may read).
    fn scan_root(&self, path: &Path) -> Option<PathBuf> {
        self.settings
            .paths
            .iter()
            .filter(|p| p.is_dir() && path.starts_with(p))
            .max_by_key(|p| p.as_os_str().len())
            .cloned()
            .or_else(|| path.parent().map(Path::to_path_buf))
    }
}

/// Whether a document of a file classified as `kind` is a template (or a
/// service) itself, by the keys discovery reads.
fn is_template(kind: Kind, doc: &crate::parse::Node) -> bool {
    let has = |k: &str| doc.get(k).is_some();
    match kind {
        Kind::Serverless { .. } => has("service"),
        Kind::CloudFormation { .. } => {
            has("AWSTemplateFormatVersion")
                || has("Transform")
                || doc
                    .get("Resources")
                    .and_then(crate::parse::Node::as_map)
                    .is_some_and(|m| {
                        m.entries.iter().any(|e| {
                            e.value
                                .get("Type")
                                .and_then(crate::parse::Node::as_str)
                                .is_some_and(|t| {
                                    ["AWS::", "Alexa::", "Custom::"]
                                        .iter()
                                        .any(|p| t.starts_with(p))
                                })
                        })
                    })
        }
        _ => true,
    }
}

fn what_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Serverless { .. } => "Serverless Framework service (no `service`)",
        _ => "CloudFormation template (no `AWSTemplateFormatVersion`, `Transform` or `Resources` with `AWS::` types)",
    }
}

/// Name the module call behind each finding on a resource inside a module:
/// the longest module instance address its resource id starts with.
fn instantiations(calls: &[(String, Span)], findings: &mut [Finding]) {
    if calls.is_empty() {
        return;
    }
    for f in findings {
        let Some(id) = f.resource.as_deref() else {
            continue;
        };
        let call = calls
            .iter()
            .filter(|(m, _)| {
                id.strip_prefix(m.as_str())
                    .is_some_and(|r| r.starts_with('.'))
            })
            .max_by_key(|(m, _)| m.len());
        if let Some((module, span)) = call {
            f.instantiated_by.push(crate::finding::Instantiation {
                span: *span,
                module: module.clone(),
            });
        }
    }
}

//! The scan: wires the pipeline stages together (discover → parse → adapt →
//! evaluate → findings) over a rayon pool, and returns everything the
//! reports need. Output does not depend on thread count or file order:
//! files get ids in sorted order and results are collected in that order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::adapt::cloudformation;
use crate::baseline::{self, Baseline};
use crate::discover::{self, Candidate, Found, Kind};
use crate::engine::{Engine, EngineError, PolicyFile};
use crate::finding::{self, Diagnostic, Finding, Level, Redactor};
use crate::model::Model;
use crate::parse::{self, Syntax};
use crate::rule::Rule;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::suppress::{self, Declared, Suppressed};

/// Validated scan settings (the CLI and config file build these).
#[derive(Clone, Debug)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub discover: discover::Options,
    /// 0 = one per core.
    pub threads: usize,
    /// Allowed regions or region groups (`eu`); empty = residency not checked.
    pub allowed_regions: Vec<String>,
    /// Today's date (`YYYY-MM-DD`), for dated rules such as runtime deprecation.
    pub today: String,
    /// Policies beyond the built-in ones.
    pub extra_policies: Vec<PolicyFile>,
    /// Packages holding conftest-style policies (`--namespace`; `main`).
    pub conftest_namespaces: Vec<String>,
    /// Scan only shard `k` of `n` (1-based) of the files: `--shard k/n`.
    pub shard: Option<(u32, u32)>,
    /// Honour `faasguard:ignore` comments and `Metadata` suppressions
    /// (`allow_inline_suppressions`); when false each is a finding itself.
    pub allow_inline_suppressions: bool,
    /// Findings accepted as they are (`--baseline FILE`).
    pub baseline: Option<Arc<Baseline>>,
    /// The configuration file read, if any (reports show it).
    pub config_file: Option<PathBuf>,
    /// `--fail-on`/`fail_on`: not used by the scan; reports show it.
    pub fail_on: crate::rule::Severity,
    /// `[rules]` of the config: disabled rules are evaluated but dropped
    /// (findings, suppressed findings and the rule list); severity overrides
    /// apply to findings and rules alike.
    pub rules: crate::config::Selection,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            paths: vec![PathBuf::from(".")],
            discover: discover::Options::default(),
            threads: 0,
            allowed_regions: Vec::new(),
            today: today(),
            extra_policies: Vec::new(),
            conftest_namespaces: vec![crate::conftest::DEFAULT_NAMESPACE.to_string()],
            shard: None,
            allow_inline_suppressions: true,
            baseline: None,
            config_file: None,
            fail_on: crate::rule::Severity::Low,
            rules: crate::config::Selection::default(),
        }
    }
}

/// Counts for summaries.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// IaC files scanned (templates, services, modules).
    pub files_scanned: usize,
    /// Resources across them.
    pub resources: usize,
    /// Files that could not be read or parsed.
    pub files_failed: usize,
}

/// Everything a scan produced.
pub struct Outcome {
    pub sources: SourceMap,
    /// Findings standing after the suppress stage (what fails a scan).
    pub findings: Vec<Finding>,
    /// Findings a comment, `Metadata` entry or the baseline suppressed, in
    /// the same order; reports still show them.
    pub suppressed: Vec<Suppressed>,
    /// What the scan made of `--baseline`.
    pub baseline: Option<baseline::Status>,
    pub diagnostics: Vec<Diagnostic>,
    pub rules: Vec<Rule>,
    pub redactor: Redactor,
    pub stats: Stats,
    /// What the scan covered: paths, files and items per kind, functions.
    pub scope: crate::scope::Scope,
    /// The settings it ran with (reports show the configuration in force).
    pub settings: Settings,
}

/// A scan that could not start (bad policy, bad settings).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Policy(#[from] EngineError),
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// Today's date in UTC, or `FAASGUARD_TODAY` when set (reproducible reports
/// and tests of dated rules).
pub fn today() -> String {
    if let Ok(d) = std::env::var("FAASGUARD_TODAY") {
        if d.len() == 10 {
            return d;
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

/// The built-in policies.
pub fn builtin_policies() -> Vec<PolicyFile> {
    crate::embedded::POLICIES
        .iter()
        .map(|(path, text)| PolicyFile {
            path: (*path).to_string(),
            text: (*text).to_string(),
            builtin: true,
        })
        .collect()
}

/// The data document rules read as `data.faasguard`.
pub fn rule_data(settings: &Settings) -> serde_json::Value {
    let toml_json = |path: &str| -> serde_json::Value {
        crate::embedded::rule_data(path)
            .and_then(|t| toml::from_str::<toml::Value>(t).ok())
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or_else(|| serde_json::json!({}))
    };
    serde_json::json!({
        "faasguard": {
            "config": {
                "allowed_regions": settings.allowed_regions,
                "today": settings.today,
            },
            "runtimes": toml_json("rules/runtimes.toml"),
            "regions": toml_json("rules/regions.toml"),
            "iam_access_levels": toml_json("rules/iam_access_levels.toml"),
        }
    })
}

/// Load the built-in and extra policies into an engine.
pub fn load_engine(settings: &Settings) -> Result<Engine, EngineError> {
    let mut policies = builtin_policies();
    policies.extend(settings.extra_policies.iter().cloned());
    Engine::with_namespaces(
        &policies,
        rule_data(settings),
        &settings.conftest_namespaces,
    )
}

/// Run a scan.
pub fn scan(settings: &Settings) -> Result<Outcome, ScanError> {
    // Start-up work that does not depend on the policies runs beside them.
    let warm = std::thread::spawn(|| {
        crate::secret::SecretScanner::builtin();
    });
    let engine = load_engine(settings)?;
    let _ = warm.join();
    let mut walk = discover::walk(&settings.paths, &settings.discover);
    let cwd = std::env::current_dir().ok();
    let mut displays: Vec<String> = walk
        .files
        .iter()
        .map(|f| display_path(f, cwd.as_deref()))
        .collect();
    if let Some((k, n)) = settings.shard {
        // samconfig files stay in every shard: templates beside them need them.
        let keep: Vec<bool> = walk
            .files
            .iter()
            .zip(&displays)
            .map(|(f, d)| f.candidate == Candidate::SamConfig || crate::merge::shard_of(d, n) == k)
            .collect();
        let mut i = 0;
        walk.files.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        let mut i = 0;
        displays.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }

    let mut diagnostics: Vec<Diagnostic> = walk
        .skipped
        .iter()
        .map(|s| {
            Diagnostic::new(Level::Warning, "skipped", s.reason.clone()).in_file(&s.display, None)
        })
        .collect();

    // samconfig files first: their region applies to templates beside them.
    let mut envs: BTreeMap<PathBuf, cloudformation::Env> = BTreeMap::new();
    for (i, f) in walk.files.iter().enumerate() {
        if f.candidate == Candidate::SamConfig {
            if let Ok(text) = discover::read_text(&f.path, settings.discover.max_file_size) {
                if let Some(region) = samconfig_region(&text, FileId(i as u32)) {
                    let dir = f.path.parent().unwrap_or(Path::new("")).to_path_buf();
                    envs.insert(
                        dir,
                        cloudformation::Env {
                            region: Some(region),
                        },
                    );
                }
            }
        }
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()
        .map_err(|e| ScanError::Threads {
            threads: settings.threads,
            message: e.to_string(),
        })?;
    let max = settings.discover.max_file_size;
    let outs: Vec<FileOut> = pool.install(|| {
        walk.files
            .par_iter()
            .enumerate()
            .map_init(
                || engine.clone(),
                |eng, (i, f)| {
                    let env = f
                        .path
                        .parent()
                        .and_then(|d| envs.get(d))
                        .cloned()
                        .unwrap_or_default();
                    process(f, &displays[i], FileId(i as u32), eng, &env, max)
                },
            )
            .collect()
    });

    let mut sources = SourceMap::default();
    let mut findings = Vec::new();
    let mut redactor = Redactor::default();
    let mut stats = Stats::default();
    let mut scope = crate::scope::Scope {
        paths: crate::scope::show_paths(&settings.paths, cwd.as_deref()),
        ..Default::default()
    };
    let mut declared = Vec::new();
    for (i, out) in outs.into_iter().enumerate() {
        sources.add(out.source.unwrap_or_else(|| {
            SourceFile::new(
                displays[i].clone(),
                walk.files[i].path.clone(),
                Arc::from(""),
            )
        }));
        findings.extend(out.findings);
        diagnostics.extend(out.diagnostics);
        declared.extend(out.declared);
        for (secret, redacted) in out.secrets {
            redactor.add(&secret, &redacted);
        }
        stats.files_scanned += usize::from(out.scanned);
        stats.files_failed += usize::from(out.failed);
        stats.resources += out.resources;
        scope.absorb(out.scope);
    }
    for f in &mut findings {
        f.message = redactor.redact(&f.message);
    }
    finding::sort(&mut findings, &sources);
    findings.dedup_by(|a, b| {
        a.rule_id == b.rule_id
            && a.span == b.span
            && a.message == b.message
            && a.resource == b.resource
    });
    let mut rules = engine.rules().to_vec();
    rules.extend(suppress::rules());
    let known = rules.iter().map(|r| r.meta.id.clone()).collect();
    let applied = suppress::apply(
        findings,
        &declared,
        &known,
        &sources,
        &suppress::Options {
            allow_in_source: settings.allow_inline_suppressions,
            today: &settings.today,
            baseline: settings.baseline.as_deref(),
        },
    );
    diagnostics.extend(applied.diagnostics);
    let (rules, findings, suppressed) =
        select(&settings.rules, rules, applied.findings, applied.suppressed);
    Ok(Outcome {
        sources,
        findings,
        suppressed,
        baseline: applied.baseline,
        diagnostics,
        rules,
        redactor,
        stats,
        scope,
        settings: settings.clone(),
    })
}

/// Apply `[rules]`: drop disabled rules and their findings (suppressed ones
/// too: suppressions run first, so a suppression of a disabled rule is not
/// reported as unused), and give overridden rules and findings their new
/// severity.
fn select(
    selection: &crate::config::Selection,
    mut rules: Vec<Rule>,
    mut findings: Vec<Finding>,
    mut suppressed: Vec<Suppressed>,
) -> (Vec<Rule>, Vec<Finding>, Vec<Suppressed>) {
    if *selection == crate::config::Selection::default() {
        return (rules, findings, suppressed);
    }
    let disabled: std::collections::BTreeSet<String> = rules
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

/// The policy input for one template file (for `faasguard model`).
pub fn model_json(path: &Path) -> Result<serde_json::Value, String> {
    let text =
        discover::read_text(path, discover::DEFAULT_MAX_FILE_SIZE).map_err(|e| e.to_string())?;
    let json = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{');
    let syntax = if json { Syntax::Json } else { Syntax::Yaml };
    let docs = parse::parse(&text, syntax, FileId(0)).map_err(|e| e.message)?;
    let doc = docs
        .into_iter()
        .find(|d| d.as_map().is_some())
        .ok_or("no document")?;
    let (model, _) = cloudformation::adapt(&doc, FileId(0), &cloudformation::Env::default());
    Ok(model.to_json(&path.display().to_string()))
}

/// Paths are shown relative to the working directory when they are below it
/// (so SARIF URIs are relative to the checkout); other files relative to the
/// scan path they were found under, so no absolute path reaches a report.
fn display_path(f: &Found, cwd: Option<&Path>) -> String {
    let absolute = if f.path.is_absolute() {
        Some(f.path.clone())
    } else {
        cwd.map(|c| c.join(&f.path))
    };
    if let (Some(cwd), Some(abs)) = (cwd, absolute) {
        if let Ok(rel) = abs.strip_prefix(cwd) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !rel.is_empty() && !rel.split('/').any(|c| c == "..") {
                return rel;
            }
        }
    }
    f.display.clone()
}

#[derive(Default)]
struct FileOut {
    source: Option<SourceFile>,
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    declared: Vec<Declared>,
    secrets: Vec<(String, String)>,
    scanned: bool,
    failed: bool,
    resources: usize,
    scope: crate::scope::Scope,
}

fn process(
    f: &Found,
    display: &str,
    id: FileId,
    engine: &mut Engine,
    env: &cloudformation::Env,
    max: u64,
) -> FileOut {
    let mut out = FileOut::default();
    let text = match discover::read_text(&f.path, max) {
        Ok(t) => t,
        Err(e) => {
            out.failed = true;
            out.diagnostics.push(
                Diagnostic::new(Level::Error, "read-error", e.to_string()).in_file(display, None),
            );
            return out;
        }
    };
    let text: Arc<str> = Arc::from(text);
    let file_name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let kind = discover::classify(f.candidate, &file_name, &text);
    out.source = Some(SourceFile::new(
        display.to_string(),
        f.path.clone(),
        text.clone(),
    ));
    let Some(Kind::CloudFormation { json, .. }) = kind else {
        return out;
    };
    let syntax = if json { Syntax::Json } else { Syntax::Yaml };
    let docs = match parse::parse(&text, syntax, id) {
        Ok(d) => d,
        Err(e) => {
            out.failed = true;
            out.diagnostics.push(
                Diagnostic::new(Level::Error, "parse-error", e.message.clone())
                    .in_file(display, Some(e.span)),
            );
            return out;
        }
    };
    let Some(doc) = docs.into_iter().find(|d| d.as_map().is_some()) else {
        return out;
    };
    let (model, secrets) = cloudformation::adapt(&doc, id, env);
    out.scanned = true;
    out.resources = model.items("resources").len();
    out.scope = crate::scope::Scope::of(&model, display);
    for (note, span) in &model.notes {
        out.diagnostics.push(
            Diagnostic::new(Level::Warning, "adapt-warning", note.clone())
                .in_file(display, Some(*span)),
        );
    }
    out.secrets = secrets;
    evaluate(&model, display, engine, &mut out);
    if engine.has_conftest() {
        evaluate_raw(&doc, &text, &model, display, engine, &mut out);
    }
    out.declared = suppress::declared(&text, id, &doc, &model);
    out
}

fn evaluate(model: &Model, display: &str, engine: &mut Engine, out: &mut FileOut) {
    let results = match engine.eval(model.to_input(display)) {
        Ok(r) => r,
        Err(e) => {
            out.diagnostics.push(
                Diagnostic::new(Level::Error, "policy-error", e.to_string()).in_file(display, None),
            );
            return;
        }
    };
    push_findings(results, model, display, engine, out);
}

/// conftest-style policies see the raw document (CloudFormation tags in
/// their long JSON forms); a result without a location points at the file.
fn evaluate_raw(
    doc: &crate::parse::Node,
    text: &str,
    model: &Model,
    display: &str,
    engine: &mut Engine,
    out: &mut FileOut,
) {
    match engine.eval_raw(&doc.to_json()) {
        Ok(results) => {
            let first = out.findings.len();
            let spans: Vec<Option<Span>> = results
                .iter()
                .map(|r| r.loc.as_ref().map(|l| loc_span(l, doc, text, model.file)))
                .collect();
            push_findings(results, model, display, engine, out);
            for (f, span) in out.findings[first..].iter_mut().zip(spans) {
                if let Some(span) = span {
                    f.span = span;
                }
            }
        }
        Err(e) => out.diagnostics.push(
            Diagnostic::new(Level::Error, "policy-error", e.to_string()).in_file(display, None),
        ),
    }
}

/// The span a conftest `_loc` names: the node at a raw-document path (the
/// deepest part that exists), or a 1-based line and column.
fn loc_span(loc: &crate::engine::Loc, doc: &crate::parse::Node, text: &str, file: FileId) -> Span {
    match loc {
        crate::engine::Loc::Path(segments) => {
            let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
            let (node, _) = doc.find_path(&segs);
            node.span
        }
        crate::engine::Loc::Line { line, column } => {
            let start = text
                .split_inclusive('\n')
                .take((*line as usize).saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                .min(text.len());
            let line_text = text[start..].split('\n').next().unwrap_or("");
            let col = line_text
                .char_indices()
                .nth((*column as usize).saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i);
            Span::new(file, start + col, start + col)
        }
    }
}

fn push_findings(
    results: Vec<crate::engine::RawResult>,
    model: &Model,
    display: &str,
    engine: &Engine,
    out: &mut FileOut,
) {
    let file_span = Span::new(model.file, 0, 0);
    for r in results {
        let rule = &engine.rules()[r.rule];
        let span = r
            .resource
            .as_deref()
            .and_then(|id| model.locate(id, r.path.as_deref().unwrap_or("")))
            .unwrap_or(file_span);
        let resource_type = r.resource.as_deref().and_then(|id| {
            crate::model::COLLECTIONS.iter().find_map(|c| {
                model
                    .item(c, id)
                    .and_then(|n| n.get("type"))
                    .and_then(|t| t.as_str())
                    .map(str::to_string)
            })
        });
        out.findings.push(Finding {
            fingerprint: finding::fingerprint(
                &rule.meta.id,
                display,
                r.resource.as_deref(),
                r.path.as_deref(),
                &r.message,
            ),
            rule_id: rule.meta.id.clone(),
            severity: rule.meta.severity,
            message: r.message,
            span,
            resource: r.resource,
            resource_type,
            path: r.path,
        });
    }
}

/// The region a samconfig file deploys to (`region = "eu-west-1"` in TOML,
/// `region: eu-west-1` in YAML), with the span of the value. The `default`
/// environment wins; otherwise the first one named.
fn samconfig_region(text: &str, file: FileId) -> Option<(String, Span)> {
    let mut first: Option<(String, Span)> = None;
    let mut section = String::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            section = t.to_string();
        }
        let key_end = t.find(['=', ':']);
        if let Some(k) = key_end {
            if t[..k].trim() == "region" {
                let value = t[k + 1..].trim().trim_matches(['"', '\'']);
                if cloudformation::is_region_code(value) {
                    let start = offset + line.find(value).unwrap_or(0);
                    let found = (
                        value.to_string(),
                        Span::new(file, start, start + value.len()),
                    );
                    if section.starts_with("[default") {
                        return Some(found);
                    }
                    first.get_or_insert(found);
                }
            }
        }
        offset += line.len();
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_415), "2025-11-23");
        assert_eq!(civil_date(19_782), "2024-02-29");
    }

    #[test]
    fn samconfig_regions() {
        let text = "version = 0.1\n[prod.deploy.parameters]\nregion = \"us-east-1\"\n[default.deploy.parameters]\nregion = \"eu-west-1\"\n";
        let (r, span) = samconfig_region(text, FileId(0)).unwrap();
        assert_eq!(r, "eu-west-1");
        assert_eq!(&text[span.start as usize..span.end as usize], "eu-west-1");
        assert_eq!(samconfig_region("x = 1\n", FileId(0)), None);
    }
}

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

mod conftest_raw;
use conftest_raw::{conftest_files, evaluate_raw};

/// Validated scan settings (the CLI and config file build these).
#[derive(Clone, Debug)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub discover: discover::Options,
    /// 0 = one per core.
    pub threads: usize,
    /// `--rule-timeout`: how long one rule may run on one unit before it is
    /// stopped and reported (`None`: no limit).
    pub rule_timeout: Option<std::time::Duration>,
    /// `--profile`: time every rule and unit ([`Outcome::profile`]).
    pub profile: bool,
    /// Allowed regions or region groups (`eu`); empty = residency not checked.
    pub allowed_regions: Vec<String>,
    /// Today's date (`YYYY-MM-DD`), for dated rules such as runtime deprecation.
    pub today: String,
    /// Policies beyond the built-in ones.
    pub extra_policies: Vec<PolicyFile>,
    /// Packages holding conftest-style policies (`--namespace`; `main`).
    pub conftest_namespaces: Vec<String>,
    /// Data documents for conftest policies (`--data`), merged.
    pub conftest_data: serde_json::Value,
    /// `--combine`: conftest policies see every file as one input.
    pub conftest_combine: bool,
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
    /// `[rules]` of the config: disabled rules are not evaluated and are
    /// dropped from the rule list; severity overrides
    /// apply to findings and rules alike.
    pub rules: crate::config::Selection,
    /// Terraform input variables from outside (`--var-file`, `--var`).
    pub terraform: crate::terraform::Options,
    /// `--resolve-env`: resolve serverless `${env:...}` variables.
    pub resolve_env: bool,
    /// `--sls-opt name=value`: serverless `${opt:name}` values.
    pub serverless_options: BTreeMap<String, String>,
    /// Dependency advisories: database, `--online`, `--include-dev`.
    pub advisories: crate::deps::Settings,
    /// The text of standard input, scanned as a template when `paths` holds `-`
    /// (the CLI reads it once, before the scan).
    pub stdin: Option<Arc<str>>,
    /// Where to show progress (the CLI's bar on a terminal; hidden otherwise).
    pub progress: Progress,
    /// The directory paths are shown relative to; `None`: the process's
    /// working directory. `--baseline-commit` scans a copy of the
    /// repository at another commit under the working directory's mirror
    /// in that copy, so both scans show (and fingerprint) the same paths.
    pub working_dir: Option<PathBuf>,
}

/// A progress display over the scan's units; hidden by default. It only
/// counts finished units, so the report cannot depend on it.
#[derive(Clone, Default)]
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub fn new(bar: indicatif::ProgressBar) -> Self {
        Progress(Some(bar))
    }
    fn start(&self, units: usize) {
        if let Some(b) = &self.0 {
            b.set_length(units as u64);
        }
    }
    fn tick(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }
    /// Clear the bar, leaving the terminal as it was.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(shown)"
        } else {
            "Progress(hidden)"
        })
    }
}

/// The per-rule time limit unless `--rule-timeout` says otherwise: far above
/// any rule's cost on a real unit (milliseconds), low enough that a
/// pathological one cannot hold a CI job.
pub const DEFAULT_RULE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

impl Default for Settings {
    fn default() -> Self {
        Settings {
            paths: vec![PathBuf::from(".")],
            discover: discover::Options::default(),
            threads: 0,
            rule_timeout: Some(DEFAULT_RULE_TIMEOUT),
            profile: false,
            allowed_regions: Vec::new(),
            today: crate::date::today(),
            extra_policies: Vec::new(),
            conftest_namespaces: vec![crate::conftest::DEFAULT_NAMESPACE.to_string()],
            conftest_data: serde_json::json!({}),
            conftest_combine: false,
            shard: None,
            allow_inline_suppressions: true,
            baseline: None,
            config_file: None,
            fail_on: crate::rule::Severity::Low,
            rules: crate::config::Selection::default(),
            terraform: crate::terraform::Options::default(),
            resolve_env: false,
            serverless_options: BTreeMap::new(),
            advisories: crate::deps::Settings::default(),
            progress: Progress::default(),
            stdin: None,
            working_dir: None,
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
    /// Terraform module calls not evaluated (a call cycle, a chain deeper
    /// than the bound, a module outside the repository): their resources
    /// are not scanned.
    #[serde(skip_serializing_if = "is_zero")]
    pub modules_unscanned: usize,
    /// Resources declared in the modules of those calls (and the local
    /// modules they call): not scanned.
    #[serde(skip_serializing_if = "is_zero")]
    pub resources_unscanned: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
    /// How the dependency check went.
    pub dependencies: crate::deps::Summary,
    /// `--profile`: where the evaluation time went.
    pub profile: Option<Profile>,
    /// `--baseline-commit`: which findings are new since that commit, and
    /// which of its findings are fixed ([`crate::pr`] fills it in).
    pub pr: Option<crate::pr::comparison::Comparison>,
    /// Checks rules could not decide on unknown values, sorted.
    pub undecided: Vec<crate::undecided::Undecided>,
    /// `--show-unknown`: the text report lists them (else one line counts them).
    pub show_unknown: bool,
}

/// Where a scan's time went (`--profile`), slowest first.
#[derive(Debug, Default)]
pub struct Profile {
    /// Rule id, total evaluation time over every unit, units evaluated.
    pub rules: Vec<(String, std::time::Duration, usize)>,
    /// A unit (its file as shown) and the time to adapt and evaluate it.
    pub files: Vec<(String, std::time::Duration)>,
}

/// Diagnostic code of a file named on the command line that the scan does not
/// read (`--strict` makes it an error).
pub const NOT_READ: &str = "not-read";

/// A scan that could not start (bad policy, bad settings).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Policy(#[from] EngineError),
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
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
            "lambda_layer_publishers": toml_json("rules/lambda_layer_publishers.toml"),
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
        &crate::conftest::Options {
            data: settings.conftest_data.clone(),
            roots: settings.paths.clone(),
        },
    )
}

/// Where paths are shown from: [`Settings::working_dir`], else the
/// process's working directory.
fn working_dir(settings: &Settings) -> Option<PathBuf> {
    settings
        .working_dir
        .clone()
        .or_else(|| std::env::current_dir().ok())
}

/// Run a scan.
pub fn scan(settings: &Settings) -> Result<Outcome, ScanError> {
    // Start-up work that does not depend on the policies runs beside them.
    let warm = std::thread::spawn(|| {
        crate::secret::SecretScanner::builtin();
    });
    let mut engine = load_engine(settings)?;
    // Rules the configuration turns off are not evaluated at all.
    engine.disable(|r| !settings.rules.enabled(&r.meta.id, &r.meta.area));
    engine.set_rule_timeout(settings.rule_timeout);
    engine.set_profile(settings.profile);
    let _ = warm.join();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()
        .map_err(|e| ScanError::Threads {
            threads: settings.threads,
            message: e.to_string(),
        })?;
    let Prepared {
        mut walk,
        mut displays,
        mut inputs,
        envs,
        tf_files,
        terraform,
        units,
        mut diagnostics,
    } = prepare(settings, &pool);
    let cwd = working_dir(settings);
    let ctx = UnitContext {
        files: &walk.files,
        inputs: &inputs,
        displays: &displays,
        envs: &envs,
        tf_files: &tf_files,
        terraform: &terraform,
        settings,
    };
    settings.progress.start(units.len());
    let mut outs: Vec<UnitOut> = pool.install(|| {
        units
            .par_iter()
            .map_init(
                || engine.clone(),
                |eng, unit| {
                    let started = std::time::Instant::now();
                    let mut out = ctx.process(unit, Some(&mut *eng));
                    if settings.profile {
                        out.elapsed = started.elapsed();
                        out.rule_times = eng.take_timings();
                    }
                    settings.progress.tick();
                    out
                },
            )
            .collect()
    });
    settings.progress.finish();
    let profile = settings.profile.then(|| {
        let mut rules: BTreeMap<usize, (std::time::Duration, usize)> = BTreeMap::new();
        let mut files = Vec::new();
        for (unit, out) in units.iter().zip(&outs) {
            for (i, t) in &out.rule_times {
                let e = rules.entry(*i).or_default();
                e.0 += *t;
                e.1 += 1;
            }
            let shown = match unit {
                Unit::File(i) => displays[*i].clone(),
                Unit::Terraform { files, .. } => files
                    .first()
                    .map(|i| {
                        displays[*i]
                            .rsplit_once('/')
                            .map_or(".", |(d, _)| d)
                            .to_string()
                    })
                    .unwrap_or_default(),
            };
            files.push((shown, out.elapsed));
        }
        let mut rules: Vec<(String, std::time::Duration, usize)> = rules
            .into_iter()
            .map(|(i, (t, n))| (engine.rules()[i].meta.id.clone(), t, n))
            .collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        files.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Profile { rules, files }
    });
    let nested = follow_nested_stacks(
        &mut outs,
        &mut walk.files,
        &mut displays,
        &mut inputs,
        cwd.as_deref(),
        (settings.discover.max_file_size, settings.shard),
        |files, inputs, displays, units| {
            let ctx = UnitContext {
                files,
                inputs,
                displays,
                envs: &envs,
                tf_files: &tf_files,
                terraform: &terraform,
                settings,
            };
            pool.install(|| {
                units
                    .par_iter()
                    .map_init(|| engine.clone(), |eng, unit| ctx.process(unit, Some(eng)))
                    .collect()
            })
        },
    );

    // conftest policies read the files no unit evaluated raw.
    if engine.has_conftest() {
        let mut extra = UnitOut::default();
        let read = conftest_files(
            settings,
            &mut walk,
            &mut displays,
            &mut inputs,
            &units,
            (&mut engine, &pool),
            &mut extra,
        );
        diagnostics
            .retain(|d| d.code != NOT_READ || !d.file.as_ref().is_some_and(|f| read.contains(f)));
        for d in diagnostics.iter_mut().filter(|d| d.code == NOT_READ) {
            d.message.push_str(
                "; conftest-style policies see YAML, JSON and HCL files only (docs/conftest.md)",
            );
        }
        outs.push(extra);
    }

    let mut sources = SourceMap::default();
    for (i, input) in inputs.iter().enumerate() {
        sources.add(SourceFile::new(
            displays[i].clone(),
            walk.files[i].path.clone(),
            input.text.clone().unwrap_or_else(|| Arc::from("")),
        ));
        if let Some(e) = &input.error {
            diagnostics.push(
                Diagnostic::new(Level::Error, "read-error", e.clone()).in_file(&displays[i], None),
            );
        }
    }
    let mut findings = Vec::new();
    let mut redactor = Redactor::default();
    let mut stats = Stats::default();
    // A file counts once (a module called from several roots too), and a
    // file that failed is not also counted as scanned, in every format.
    let mut failed_files: std::collections::BTreeSet<FileId> = inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| i.error.is_some())
        .map(|(n, _)| FileId(n as u32))
        .collect();
    let mut scanned_files = std::collections::BTreeSet::new();
    let mut scope = crate::scope::Scope {
        paths: crate::scope::show_paths(&settings.paths, cwd.as_deref())
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
    let dependencies = check_dependencies(
        &pool,
        &walk.files,
        &inputs,
        &displays,
        &functions,
        settings,
        &mut sources,
        &mut findings,
        &mut diagnostics,
    );
    // Files that failed to parse had no values scanned; their snippets and
    // messages must still not show a secret (docs/security.md).
    let mut broken: Vec<FileId> = diagnostics
        .iter()
        .filter(|d| d.code == "parse-error")
        .filter_map(|d| d.span.map(|s| s.file))
        .collect();
    broken.sort();
    broken.dedup();
    for file in broken {
        if let Some(src) = sources.get(file) {
            for (secret, redacted) in crate::adapt::secrets::scan_raw_text(&src.text) {
                redactor.add(&secret, &redacted);
            }
        }
    }
    for f in &mut findings {
        f.message = redactor.redact(&f.message);
    }
    for d in &mut diagnostics {
        d.message = redactor.redact(&d.message);
    }
    finding::sort(&mut findings, &sources);
    merge_repeats(&mut findings);
    let rules = crate::registry::Registry::new(&engine)?.into_rules();
    let known = rules.iter().map(|r| r.meta.id.clone()).collect();
    let disabled: std::collections::BTreeSet<String> = rules
        .iter()
        .filter(|r| !settings.rules.enabled(&r.meta.id, &r.meta.area))
        .map(|r| r.meta.id.clone())
        .collect();
    let applied = suppress::apply(
        findings,
        &declared,
        &known,
        &sources,
        &suppress::Options {
            allow_in_source: settings.allow_inline_suppressions,
            today: &settings.today,
            baseline: settings.baseline.as_deref(),
            disabled: Some(&disabled),
        },
    );
    diagnostics.extend(applied.diagnostics);
    let mut suppressed = applied.suppressed;
    for s in &mut excepted {
        s.finding.message = redactor.redact(&s.finding.message);
    }
    excepted.sort_by(|a, b| {
        (a.finding.span, &a.finding.rule_id, &a.finding.message).cmp(&(
            b.finding.span,
            &b.finding.rule_id,
            &b.finding.message,
        ))
    });
    excepted.dedup();
    suppressed.extend(excepted);
    let (rules, findings, suppressed) =
        select(&settings.rules, rules, applied.findings, suppressed);
    crate::undecided::sort(&mut undecided, &sources);
    for u in &mut undecided {
        u.reason = redactor.redact(&u.reason);
    }
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
        dependencies,
        profile,
        pr: None,
        undecided,
        show_unknown: false,
    })
}

/// What the units of a scan are formed from: the files read and
/// classified, the local modules they call, the units themselves. `scan` and
/// `faasguard model` share it, so the model shown is the model evaluated.
struct Prepared {
    walk: discover::Walk,
    displays: Vec<String>,
    inputs: Vec<Input>,
    envs: BTreeMap<PathBuf, cloudformation::Env>,
    tf_files: crate::terraform::FileSet,
    terraform: crate::terraform::Options,
    units: Vec<Unit>,
    diagnostics: Vec<Diagnostic>,
}

fn prepare(settings: &Settings, pool: &rayon::ThreadPool) -> Prepared {
    let mut walk = discover::walk(&settings.paths, &settings.discover);
    let cwd = working_dir(settings);
    let mut displays: Vec<String> = walk
        .files
        .iter()
        .map(|f| display_path(f, cwd.as_deref()))
        .collect();
    if let Some((k, n)) = settings.shard {
        // samconfig and Terraform files stay in every shard: templates beside
        // them need them, and a module is sharded as a whole below.
        let keep: Vec<bool> = walk
            .files
            .iter()
            .zip(&displays)
            .map(|(f, d)| {
                matches!(
                    f.candidate,
                    Candidate::SamConfig
                        | Candidate::Terraform
                        | Candidate::TerraformJson
                        | Candidate::TfVars
                ) || crate::discover::shard_of(d, n) == k
            })
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
    diagnostics.extend(walk.unread.iter().map(|u| {
        Diagnostic::new(Level::Warning, NOT_READ, u.reason.clone()).in_file(&u.display, None)
    }));

    let max = settings.discover.max_file_size;

    // Read and classify every file.
    let mut inputs: Vec<Input> = pool.install(|| {
        walk.files
            .par_iter()
            .map(|f| {
                if f.path.as_os_str() == discover::STDIN_PATH {
                    Input::stdin(settings.stdin.as_ref(), f.candidate)
                } else {
                    Input::read(&f.path, f.candidate, max)
                }
            })
            .collect()
    });
    // A file named on the command line (or standard input) that holds none of
    // the formats is said so: naming it asked for a scan.
    for (i, f) in walk.files.iter().enumerate() {
        let named = settings.paths.contains(&f.path);
        if let (true, Some(_), None, Some(why)) = (
            named,
            &inputs[i].text,
            inputs[i].kind,
            discover::unread_by_content(f.candidate),
        ) {
            diagnostics
                .push(Diagnostic::new(Level::Warning, NOT_READ, why).in_file(&displays[i], None));
        }
    }
    // Local Terraform modules outside the scanned paths are read too (never
    // remote ones): their files get ids after the walked files.
    let walked = walk.files.len();
    let module_calls = add_module_files(
        &settings.paths,
        &mut walk.files,
        &mut displays,
        &mut inputs,
        cwd.as_deref(),
        max,
    );

    // samconfig files first: their region applies to templates beside them.
    let mut envs: BTreeMap<PathBuf, cloudformation::Env> = BTreeMap::new();
    for (i, f) in walk.files.iter().enumerate() {
        if f.candidate == Candidate::SamConfig {
            if let Some(text) = &inputs[i].text {
                if let Some(region) = samconfig_region(text, FileId(i as u32)) {
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

    // `--var-file` files are read even when the walk did not find them.
    let mut terraform = settings.terraform.clone();
    terraform.var_files = add_var_files(
        &settings.terraform.var_files,
        &mut walk.files,
        &mut displays,
        &mut inputs,
        cwd.as_deref(),
        max,
    );
    let mut tf_files = crate::terraform::FileSet::default();
    for (i, f) in walk.files.iter().enumerate() {
        if let (Some(text), Some(Kind::Terraform | Kind::TerraformJson | Kind::TfVars)) =
            (&inputs[i].text, inputs[i].kind)
        {
            tf_files
                .files
                .insert(f.path.clone(), (FileId(i as u32), text.clone()));
        }
    }
    tf_files.refused = module_calls.refused;
    let called = called_dirs(&walk.files, &inputs, walked, &module_calls.calls);
    let units = plan_units(&walk.files, &inputs, &displays, settings.shard, &called);
    Prepared {
        walk,
        displays,
        inputs,
        envs,
        tf_files,
        terraform,
        units,
        diagnostics,
    }
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

/// The policy input for one unit (for `faasguard model`): a template, a
/// serverless service, a plan file, or a Terraform module (a directory, or
/// one `.tf` file on its own). The path is read exactly as `scan` reads it
/// (the same walk, local modules, units and settings), so the model shown is
/// the one policies see; for a directory, the unit of that directory itself
/// (or its only unit).
pub fn model_json(path: &Path) -> Result<serde_json::Value, String> {
    model_json_with(path, &Settings::default())
}

/// [`model_json`] with settings (Terraform variables, file size limit).
pub fn model_json_with(path: &Path, settings: &Settings) -> Result<serde_json::Value, String> {
    let settings = Settings {
        paths: vec![path.to_path_buf()],
        threads: 1,
        ..settings.clone()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| e.to_string())?;
    // A path that is not there says so, as reading it would.
    std::fs::metadata(path).map_err(|e| e.to_string())?;
    let prep = prepare(&settings, &pool);
    // A file that cannot be read says why (in a directory, others may still form the unit).
    if !path.is_dir() {
        if let Some(e) = prep.inputs.iter().find_map(|i| i.error.as_ref()) {
            return Err(e.clone());
        }
    }
    let want = crate::terraform::normalize_dir(path);
    let pick = prep.units.iter().position(|u| match u {
        Unit::File(i) => prep.walk.files.get(*i).is_some_and(|f| f.path == path),
        Unit::Terraform { dir, .. } => crate::terraform::normalize_dir(dir) == want,
    });
    let unit = match (pick, prep.units.as_slice()) {
        (Some(i), _) => prep.units.get(i),
        (None, [only]) => Some(only),
        (None, _) => None,
    }
    .ok_or_else(|| {
        if path.is_dir() {
            "no Terraform files in the directory".to_string()
        } else {
            "not a template, service, plan or Terraform file".to_string()
        }
    })?;
    let ctx = UnitContext {
        files: &prep.walk.files,
        inputs: &prep.inputs,
        displays: &prep.displays,
        envs: &prep.envs,
        tf_files: &prep.tf_files,
        terraform: &prep.terraform,
        settings: &settings,
    };
    let out = ctx.process(unit, None);
    match out.model {
        Some(m) => Ok(m),
        None => Err(out
            .diagnostics
            .iter()
            .find(|d| d.level == Level::Error)
            .map_or_else(|| "no document".to_string(), |d| d.message.clone())),
    }
}

/// Paths are shown relative to the working directory when they are below it
/// (so SARIF URIs are relative to the checkout); other files relative to the
/// scan path they were found under, so no absolute path reaches a report.
fn display_path(f: &Found, cwd: Option<&Path>) -> String {
    if f.path.as_os_str() == discover::STDIN_PATH {
        return f.display.clone();
    }
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

/// Parse the lockfiles (and the requirement files they include), and
/// match them against the advisory data.
#[allow(clippy::too_many_arguments)]
fn check_dependencies(
    pool: &rayon::ThreadPool,
    files: &[Found],
    inputs: &[Input],
    displays: &[String],
    functions: &[crate::deps::FunctionCode],
    settings: &Settings,
    sources: &mut SourceMap,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<Diagnostic>,
) -> crate::deps::Summary {
    let locks: Vec<(usize, discover::LockfileKind)> = (0..files.len())
        .filter_map(|i| match inputs[i].kind {
            Some(Kind::Lockfile(kind)) => Some((i, kind)),
            _ => None,
        })
        .collect();
    if locks.is_empty() {
        return crate::deps::Summary::default();
    }
    let parsed: Vec<_> = pool.install(|| {
        locks
            .par_iter()
            .map(|&(i, kind)| {
                let text = inputs[i].text.as_deref().unwrap_or("");
                (i, crate::lockfile::parse(kind, text, FileId(i as u32)))
            })
            .collect()
    });
    let mut lockfiles = Vec::new();
    let mut seen: std::collections::BTreeSet<PathBuf> =
        locks.iter().map(|&(i, _)| files[i].path.clone()).collect();
    let mut queue: Vec<(
        usize,
        Result<crate::lockfile::Lockfile, crate::parse::ParseError>,
    )> = parsed;
    // `-r other.txt` includes outside the scanned files are read too (inside
    // the scan only: never above the including file's scan path).
    while let Some((i, result)) = queue.pop() {
        let (path, display) = if i < files.len() {
            (files[i].path.clone(), displays[i].clone())
        } else if let Some(s) = sources.get(FileId(i as u32)) {
            (s.path.clone(), s.display.clone())
        } else {
            continue;
        };
        match result {
            Ok(lock) => {
                for (inc, span) in &lock.includes {
                    let dir = path.parent().unwrap_or(Path::new(""));
                    let target = dir.join(inc);
                    if seen.contains(&target) {
                        continue;
                    }
                    seen.insert(target.clone());
                    match discover::read_text(&target, settings.discover.max_file_size) {
                        Ok(text) => {
                            let id = FileId(sources.len() as u32);
                            let shown = display
                                .rsplit_once('/')
                                .map_or(inc.display().to_string(), |(d, _)| {
                                    format!("{d}/{}", inc.display())
                                });
                            let parsed = crate::lockfile::parse(
                                discover::LockfileKind::RequirementsTxt,
                                &text,
                                id,
                            );
                            sources.add(SourceFile::new(shown, target, Arc::from(text)));
                            queue.push((id.0 as usize, parsed));
                        }
                        Err(e) => diagnostics.push(
                            Diagnostic::new(
                                Level::Warning,
                                "read-error",
                                format!("cannot read included requirements file: {e}"),
                            )
                            .in_file(&display, Some(*span)),
                        ),
                    }
                }
                lockfiles.push(crate::deps::LockfileIn {
                    path,
                    display,
                    lockfile: lock,
                });
            }
            Err(e) => diagnostics.push(
                Diagnostic::new(Level::Error, "parse-error", e.message.clone())
                    .in_file(&display, Some(e.span)),
            ),
        }
    }
    lockfiles.sort_by(|a, b| a.display.cmp(&b.display));
    drop_go_sum_duplicates(&mut lockfiles);
    let source = match crate::deps::source(&settings.advisories, &lockfiles) {
        Ok(s) => s,
        Err(e) => {
            diagnostics.push(Diagnostic::new(
                Level::Error,
                "advisory-db",
                format!("dependencies were not checked: {e}"),
            ));
            return crate::deps::Summary {
                lockfiles: lockfiles.len(),
                inventory: crate::deps::inventory(&lockfiles, functions),
                ..Default::default()
            };
        }
    };
    let checked = crate::deps::check(&lockfiles, functions, &settings.advisories, &source);
    findings.extend(checked.findings);
    diagnostics.extend(checked.diagnostics);
    checked.summary
}

/// A module version that `go.mod` requires is reported there, not again at
/// its `go.sum` hash lines beside it; go.sum keeps what go.mod does not list.
fn drop_go_sum_duplicates(lockfiles: &mut [crate::deps::LockfileIn]) {
    use discover::LockfileKind::{GoMod, GoSum};
    let required: std::collections::BTreeSet<(PathBuf, String, String)> = lockfiles
        .iter()
        .filter(|l| l.lockfile.kind == GoMod)
        .flat_map(|l| {
            let dir = l.path.parent().unwrap_or(Path::new("")).to_path_buf();
            l.lockfile
                .packages
                .iter()
                .map(move |p| (dir.clone(), p.name.clone(), p.version.clone()))
        })
        .collect();
    if required.is_empty() {
        return;
    }
    for l in lockfiles.iter_mut().filter(|l| l.lockfile.kind == GoSum) {
        let dir = l.path.parent().unwrap_or(Path::new("")).to_path_buf();
        l.lockfile
            .packages
            .retain(|p| !required.contains(&(dir.clone(), p.name.clone(), p.version.clone())));
    }
}

/// One file, read and classified.
struct Input {
    text: Option<Arc<str>>,
    kind: Option<Kind>,
    /// Why it could not be read.
    error: Option<String>,
}

impl Input {
    /// Standard input, already read by the caller ([`Settings::stdin`]).
    fn stdin(text: Option<&Arc<str>>, candidate: Candidate) -> Input {
        match text {
            Some(text) => Input {
                text: Some(text.clone()),
                kind: discover::classify(candidate, discover::STDIN_DISPLAY, text),
                error: None,
            },
            None => Input {
                text: None,
                kind: None,
                error: Some("standard input was not read (no text given for `-`)".to_owned()),
            },
        }
    }

    fn read(path: &Path, candidate: Candidate, max: u64) -> Input {
        match discover::read_text(path, max) {
            Ok(text) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let kind = discover::classify(candidate, &name, &text);
                Input {
                    text: Some(Arc::from(text)),
                    kind,
                    error: None,
                }
            }
            Err(e) => Input {
                text: None,
                kind: None,
                error: Some(e.to_string()),
            },
        }
    }
}

/// Most levels of nested stacks followed into templates the walk did not find.
const MAX_NESTED_ROUNDS: usize = 16;

/// Follow nested stacks (`AWS::CloudFormation::Stack` with a local template):
/// a child template the walk did not find is read and scanned as a unit of
/// its own (once, however many stacks instantiate it), and every child gets
/// the note its findings carry: which parent resource(s) instantiate it.
/// `process` scans new units (the caller's pool and engine).
#[allow(clippy::too_many_arguments)]
fn follow_nested_stacks(
    outs: &mut Vec<UnitOut>,
    files: &mut Vec<Found>,
    displays: &mut Vec<String>,
    inputs: &mut Vec<Input>,
    cwd: Option<&Path>,
    (max, shard): (u64, Option<(u32, u32)>),
    process: impl Fn(&[Found], &[Input], &[String], &[Unit]) -> Vec<UnitOut>,
) -> BTreeMap<FileId, String> {
    let mut parents: BTreeMap<PathBuf, Vec<Instantiation>> = BTreeMap::new();
    let mut index: BTreeMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (crate::deps::normalize(&f.path), i))
        .collect();
    let mut next = 0;
    for _ in 0..MAX_NESTED_ROUNDS {
        let mut units = Vec::new();
        for out in &outs[next..] {
            for (child, at) in &out.nested {
                parents.entry(child.clone()).or_default().push(at.clone());
                if index.contains_key(child) {
                    continue;
                }
                let name = child
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let candidate = Candidate::from_file_name(&name).unwrap_or(Candidate::Template);
                let found = Found {
                    display: child.to_string_lossy().replace('\\', "/"),
                    path: child.clone(),
                    candidate,
                };
                let shown = display_path(&found, cwd);
                // Sharded, a template is scanned by its own shard only, whoever instantiates it.
                if shard.is_some_and(|(k, n)| crate::discover::shard_of(&shown, n) != k) {
                    continue;
                }
                index.insert(child.clone(), files.len());
                units.push(Unit::File(files.len()));
                displays.push(shown);
                inputs.push(Input::read(&found.path, candidate, max));
                files.push(found);
            }
        }
        next = outs.len();
        if units.is_empty() {
            break;
        }
        outs.extend(process(files, inputs, displays, &units));
    }
    let mut notes = BTreeMap::new();
    for (child, mut at) in parents {
        let Some(&i) = index.get(&child) else {
            continue;
        };
        at.sort_by(|a, b| (&a.parent, a.span).cmp(&(&b.parent, b.span)));
        at.dedup_by(|a, b| a.parent == b.parent && a.resource == b.resource);
        let list: Vec<String> = at
            .iter()
            .map(|a| format!("{} in {}", a.resource, a.parent))
            .collect();
        notes.insert(
            FileId(i as u32),
            format!("nested stack instantiated by {}", list.join(", ")),
        );
    }
    notes
}

/// Most rounds of following module calls into unread directories.
const MAX_MODULE_ROUNDS: usize = 32;

/// The local module calls between Terraform directories, read before the
/// units are formed (ADR 0012, 0015).
#[derive(Default)]
struct ModuleCalls {
    /// Caller directory → the directories its `module` blocks name (a
    /// directory calling itself left out).
    calls: BTreeMap<PathBuf, std::collections::BTreeSet<PathBuf>>,
    /// Module directories not read, with the reason (outside the repository).
    refused: BTreeMap<PathBuf, String>,
}

/// Read the Terraform files of local module directories that modules in the
/// scan call but that lie outside the scanned paths, as long as they lie in
/// the repository of a scanned path (its git top level, else the scanned
/// path itself), after following links: a repository must not make the scan
/// read the rest of the machine.
fn add_module_files(
    paths: &[PathBuf],
    files: &mut Vec<Found>,
    displays: &mut Vec<String>,
    inputs: &mut Vec<Input>,
    cwd: Option<&Path>,
    max: u64,
) -> ModuleCalls {
    let mut out = ModuleCalls::default();
    let mut known: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .filter(|f| is_terraform(f.candidate))
        .filter_map(|f| f.path.parent().map(Path::to_path_buf))
        .collect();
    let mut bounds: Option<Vec<PathBuf>> = None;
    let mut next = 0;
    for _ in 0..MAX_MODULE_ROUNDS {
        let mut wanted = std::collections::BTreeSet::new();
        for i in next..files.len() {
            if inputs[i].kind != Some(Kind::Terraform) {
                continue;
            }
            if let (Some(text), Some(dir)) = (&inputs[i].text, files[i].path.parent()) {
                for d in crate::terraform::local_module_dirs(dir, text) {
                    // A module calling its own directory is not a call from elsewhere.
                    if d.as_path() != dir {
                        out.calls
                            .entry(crate::terraform::normalize_dir(dir))
                            .or_default()
                            .insert(d.clone());
                    }
                    if !known.contains(&d) {
                        wanted.insert(d);
                    }
                }
            }
        }
        next = files.len();
        if wanted.is_empty() {
            break;
        }
        let bounds = bounds.get_or_insert_with(|| repository_bounds(paths));
        for dir in wanted {
            known.insert(dir.clone());
            let Ok(canon) = std::fs::canonicalize(&dir) else {
                // Missing: the call says it has no files.
                continue;
            };
            if !bounds.iter().any(|b| canon.starts_with(b)) {
                let link = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_symlink());
                let why = if link {
                    "it is a link to a folder outside the repository being scanned"
                } else {
                    "it is outside the repository being scanned"
                };
                out.refused
                    .insert(dir, format!("{why}; local modules are read only inside it"));
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<(PathBuf, Candidate)> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    let c = Candidate::from_file_name(&name)?;
                    is_terraform(c).then(|| (e.path(), c))
                })
                .collect();
            paths.sort();
            for (path, candidate) in paths {
                let found = Found {
                    display: path.to_string_lossy().replace('\\', "/"),
                    path,
                    candidate,
                };
                displays.push(display_path(&found, cwd));
                inputs.push(Input::read(&found.path, candidate, max));
                files.push(found);
            }
        }
    }
    out
}

/// The folders local modules may be read from: for each scan path, the
/// top level of the git repository holding it (the nearest folder above it
/// with a `.git`), else the scan path itself (its folder, for a file).
/// Canonical, so links cannot lead out.
fn repository_bounds(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter_map(|p| {
            let base = if p.is_dir() {
                p.as_path()
            } else {
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
            };
            let canon = std::fs::canonicalize(base).ok()?;
            let top = canon
                .ancestors()
                .find(|a| a.join(".git").exists())
                .map_or_else(|| canon.clone(), Path::to_path_buf);
            Some(top)
        })
        .collect()
}

/// The Terraform directories scanned through a call rather than as roots of
/// their own. A directory no other one calls is a root; so is the first (in
/// walk order) of directories that call each other in a cycle no root
/// reaches, so a cycle never hides its modules' resources. Only walked
/// directories become roots.
fn called_dirs(
    files: &[Found],
    inputs: &[Input],
    walked: usize,
    calls: &BTreeMap<PathBuf, std::collections::BTreeSet<PathBuf>>,
) -> std::collections::BTreeSet<PathBuf> {
    use std::collections::BTreeSet;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (i, f) in files.iter().enumerate().take(walked) {
        if matches!(inputs[i].kind, Some(Kind::Terraform | Kind::TerraformJson)) {
            let d = crate::terraform::normalize_dir(f.path.parent().unwrap_or(Path::new("")));
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
    }
    let callees: BTreeSet<&PathBuf> = calls.values().flatten().collect();
    let mut roots: BTreeSet<PathBuf> = BTreeSet::new();
    let mut reached: BTreeSet<PathBuf> = BTreeSet::new();
    let visit = |from: &PathBuf, reached: &mut BTreeSet<PathBuf>| {
        let mut todo = vec![from.clone()];
        while let Some(d) = todo.pop() {
            for c in calls.get(&d).into_iter().flatten() {
                if reached.insert(c.clone()) {
                    todo.push(c.clone());
                }
            }
        }
    };
    for d in dirs.iter().filter(|d| !callees.contains(d)) {
        roots.insert(d.clone());
        visit(d, &mut reached);
    }
    for d in &dirs {
        if !roots.contains(d) && !reached.contains(d) {
            roots.insert(d.clone());
            visit(d, &mut reached);
        }
    }
    reached.retain(|d| !roots.contains(d));
    reached
}

/// The `--var-file` paths as the scan's file list holds them: a file the
/// walk found is matched by its canonical path, any other is read and added.
fn add_var_files(
    wanted: &[PathBuf],
    files: &mut Vec<Found>,
    displays: &mut Vec<String>,
    inputs: &mut Vec<Input>,
    cwd: Option<&Path>,
    max: u64,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for w in wanted {
        let canon = std::fs::canonicalize(w).unwrap_or_else(|_| w.clone());
        // Only variable files can be the one named (no canonicalize of the whole tree).
        let known = files
            .iter()
            .filter(|f| f.candidate == Candidate::TfVars)
            .find(|f| std::fs::canonicalize(&f.path).is_ok_and(|c| c == canon));
        if let Some(f) = known {
            out.push(f.path.clone());
            continue;
        }
        let found = Found {
            display: w.to_string_lossy().replace('\\', "/"),
            path: w.clone(),
            candidate: Candidate::TfVars,
        };
        displays.push(display_path(&found, cwd));
        let mut input = Input::read(&found.path, Candidate::TfVars, max);
        if input.text.is_some() {
            input.kind = Some(Kind::TfVars);
        }
        inputs.push(input);
        files.push(found);
        out.push(w.clone());
    }
    out
}

fn is_terraform(c: Candidate) -> bool {
    matches!(
        c,
        Candidate::Terraform | Candidate::TerraformJson | Candidate::TfVars
    )
}

/// What is scanned as one model.
enum Unit {
    /// A CloudFormation/SAM template, a serverless service or a plan file.
    File(usize),
    /// A Terraform module directory (the files are its `.tf`/`.tf.json`).
    Terraform { dir: PathBuf, files: Vec<usize> },
}

/// The units of a scan, in file order (a module where its first file is).
fn plan_units(
    files: &[Found],
    inputs: &[Input],
    displays: &[String],
    shard: Option<(u32, u32)>,
    called: &std::collections::BTreeSet<PathBuf>,
) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut modules: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        match inputs[i].kind {
            Some(Kind::CloudFormation { .. } | Kind::Serverless { .. } | Kind::TerraformPlan) => {
                units.push(Unit::File(i));
            }
            Some(Kind::Terraform | Kind::TerraformJson) => {
                let dir = f.path.parent().unwrap_or(Path::new("")).to_path_buf();
                // A directory another module calls is scanned through that
                // call (with its inputs), not again as a root of its own.
                if called.contains(&crate::terraform::normalize_dir(&dir)) {
                    continue;
                }
                match modules.get(&dir) {
                    Some(&u) => {
                        if let Unit::Terraform { files, .. } = &mut units[u] {
                            files.push(i);
                        }
                    }
                    None => {
                        if let Some((k, n)) = shard {
                            let shown = displays[i].rsplit_once('/').map_or("", |(d, _)| d);
                            if crate::discover::shard_of(shown, n) != k {
                                continue;
                            }
                        }
                        modules.insert(dir.clone(), units.len());
                        units.push(Unit::Terraform {
                            dir,
                            files: vec![i],
                        });
                    }
                }
            }
            _ => {}
        }
    }
    units
}

/// What every unit's processing reads.
struct UnitContext<'a> {
    files: &'a [Found],
    inputs: &'a [Input],
    displays: &'a [String],
    envs: &'a BTreeMap<PathBuf, cloudformation::Env>,
    tf_files: &'a crate::terraform::FileSet,
    /// Terraform options with `--var-file` paths as the file set knows them.
    terraform: &'a crate::terraform::Options,
    settings: &'a Settings,
}

#[derive(Default)]
struct UnitOut {
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    declared: Vec<Declared>,
    secrets: Vec<(String, String)>,
    /// Files the unit read (whether they parsed or not).
    scanned: Vec<FileId>,
    /// Files that could not be parsed.
    failed: Vec<FileId>,
    /// Module calls not evaluated (cycles, depth, outside the repository).
    unscanned_calls: usize,
    unscanned_resources: usize,
    resources: usize,
    scope: crate::scope::Scope,
    called_modules: Vec<PathBuf>,
    /// Functions' code directories (lockfiles are tied to them).
    functions: Vec<crate::deps::FunctionCode>,
    /// The policy input, for `faasguard model` (which evaluates nothing).
    model: Option<serde_json::Value>,
    /// Nested stacks with a local template: (child template path, parent).
    nested: Vec<(PathBuf, Instantiation)>,
    /// Findings a conftest `exception` accepts (reported as suppressed).
    excepted: Vec<Suppressed>,
    /// `--profile`: the unit's processing time and each rule's.
    elapsed: std::time::Duration,
    rule_times: Vec<(usize, std::time::Duration)>,
    /// Checks rules could not decide on unknown values.
    undecided: Vec<crate::undecided::Undecided>,
}

/// Where a nested stack template is instantiated: the parent template and
/// its `AWS::CloudFormation::Stack` resource.
#[derive(Clone, Debug)]
struct Instantiation {
    parent: String,
    resource: String,
    span: Span,
}

impl UnitContext<'_> {
    /// Adapt a unit and, given an engine, evaluate it (without one, for
    /// `faasguard model`, the model is kept instead).
    fn process(&self, unit: &Unit, engine: Option<&mut Engine>) -> UnitOut {
        match unit {
            Unit::File(i) => self.file(*i, engine),
            Unit::Terraform { dir, files } => self.terraform(dir, files, engine),
        }
    }

    fn file(&self, i: usize, engine: Option<&mut Engine>) -> UnitOut {
        let mut out = UnitOut::default();
        let input = &self.inputs[i];
        let (Some(text), Some(kind)) = (&input.text, input.kind) else {
            return out;
        };
        let display = &self.displays[i];
        let id = FileId(i as u32);
        let path = &self.files[i].path;
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
                out.failed.push(id);
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
        let (model, secrets) = match kind {
            Kind::Serverless { .. } => {
                let env = crate::adapt::serverless::Env {
                    resolve_env: self.settings.resolve_env,
                    root: self.scan_root(path),
                    options: self.settings.serverless_options.clone(),
                    region: None,
                };
                crate::adapt::serverless::adapt(&doc, id, path, &env)
            }
            Kind::TerraformPlan => {
                let unit = crate::terraform::plan::read(&doc, id);
                crate::adapt::terraform::adapt(&unit)
            }
            _ => {
                let env = path
                    .parent()
                    .and_then(|d| self.envs.get(d))
                    .cloned()
                    .unwrap_or_default();
                self.nested_stacks(&doc, path, display, &mut out);
                cloudformation::adapt(&doc, id, &env)
            }
        };
        out.scanned.push(id);
        // Templates count their source resources; a service also has the
        // functions and events it declares outside `resources:`.
        out.resources = match model.format {
            crate::model::Format::Serverless => {
                model.items("resources").len().max(model.item_count())
            }
            _ => model.items("resources").len(),
        };
        out.scope = crate::scope::Scope::of(&model, display);
        for (note, span) in &model.notes {
            out.diagnostics.push(
                Diagnostic::new(Level::Warning, "adapt-warning", note.clone())
                    .in_file(self.display_of(span.file, display), Some(*span)),
            );
        }
        out.secrets = secrets;
        out.functions = crate::deps::code_dirs(&model, path.parent().unwrap_or(Path::new("")));
        let Some(engine) = engine else {
            out.model = Some(model.to_json(display));
            return out;
        };
        evaluate(&model, display, engine, &mut out);
        if engine.has_conftest() && !self.settings.conftest_combine {
            let format = crate::conftest::input::format_of(path).unwrap_or(if json {
                crate::conftest::input::Format::Json
            } else {
                crate::conftest::input::Format::Yaml
            });
            let scrub = crate::adapt::secrets::to_scrub(&out.secrets, &model);
            evaluate_raw(
                (text, format, id, display),
                &model,
                &scrub,
                engine,
                &mut out,
            );
        }
        out.declared = suppress::declared(text, id, &doc, &model);
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
        let display = &self.displays[main];
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
        evaluate(&model, display, engine, &mut out);
        instantiations(&tf.calls, &mut out.findings);
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
                    self.inputs[i].text.as_deref(),
                    crate::conftest::input::format_of(path),
                ) else {
                    continue;
                };
                let id = FileId(i as u32);
                evaluate_raw(
                    (text, format, id, &self.displays[i]),
                    &model,
                    &scrub,
                    engine,
                    &mut out,
                );
            }
        }
        let mut read: Vec<FileId> = tf.files.clone();
        read.extend(files.iter().map(|&i| FileId(i as u32)));
        read.sort();
        read.dedup();
        for fid in read {
            if let Some(text) = self
                .inputs
                .get(fid.0 as usize)
                .and_then(|i| i.text.as_deref())
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
        self.displays
            .get(file.0 as usize)
            .map_or(fallback, String::as_str)
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

/// One finding per location: a finding in a module that several roots (or
/// instances) reach is kept once, listing every call that made it. Others
/// drop only exact repeats. `findings` is sorted.
fn merge_repeats(findings: &mut Vec<Finding>) {
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

fn evaluate(model: &Model, display: &str, engine: &mut Engine, out: &mut UnitOut) {
    // Policies see detected secrets only redacted (docs/security.md).
    let scrub = crate::adapt::secrets::to_scrub(&out.secrets, model);
    let input = crate::adapt::secrets::scrub_value(model.to_input(display), &scrub);
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
    push_findings(results, model, display, engine, out);
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

fn push_findings(
    results: Vec<crate::engine::RawResult>,
    model: &Model,
    display: &str,
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
            display,
            r.resource.as_deref(),
            r.path.as_deref(),
            &r.message,
        );
        // A value that came through a variable: say which, and from where
        // (after the fingerprint, which must not change with line numbers).
        if let Some((_, via)) = model.via.iter().find(|(s, _)| *s == span) {
            r.message = format!("{} ({via})", r.message);
        }
        let resource_type = r.resource.as_deref().and_then(|id| {
            crate::model::COLLECTIONS.iter().find_map(|c| {
                model
                    .item(c, id)
                    .and_then(|n| n.get("type"))
                    .and_then(|t| t.as_str())
                    .map(str::to_string)
            })
        });
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
    fn samconfig_regions() {
        let text = "version = 0.1\n[prod.deploy.parameters]\nregion = \"us-east-1\"\n[default.deploy.parameters]\nregion = \"eu-west-1\"\n";
        let (r, span) = samconfig_region(text, FileId(0)).unwrap();
        assert_eq!(r, "eu-west-1");
        assert_eq!(&text[span.start as usize..span.end as usize], "eu-west-1");
        assert_eq!(samconfig_region("x = 1\n", FileId(0)), None);
    }
}

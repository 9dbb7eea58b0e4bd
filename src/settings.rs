//! What a scan runs with: [`Settings`], validated once at the edge (the
//! CLI and the config file build them), and the [`Progress`] display it
//! ticks. A module of its own so that the scan's outcome (which carries the
//! settings for the reports) and the renderers need not import the
//! orchestrator.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::baseline::Baseline;
use crate::discover;
use crate::engine::PolicyFile;

/// Validated scan settings (the CLI and config file build these).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The paths to scan, files or directories, as given (`-` for standard input).
    pub paths: Vec<PathBuf>,
    /// How the walk runs: `--exclude` globs, the file size limit, following links, `cdk.out`.
    pub discover: discover::Options,
    /// 0 = one per core.
    pub threads: usize,
    /// `--rule-timeout`: how long one rule may run on one unit before it is
    /// stopped and reported (`None`: no limit).
    pub rule_timeout: Option<std::time::Duration>,
    /// `--file-timeout`: how long one unit (a file, a Terraform module) may
    /// take, parse, adapt and evaluation together (`None`: no limit).
    pub file_timeout: Option<std::time::Duration>,
    /// `--profile`: time every rule and unit ([`crate::outcome::Outcome::profile`]).
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
    /// What reading the settings warned about (a repository config's
    /// refused widenings, `conftest.toml` keys not used): the scan reports
    /// them as diagnostics, so every format carries them.
    pub warnings: Vec<crate::finding::Diagnostic>,
}

/// A progress display over the scan's units; hidden by default. It only
/// counts finished units, so the report cannot depend on it.
#[derive(Clone, Default)]
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A progress display drawn on `bar` (the binary makes one when stderr is a terminal).
    pub fn new(bar: indicatif::ProgressBar) -> Self {
        Progress(Some(bar))
    }
    pub(crate) fn start(&self, units: usize) {
        if let Some(b) = &self.0 {
            b.set_length(units as u64);
        }
    }
    pub(crate) fn tick(&self) {
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

/// The per-unit time limit unless `--file-timeout` says otherwise: a 16k
/// function template takes about 10 s (docs/performance.md), so only a
/// pathological file reaches it.
pub const DEFAULT_FILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

impl Default for Settings {
    fn default() -> Self {
        Settings {
            paths: vec![PathBuf::from(".")],
            discover: discover::Options::default(),
            threads: 0,
            rule_timeout: Some(DEFAULT_RULE_TIMEOUT),
            file_timeout: Some(DEFAULT_FILE_TIMEOUT),
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
            warnings: Vec::new(),
        }
    }
}

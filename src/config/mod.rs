//! `.faasguard.toml`: project settings, validated with every problem
//! reported at once, each pointing at its line in the file.
//!
//! It also owns where settings may come from. A config found inside the
//! scanned tree is written by whoever wrote the repository, which in CI may
//! be an untrusted pull request: it may narrow what a scan reaches, never
//! widen it ([`narrow_repository`]). Settings that widen reach (network,
//! the advisory database, policy folders outside the repository) are
//! honoured only from the command line, an explicit `--config FILE` or the
//! user's own config ([`user_config_path`]). See ADR 0018.
//!
//! This file holds the settings' types and where they come from (finding,
//! loading, merging, narrowing); [`validate`] reads the TOML into them.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::rule::Severity;

/// The file as written, validated.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Config {
    /// Lowest severity that fails the scan.
    pub fail_on: Option<Severity>,
    /// `exclude`: globs of paths the walk skips, added to `--exclude`'s (each checked when read).
    pub exclude: Vec<String>,
    /// `threads`: worker threads for parsing and evaluation (`None`: one per core).
    pub threads: Option<usize>,
    /// Honour `# faasguard:ignore` comments and CloudFormation
    /// `Metadata.faasguard.ignore` entries (default true). When false, each
    /// one is reported as a finding of FG-GOV-001 and suppresses nothing;
    /// only a baseline can accept a finding.
    pub allow_inline_suppressions: Option<bool>,
    /// Scan `cdk.out/` directories found under the scan paths (default false:
    /// they are synthesized output, skipped like other tool folders unless
    /// named on the command line).
    pub scan_cdk_out: Option<bool>,
    /// `[residency]`: where resources may be deployed.
    pub residency: Residency,
    /// `[rules]`: which rules run and at what severity.
    pub rules: Rules,
    /// Custom policy directories or files, resolved relative to the config
    /// file by [`load`] (as written by [`parse`]).
    pub policies: Vec<PathBuf>,
    /// `[advisories]`: the dependency advisory check.
    pub advisories: Advisories,
    /// `[limits]`: time limits of a scan.
    pub limits: Limits,
    /// Where the settings that widen reach are written (`policies` entries
    /// by index, `advisories.db`, `advisories.online`), for saying which
    /// line a repository's config cannot have.
    pub reach_spans: BTreeMap<String, Range<usize>>,
    /// The file's name and text, for errors found after parsing (rule ids
    /// that no loaded policy defines).
    pub origin: Option<(String, String)>,
}

/// `[residency]`: the regions resources may be deployed in (FG-RES rules).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Residency {
    /// Regions or region groups (`eu`, `us`) from `rules/regions.toml`.
    pub allowed_regions: Vec<String>,
}

/// `[limits]`: how long one rule, and one file or module, may take, in
/// seconds (0: no limit); the command line's `--rule-timeout` and
/// `--file-timeout` win.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Limits {
    /// `rule_timeout`: seconds one rule may take on one file or module (`None`: the default, 60).
    pub rule_timeout: Option<f64>,
    /// `file_timeout`: seconds all rules together may take on one file or module (`None`: the default, 300).
    pub file_timeout: Option<f64>,
}

/// A rule id (`FG-OBS-001`) or area (`OBS`) and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub(crate) name: String,
    pub(crate) span: Range<usize>,
}

/// `[rules]`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Rules {
    /// When given, only these rules and areas run.
    pub enable: Option<Vec<Named>>,
    /// These rules and areas do not run (wins over `enable`).
    pub disable: Vec<Named>,
    /// `[rules.severity]`: a new severity per rule id.
    pub severity: Vec<(Named, Severity)>,
}

impl Rules {
    /// No `enable`, `disable` or `severity` was written.
    pub fn is_empty(&self) -> bool {
        self.enable.is_none() && self.disable.is_empty() && self.severity.is_empty()
    }

    /// Every rule id and area named, for checking against the loaded rules.
    pub fn names(&self) -> impl Iterator<Item = &Named> {
        self.enable
            .iter()
            .flatten()
            .chain(&self.disable)
            .chain(self.severity.iter().map(|(n, _)| n))
    }

    /// The settings a scan applies.
    pub fn selection(&self) -> Selection {
        let names = |v: &[Named]| v.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        Selection {
            enable: self.enable.as_deref().map(names),
            disable: names(&self.disable),
            severity: self
                .severity
                .iter()
                .map(|(n, s)| (n.name.clone(), *s))
                .collect(),
        }
    }
}

/// Which rules a scan reports and at what severity (from `[rules]`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Selection {
    pub(crate) enable: Option<Vec<String>>,
    pub(crate) disable: Vec<String>,
    pub(crate) severity: BTreeMap<String, Severity>,
}

impl Selection {
    /// Whether a rule of this id and area runs.
    pub fn enabled(&self, id: &str, area: &str) -> bool {
        let hit = |names: &[String]| names.iter().any(|n| n == id || n == area);
        !hit(&self.disable) && self.enable.as_deref().is_none_or(hit)
    }

    /// The severity a rule's findings get.
    pub fn severity(&self, id: &str, declared: Severity) -> Severity {
        self.severity.get(id).copied().unwrap_or(declared)
    }
}

/// `[advisories]`: dependency advisory database settings (the scan's
/// `--advisory-db` and `--online` win over them).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Advisories {
    /// Directory of the advisory database (default: `faasguard db update`'s).
    pub db: Option<String>,
    /// Warn when the database is older than this many days (0 = never; default 7).
    pub max_age_days: Option<u32>,
    /// Ask the OSV API instead of a local database.
    pub online: Option<bool>,
    /// `db update`: seconds the whole download may take.
    pub update_deadline: Option<u64>,
}

/// One problem in a config file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct ConfigError {
    pub(crate) message: String,
    #[source_code]
    pub(crate) source_code: miette::NamedSource<String>,
    #[label("{label}")]
    pub(crate) span: Option<miette::SourceSpan>,
    pub(crate) label: String,
}

/// A config file that is not valid: every problem in it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid configuration in {path}: {} problem{}", problems.len(), if problems.len() == 1 { "" } else { "s" })]
#[diagnostic(code(faasguard::config))]
pub struct ConfigErrors {
    pub(crate) path: String,
    #[related]
    pub(crate) problems: Vec<ConfigError>,
}

impl ConfigErrors {
    /// Problems at byte ranges of `text`; messages are prefixed with their
    /// line so they read well without the snippet too.
    ///
    /// A repository's config is untrusted text: the path, messages (which
    /// quote keys) and the snippet are escaped like every other output,
    /// with the spans mapped onto the escaped text.
    pub fn new(path: &str, text: &str, problems: Vec<(String, Option<Range<usize>>)>) -> Self {
        use crate::report::escape;
        let path = escape::line(path).into_owned();
        let ends: Vec<usize> = problems
            .iter()
            .filter_map(|(_, s)| s.as_ref())
            .flat_map(|r| [r.start.min(text.len()), r.end.min(text.len())])
            .collect();
        let (shown, mapped) = escape::source(text, &ends);
        let mut at = mapped.chunks(2);
        let problems = problems
            .into_iter()
            .map(|(message, span)| {
                let message = escape::line(&message).into_owned();
                let line = span
                    .as_ref()
                    .map(|r| text[..r.start.min(text.len())].matches('\n').count() + 1);
                let span = span.and_then(|_| at.next()).and_then(|m| match m {
                    [start, end] => Some((*start, end.saturating_sub(*start)).into()),
                    _ => None,
                });
                ConfigError {
                    message: match line {
                        Some(l) => format!("{path}:{l}: {message}"),
                        None => format!("{path}: {message}"),
                    },
                    label: message,
                    span,
                    source_code: miette::NamedSource::new(&path, shown.clone()),
                }
            })
            .collect();
        ConfigErrors { path, problems }
    }
}

/// The project config's file name, looked for in the first scan path and its parents.
pub const FILE_NAME: &str = ".faasguard.toml";

/// The config file for a scan: the one given, else `.faasguard.toml` in the
/// first scan path (or the directory of a file), else in its parents up to
/// the working directory (pre-commit passes `infra/template.yaml` from the
/// repository root, where the config lives), else none.
pub fn find(explicit: Option<&Path>, scan_paths: &[PathBuf]) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let first = scan_paths.first()?;
    let cwd = std::env::current_dir().ok();
    let start = if first.is_dir() {
        first.clone()
    } else {
        first.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let start = match (&cwd, start.is_absolute()) {
        (Some(c), false) => c.join(start),
        _ => start,
    };
    // Parents are searched only up to the working directory, never above it.
    let under_cwd = cwd.as_deref().is_some_and(|c| start.starts_with(c));
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !under_cwd || cwd.as_deref() == Some(dir) {
            break;
        }
    }
    None
}

/// Read and validate a config file; relative `policies` are resolved against
/// the file's directory.
pub fn load(path: &Path) -> Result<Config, Box<ConfigErrors>> {
    let shown = show(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| Box::new(ConfigErrors::new(&shown, "", vec![(e.to_string(), None)])))?;
    let mut config = parse(&shown, &text)?;
    let dir = path.parent().unwrap_or(Path::new(""));
    for p in &mut config.policies {
        if p.is_relative() {
            *p = dir.join(&*p);
        }
    }
    Ok(config)
}

/// The user's own config: `faasguard/config.toml` in the user's config
/// directory (`$XDG_CONFIG_HOME`, else `~/.config` on Linux). Trusted like
/// the command line: no repository can write it.
pub fn user_config_path() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(dirs::config_dir)
        .map(|d| d.join("faasguard").join("config.toml"))
}

/// The settings of a scan and where they came from.
#[derive(Debug, Default)]
pub struct Resolved {
    /// The project config merged over the user's.
    pub config: Config,
    /// The project config read (explicit, or found in the scanned tree).
    pub file: Option<PathBuf>,
    /// What a repository's config tried to widen and was refused, one
    /// message each, naming the key and its line.
    pub refused: Vec<String>,
}

/// The config of a scan: the user's config (if any) under the project's,
/// which is `--config FILE` (trusted) or the `.faasguard.toml` found from
/// the scan paths (narrowed by [`narrow_repository`]).
pub fn resolve(
    explicit: Option<&Path>,
    scan_paths: &[PathBuf],
) -> Result<Resolved, Box<ConfigErrors>> {
    let user = match user_config_path().filter(|p| p.is_file()) {
        Some(path) => Some(load(&path)?),
        None => None,
    };
    let file = find(explicit, scan_paths);
    let mut refused = Vec::new();
    let project = match &file {
        Some(path) => {
            let mut c = load(path)?;
            if explicit.is_none() {
                refused = narrow_repository(&mut c, &repository_root(path));
            }
            Some(c)
        }
        None => None,
    };
    let config = match (user, project) {
        (Some(u), Some(p)) => merge(u, p),
        (Some(c), None) | (None, Some(c)) => c,
        (None, None) => Config::default(),
    };
    Ok(Resolved {
        config,
        file,
        refused,
    })
}

/// The project's settings over the user's: each setting the project writes
/// wins, lists add up (the user's excludes and policies first).
fn merge(user: Config, project: Config) -> Config {
    let (rules, origin) = if project.rules.is_empty() {
        (user.rules, user.origin)
    } else {
        (project.rules, project.origin)
    };
    let mut exclude = user.exclude;
    exclude.extend(project.exclude);
    let mut policies = user.policies;
    policies.extend(project.policies);
    Config {
        fail_on: project.fail_on.or(user.fail_on),
        exclude,
        threads: project.threads.or(user.threads),
        scan_cdk_out: project.scan_cdk_out.or(user.scan_cdk_out),
        allow_inline_suppressions: project
            .allow_inline_suppressions
            .or(user.allow_inline_suppressions),
        residency: if project.residency.allowed_regions.is_empty() {
            user.residency
        } else {
            project.residency
        },
        rules,
        policies,
        advisories: Advisories {
            db: project.advisories.db.or(user.advisories.db),
            max_age_days: project
                .advisories
                .max_age_days
                .or(user.advisories.max_age_days),
            online: project.advisories.online.or(user.advisories.online),
            update_deadline: project
                .advisories
                .update_deadline
                .or(user.advisories.update_deadline),
        },
        limits: Limits {
            rule_timeout: project.limits.rule_timeout.or(user.limits.rule_timeout),
            file_timeout: project.limits.file_timeout.or(user.limits.file_timeout),
        },
        reach_spans: BTreeMap::new(),
        origin,
    }
}

/// The repository a config file belongs to: the nearest ancestor of its
/// directory holding `.git` (the git top level), else its own directory.
pub fn repository_root(config_file: &Path) -> PathBuf {
    let dir = config_file.parent().unwrap_or(Path::new("."));
    let dir = dir.canonicalize().unwrap_or_else(|_| absolute(dir));
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf()
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// `p` with `.` and `..` resolved without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Drops what a repository's config may not decide, and says why: it may
/// turn the network off but not on, cannot choose the advisory database,
/// and names policy folders only inside `root` (symlinks resolved, so a
/// link pointing out is refused too). Returns one message per refusal,
/// `file:line: ...`, in file order.
pub fn narrow_repository(config: &mut Config, root: &Path) -> Vec<String> {
    let (shown, text) = config.origin.clone().unwrap_or_default();
    let mut refused: Vec<(usize, String)> = Vec::new();
    let mut refuse = |key: &str, why: String| {
        let at = config.reach_spans.get(key).map_or(0, |r| r.start);
        let line = text[..at.min(text.len())].matches('\n').count() + 1;
        refused.push((at, format!("{shown}:{line}: {why}")));
    };
    if config.advisories.online == Some(true) {
        config.advisories.online = None;
        refuse(
            "advisories.online",
            "`advisories.online = true` is ignored: a repository's config cannot turn on \
             network access (use --online, --config FILE or the user config)"
                .into(),
        );
    }
    if let Some(db) = config.advisories.db.take() {
        refuse(
            "advisories.db",
            format!(
                "`advisories.db = {db:?}` is ignored: a repository's config cannot choose the \
                 advisory database (use --advisory-db, --config FILE or the user config)"
            ),
        );
    }
    let policies = std::mem::take(&mut config.policies);
    for (i, p) in policies.into_iter().enumerate() {
        let resolved = p
            .canonicalize()
            .unwrap_or_else(|_| normalize(&absolute(&p)));
        if resolved.starts_with(root) {
            config.policies.push(p);
        } else {
            refuse(
                &format!("policies.{i}"),
                format!(
                    "`policies` entry {:?} is ignored: it is outside the repository ({}); a \
                     repository's config may only name policy folders inside it (use --policy, \
                     --config FILE or the user config)",
                    p.display().to_string(),
                    root.display()
                ),
            );
        }
    }
    refused.sort();
    refused.into_iter().map(|(_, m)| m).collect()
}

/// How errors name the file: relative to the working directory when below
/// it, without `./` components.
fn show(path: &Path) -> String {
    let clean: PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| clean.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative.unwrap_or(clean).display().to_string()
}

mod validate;

pub use validate::{check_rules, parse};

/// The starter config `faasguard init` writes: every setting, commented.
pub const STARTER: &str = include_str!("../starter.faasguard.toml");

#[cfg(test)]
mod tests;

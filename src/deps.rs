//! The dependency stage: ties each lockfile to the functions whose code ships
//! it, matches every locked package against the advisory database (or the
//! OSV API with `--online`), and turns the matches into `FG-DEP` findings
//! located at the package's entry in the lockfile.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::advisory::db::{Database, Match};
use crate::finding::{self, DependencyFacts, Diagnostic, Finding, Level};
use crate::lockfile::{Lockfile, Package};
use crate::rule::Severity;

pub(crate) mod lockfiles;

/// A locked package version with a known vulnerability.
pub const VULNERABLE_RULE: &str = "FG-DEP-001";
/// A locked package an informational advisory is about (unmaintained,
/// unsound): low severity, not hidden.
pub const INFORMATIONAL_RULE: &str = "FG-DEP-002";

/// A database older than this (days) gets a warning, unless `[advisories]
/// max_age_days` says otherwise.
pub const DEFAULT_MAX_AGE_DAYS: u64 = 7;

/// Where advisories come from, and which packages count.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// `--advisory-db DIR` (or `[advisories] db`); `None` = the default cache
    /// directory of `faasguard db update`, when it exists.
    pub db: Option<PathBuf>,
    /// `--online`: ask the OSV API instead of a local database.
    pub online: bool,
    /// The OSV API to ask (`https://api.osv.dev` by default; a mirror).
    pub online_url: Option<String>,
    /// `--include-dev`: also check development-only packages (at low
    /// severity: they are not shipped).
    pub include_dev: bool,
    /// Warn when the database is older than this many days (0 = never;
    /// [`DEFAULT_MAX_AGE_DAYS`] unless configured).
    pub max_age_days: u64,
}

/// A function's code directory, for tying lockfiles to it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FunctionCode {
    /// The model id (`HelloFunction`, `aws_lambda_function.api`, `hello`).
    pub id: String,
    /// Its code directory on disk.
    pub dir: PathBuf,
}

/// A parsed lockfile of the scan.
#[derive(Clone, Debug)]
pub struct LockfileIn {
    pub(crate) path: PathBuf,
    pub(crate) display: String,
    pub(crate) lockfile: Lockfile,
}

/// What the stage produced.
#[derive(Debug, Default)]
pub struct Checked {
    pub(crate) findings: Vec<Finding>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// How the check went, for reports.
    pub summary: Summary,
}

/// Facts the reports show about the dependency check.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Summary {
    /// `false` when no database was available and `--online` was not given.
    pub checked: bool,
    /// `offline` or `online`.
    pub mode: String,
    /// The database directory (offline).
    pub database: Option<String>,
    /// When the database was fetched (RFC 3339), when known.
    pub fetched_at: Option<String>,
    pub(crate) advisories: usize,
    pub(crate) lockfiles: usize,
    pub(crate) packages: usize,
    /// Vulnerable package versions found (before suppressions).
    pub vulnerable: usize,
    /// `[advisories] max_age_days` in force (0 = no limit).
    pub max_age_days: u64,
    /// Every lockfile's packages and the functions shipping them, checked
    /// or not: the software inventory (`--format cyclonedx`). Not in the
    /// JSON report, which stays a findings report.
    #[serde(skip)]
    pub inventory: Vec<Locked>,
}

/// One lockfile of the inventory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Locked {
    /// The lockfile as reports show it.
    pub display: String,
    /// Model ids of the functions whose code directory holds it.
    pub functions: Vec<String>,
    /// Its packages, in file order.
    pub packages: Vec<LockedPackage>,
}

/// A package of the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedPackage {
    pub(crate) name: String,
    pub(crate) version: String,
    /// The OSV ecosystem name (`npm`, `PyPI`).
    pub ecosystem: &'static str,
    pub(crate) dev: bool,
}

/// The inventory of `lockfiles`: their packages and who ships them.
pub fn inventory(lockfiles: &[LockfileIn], functions: &[FunctionCode]) -> Vec<Locked> {
    lockfiles
        .iter()
        .map(|l| Locked {
            display: l.display.clone(),
            functions: functions_shipping(&l.path, functions),
            packages: l
                .lockfile
                .packages
                .iter()
                .map(|p| LockedPackage {
                    name: p.name.clone(),
                    version: p.version.clone(),
                    ecosystem: p.ecosystem.as_str(),
                    dev: p.dev,
                })
                .collect(),
        })
        .collect()
}

/// The functions whose code directory holds the lockfile at `path`.
pub fn functions_shipping(path: &Path, functions: &[FunctionCode]) -> Vec<String> {
    let mut ids: Vec<String> = functions
        .iter()
        .filter(|f| path.parent().is_some_and(|dir| dir.starts_with(&f.dir)))
        .map(|f| f.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The database the settings name, loaded, or why there is none.
pub enum Source {
    /// The offline database (`db update`'s, or `--advisory-db`), with the directory it was loaded
    /// from.
    Offline(PathBuf, Database),
    /// Advisories fetched from the OSV API for the lockfiles' packages (`--online`).
    Online(Database),
    /// Nothing to check against: the message says why, once.
    None(String),
}

/// Why the advisory data could not be had: the database named (or found)
/// does not load, or the online service failed. Both messages name the
/// directory or the address.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The offline database does not load.
    #[error(transparent)]
    Database(#[from] crate::advisory::DbError),
    /// The OSV API could not be asked.
    #[error(transparent)]
    Online(#[from] crate::advisory::online::OnlineError),
}

/// Load the advisory data for `lockfiles` (only asks the network with
/// `--online`).
pub fn source(settings: &Settings, lockfiles: &[LockfileIn]) -> Result<Source, SourceError> {
    if settings.online {
        let mut opts = crate::advisory::online::ClientOptions::default();
        if let Some(url) = &settings.online_url {
            opts.base_url = url.clone();
        }
        let client = crate::advisory::online::Client::new(opts)?;
        let mut queries: Vec<crate::advisory::online::Query> = lockfiles
            .iter()
            .flat_map(|l| &l.lockfile.packages)
            .filter(|p| settings.include_dev || !p.dev)
            .map(|p| crate::advisory::online::Query {
                ecosystem: p.ecosystem.as_str(),
                name: p.name.clone(),
                version: p.version.clone(),
            })
            .collect();
        queries.sort_by(|a, b| {
            (a.ecosystem, &a.name, &a.version).cmp(&(b.ecosystem, &b.name, &b.version))
        });
        queries.dedup();
        let records = client.query(&queries)?;
        let advisories = records
            .iter()
            .filter_map(crate::advisory::osv::from_json)
            .collect();
        return Ok(Source::Online(Database::from_advisories(advisories)));
    }
    let dir = match &settings.db {
        Some(d) => d.clone(),
        None => match crate::advisory::fetch::default_db_dir() {
            Ok(d) if d.is_dir() => d,
            // cargo-audit's copy of the RustSec advisory-db, when that is all there is.
            _ if Database::cargo_audit_dir().is_some_and(|d| d.is_dir()) => {
                Database::cargo_audit_dir().unwrap_or_default()
            }
            _ => return Ok(Source::None(
                "dependencies were not checked: no advisory database (run `faasguard db update`, \
pass --advisory-db DIR, or scan with --online)"
                    .to_string(),
            )),
        },
    };
    let db = Database::load(&dir)?;
    Ok(Source::Offline(dir, db))
}

/// Check the lockfiles against the advisory data.
pub fn check(
    lockfiles: &[LockfileIn],
    functions: &[FunctionCode],
    settings: &Settings,
    source: &Source,
) -> Checked {
    let mut out = Checked {
        summary: Summary {
            lockfiles: lockfiles.len(),
            packages: lockfiles.iter().map(|l| l.lockfile.packages.len()).sum(),
            max_age_days: settings.max_age_days,
            inventory: inventory(lockfiles, functions),
            ..Summary::default()
        },
        ..Checked::default()
    };
    let db = match source {
        Source::None(why) => {
            if !lockfiles.is_empty() {
                out.diagnostics.push(Diagnostic::new(
                    Level::Note,
                    "dependencies-not-checked",
                    why.clone(),
                ));
            }
            return out;
        }
        Source::Offline(dir, db) => {
            out.summary.mode = "offline".into();
            out.summary.database = Some(dir.display().to_string());
            if let Some(age) = crate::advisory::fetch::db_age(dir) {
                let days = age.as_secs() / 86_400;
                if settings.max_age_days > 0 && days > settings.max_age_days {
                    out.diagnostics.push(Diagnostic::new(
                        Level::Warning,
                        "advisory-db-stale",
                        format!(
                            "the advisory database {} is {days} days old (more than max_age_days = {}); run `faasguard db update`",
                            dir.display(),
                            settings.max_age_days
                        ),
                    ));
                }
            }
            db
        }
        Source::Online(db) => {
            out.summary.mode = "online".into();
            db
        }
    };
    out.summary.checked = true;
    out.summary.advisories = db.metadata().total;
    out.summary.fetched_at = db.metadata().fetched_at.clone();
    for w in db.warnings() {
        out.diagnostics.push(Diagnostic::new(
            Level::Warning,
            "advisory-db",
            format!("skipped in the advisory database: {w}"),
        ));
    }
    for l in lockfiles {
        let ships = functions_shipping(&l.path, functions);
        if !l.lockfile.unpinned.is_empty() {
            let names: Vec<&str> = l
                .lockfile
                .unpinned
                .iter()
                .map(|(n, _)| n.as_str())
                .collect();
            out.diagnostics.push(
                Diagnostic::new(
                    Level::Note,
                    "dependencies-unpinned",
                    format!(
                        "cannot check {} requirement(s) that pin no exact version: {}",
                        names.len(),
                        names.join(", ")
                    ),
                )
                .in_file(&l.display, Some(l.lockfile.unpinned[0].1)),
            );
        }
        let mut seen = BTreeSet::new();
        for p in &l.lockfile.packages {
            if p.dev && !settings.include_dev {
                continue;
            }
            for m in db.matches(p) {
                if !seen.insert((p.span.start, m.advisory.id.clone())) {
                    continue;
                }
                out.summary.vulnerable += 1;
                out.findings.push(finding(l, p, &m, &ships));
            }
        }
    }
    out
}

fn finding(l: &LockfileIn, p: &Package, m: &Match<'_>, ships: &[String]) -> Finding {
    let a = m.advisory;
    let informational = a.informational.clone();
    let rule = if informational.is_some() {
        INFORMATIONAL_RULE
    } else {
        VULNERABLE_RULE
    };
    // Dev-only packages are not shipped: low, whatever the advisory says.
    let severity = if p.dev || informational.is_some() {
        Severity::Low
    } else {
        m.severity
    };
    let what = match &informational {
        Some(kind) => format!("is {kind} ({})", a.id),
        None => format!("is affected by {}", a.id),
    };
    let aliases = if m.aliases.is_empty() {
        String::new()
    } else {
        format!(" ({})", m.aliases.join(", "))
    };
    let fix = match m.fixed.first() {
        Some(v) => format!("; upgrade to {v} or later"),
        None => "; no fixed version is known".to_string(),
    };
    let shipped = match ships.len() {
        0 => String::new(),
        1 => format!("; shipped by function {}", ships[0]),
        _ => format!("; shipped by functions {}", ships.join(", ")),
    };
    let dev = if p.dev { " (development only)" } else { "" };
    let summary = if a.summary.is_empty() {
        String::new()
    } else {
        format!(": {}", a.summary.trim_end_matches('.'))
    };
    let message = format!(
        "{} {} {what}{aliases}{summary}{fix}{shipped}{dev}",
        p.name, p.version
    );
    Finding {
        fingerprint: finding::fingerprint(rule, &l.display, Some(&p.name), Some(&a.id), ""),
        rule_id: rule.to_string(),
        severity,
        message,
        span: p.span,
        resource: Some(format!("{}@{}", p.name, p.version)),
        resource_type: Some(format!("{} package", p.ecosystem.as_str())),
        path: None,
        dependency: Some(Box::new(DependencyFacts {
            advisory: a.id.clone(),
            aliases: m.aliases.iter().map(|s| s.to_string()).collect(),
            summary: a.summary.clone(),
            url: a.url.clone(),
            cvss: a.cvss.clone(),
            informational,
            ecosystem: p.ecosystem.as_str().to_string(),
            package: p.name.clone(),
            version: p.version.clone(),
            fixed: m.fixed.clone(),
            functions: ships.to_vec(),
            dev: p.dev,
        })),
        fix: None,
        construct_path: None,
        instantiated_by: Vec::new(),
        replace: None,
    }
}

/// A function's code directory, from its model item: SAM `CodeUri` /
/// CloudFormation `Code` local paths (relative to the template), Terraform
/// `filename`/`source_dir` (relative to the module), and for serverless
/// services the service directory (the Framework packages it whole).
pub fn code_dirs(model: &crate::model::Model, unit_dir: &Path) -> Vec<FunctionCode> {
    let mut out = Vec::new();
    for f in model.items("functions") {
        let Some(id) = crate::model::item_id(f) else {
            continue;
        };
        let code = f.get("code_uri").and_then(crate::parse::Node::as_str);
        let dir = match (model.format, code) {
            (crate::model::Format::Serverless, _) => Some(unit_dir.to_path_buf()),
            (_, Some(c)) if is_local(c) => {
                let p = unit_dir.join(c.trim_start_matches("./"));
                // A packaged archive ships what sits beside it.
                if c.ends_with(".zip") || c.ends_with(".jar") {
                    p.parent().map(Path::to_path_buf)
                } else {
                    Some(p)
                }
            }
            _ => None,
        };
        if let Some(dir) = dir {
            out.push(FunctionCode {
                id: id.to_string(),
                dir: normalize(&dir),
            });
        }
    }
    // Kept to the end of the scan: without a doubled vector's spare room.
    crate::parse::exact_vec(&mut out);
    out
}

fn is_local(code: &str) -> bool {
    !code.is_empty() && !code.contains("://") && !code.starts_with("s3:")
}

/// `a/./b/../c` → `a/c`, without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfiles_belong_to_functions_whose_code_dir_holds_them() {
        let fns = vec![
            FunctionCode {
                id: "Api".into(),
                dir: PathBuf::from("svc/api"),
            },
            FunctionCode {
                id: "Worker".into(),
                dir: PathBuf::from("svc"),
            },
        ];
        assert_eq!(
            functions_shipping(Path::new("svc/api/requirements.txt"), &fns),
            vec!["Api", "Worker"]
        );
        assert_eq!(
            functions_shipping(Path::new("svc/requirements.txt"), &fns),
            vec!["Worker"]
        );
        assert!(functions_shipping(Path::new("other/requirements.txt"), &fns).is_empty());
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
    }
}

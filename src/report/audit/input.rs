//! What an audit report is made from: a faasguard JSON report, read back.
//!
//! `scan --format html` and `report --input scan.json --format html` both go
//! through this type (the first serializes its outcome to the JSON report
//! and reads it back), so a report made later from a saved scan is the same
//! report. Fields added to the JSON report after version 1 are optional
//! here: an older file still makes a report, which then says what it lacks.

use serde::Deserialize;

use crate::scope::Scope;

/// A JSON report (`faasguard scan --format json`), the parts reports read.
#[derive(Clone, Debug, Deserialize)]
pub struct ScanResult {
    pub format_version: u32,
    pub tool: Tool,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub suppressed: Vec<Finding>,
    #[serde(default)]
    pub baseline: Option<Baseline>,
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Absent in reports of older versions and in merged reports.
    #[serde(default)]
    pub scope: Option<Scope>,
    #[serde(default)]
    pub rule_set: Option<RuleSet>,
    #[serde(default)]
    pub config: Option<Config>,
    /// The dependency advisory check; absent in reports made before it
    /// existed.
    #[serde(default)]
    pub dependencies: Option<Dependencies>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Summary {
    pub files_scanned: usize,
    pub resources: usize,
    pub files_failed: usize,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: crate::rule::Severity,
    #[serde(default)]
    pub title: String,
    pub message: String,
    pub file: String,
    pub start: Pos,
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub remediation: String,
    #[serde(default)]
    pub fingerprint: String,
    /// Only on suppressed findings.
    #[serde(default)]
    pub suppression: Option<Suppression>,
    /// Only on dependency findings (`FG-DEP-*`).
    #[serde(default)]
    pub dependency: Option<Dependency>,
}

/// What a dependency finding is about (`finding.dependency` in the JSON
/// report): the advisory, the locked package, the functions that ship it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Dependency {
    pub advisory: String,
    pub aliases: Vec<String>,
    pub summary: String,
    pub url: String,
    pub cvss: Option<String>,
    /// `unmaintained`, `unsound`: an informational advisory.
    pub informational: Option<String>,
    pub ecosystem: String,
    pub package: String,
    pub version: String,
    pub fixed: Vec<String>,
    pub functions: Vec<String>,
    pub dev: bool,
}

/// How the dependency check went (`dependencies` in the JSON report).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Dependencies {
    /// `false`: no advisory data, no lockfile, or the database failed to load.
    pub checked: bool,
    /// `offline` or `online`.
    pub mode: String,
    pub database: Option<String>,
    /// RFC 3339.
    pub fetched_at: Option<String>,
    /// `[advisories] max_age_days` (0 or absent: no limit).
    pub max_age_days: Option<u64>,
    pub advisories: usize,
    pub lockfiles: usize,
    pub packages: usize,
    pub vulnerable: usize,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Suppression {
    /// `in_source` or `external`.
    pub kind: String,
    /// `comment`, `metadata` or `baseline`.
    pub origin: String,
    pub justification: String,
    pub until: Option<String>,
    pub file: Option<String>,
    pub start: Option<Pos>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Baseline {
    pub file: String,
    pub entries: usize,
    pub matched: usize,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Diagnostic {
    pub level: String,
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub start: Option<Pos>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleSet {
    pub version: String,
    pub digest: String,
    pub rules: Vec<RuleRef>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RuleRef {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub severity: crate::rule::Severity,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub builtin: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    pub config_file: Option<String>,
    pub fail_on: String,
    pub allowed_regions: Vec<String>,
    pub excludes: Vec<String>,
    pub max_file_size: u64,
    pub allow_inline_suppressions: Option<bool>,
    pub today: String,
    pub policies: Vec<String>,
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl ScanResult {
    /// Read a JSON report.
    pub fn from_json(text: &str) -> Result<ScanResult, String> {
        let result: ScanResult =
            serde_json::from_str(text).map_err(|e| format!("not a faasguard JSON report: {e}"))?;
        if result.format_version != crate::report::json::FORMAT_VERSION {
            return Err(format!(
                "JSON report format_version {} is not supported (this faasguard reads {})",
                result.format_version,
                crate::report::json::FORMAT_VERSION
            ));
        }
        Ok(result)
    }

    /// The JSON report of a scan, read back.
    pub fn from_outcome(outcome: &crate::scan::Outcome) -> Result<ScanResult, String> {
        let value =
            serde_json::to_value(crate::report::json::build(outcome)).map_err(|e| e.to_string())?;
        serde_json::from_value(value).map_err(|e| e.to_string())
    }
}

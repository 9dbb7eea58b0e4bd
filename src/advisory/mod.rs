//! Dependency advisories: the advisory data (OSV JSON, OSV `all.zip`
//! archives, the RustSec advisory-db), version matching with each
//! ecosystem's own rules, the local database cache (`faasguard db update`)
//! and the OSV API (`--online`).

pub(crate) mod cvss;
pub mod db;
mod eval;
pub(crate) mod osv;
pub(crate) mod rustsec;
pub mod version;

pub use db::{Database, DbError, LoadWarning, Match, Metadata};

use crate::lockfile::Ecosystem;
use crate::rule::Severity;
use version::VersionReq;

/// One advisory, from OSV or RustSec, in one shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Advisory {
    /// `RUSTSEC-2021-0001`, `GHSA-xxxx-xxxx-xxxx`, `PYSEC-2020-1`.
    pub id: String,
    /// Other ids of the same vulnerability (`CVE-...`, `GHSA-...`).
    pub aliases: Vec<String>,
    pub(crate) summary: String,
    /// From the CVSS vector when there is one, else the database's own
    /// severity (GitHub's `database_specific.severity`, RustSec
    /// `informational` → low), else medium.
    pub severity: Severity,
    /// Where `severity` came from: a default says nothing, so when several
    /// advisories describe one vulnerability a graded one wins over it.
    pub severity_source: SeveritySource,
    /// The CVSS vector, as written.
    pub cvss: Option<String>,
    /// RustSec informational kinds (`unmaintained`, `unsound`, `notice`):
    /// reported at low severity, not hidden.
    pub informational: Option<String>,
    /// The packages and versions it affects (OSV `affected`).
    pub affected: Vec<Affected>,
    /// Where to read more (the advisory page).
    pub url: String,
    /// Withdrawn advisories never match.
    pub withdrawn: bool,
    /// `modified` as written (RFC 3339), for choosing between duplicates.
    pub modified: Option<String>,
}

/// Where an advisory's severity came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeveritySource {
    /// A CVSS v3 base score.
    Cvss,
    /// The database's own grade (GitHub's `database_specific.severity`).
    Database,
    /// A RustSec informational advisory (always low).
    Informational,
    /// Nothing to go by: medium.
    Default,
}

/// The versions of one package an advisory affects.
#[derive(Clone, Debug, PartialEq)]
pub struct Affected {
    /// The package's ecosystem (OSV `package.ecosystem`).
    pub ecosystem: Ecosystem,
    /// Normalised with [`Ecosystem::normalize`].
    pub name: String,
    /// OSV `ranges` (SEMVER and ECOSYSTEM; GIT ranges are kept but never match).
    pub ranges: Vec<Range>,
    /// Explicit affected versions (OSV `versions`).
    pub versions: Vec<String>,
    /// RustSec's native form, when the advisory came from a RustSec
    /// `.md` file: the versions that are *not* affected. Kept as written
    /// rather than turned into ranges, because Cargo's requirement rules
    /// (prereleases, `^0.x`) do not map one-to-one onto OSV events.
    pub rustsec: Option<RustsecVersions>,
}

/// RustSec `[versions]`: a version is affected unless it matches one of
/// these requirements.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RustsecVersions {
    pub(crate) patched: Vec<VersionReq>,
    pub(crate) unaffected: Vec<VersionReq>,
}

/// An OSV range: events in the range's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    pub(crate) kind: RangeKind,
    /// The range's events as OSV lists them: a version is affected from an `introduced` up to the
    /// next `fixed` (excluded) or `last_affected` (included).
    pub events: Vec<Event>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RangeKind {
    Semver,
    Ecosystem,
    /// Commit ranges: never match a version.
    Git,
}

/// One OSV range event, with its version as written (`0` for "from the first version").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// `introduced`: affected from this version on.
    Introduced(String),
    /// `fixed`: no longer affected from this version on.
    Fixed(String),
    /// `last_affected`: the last affected version.
    LastAffected(String),
    /// `limit`: an upper bound on the range (a branch's end).
    Limit(String),
}

pub mod fetch;
pub mod online;

/// The severity of an advisory, in the order of trust: a CVSS v3 or v4 base
/// score; else the database's own grade (GitHub's `LOW`/`MODERATE`/`HIGH`/
/// `CRITICAL`); else medium. RustSec informational advisories are low
/// whatever else they say: they warn, they do not describe an exploit.
pub(crate) fn grade(
    cvss: Option<&str>,
    database_severity: Option<&str>,
    informational: bool,
) -> (Severity, SeveritySource) {
    if informational {
        return (Severity::Low, SeveritySource::Informational);
    }
    if let Some(score) = cvss.and_then(|v| cvss::base_score(v).ok()) {
        return (cvss::severity_of(score), SeveritySource::Cvss);
    }
    let graded = match database_severity
        .map(|s| s.trim().to_ascii_uppercase())
        .as_deref()
    {
        Some("LOW") => Severity::Low,
        Some("MODERATE" | "MEDIUM") => Severity::Medium,
        Some("HIGH") => Severity::High,
        Some("CRITICAL") => Severity::Critical,
        _ => return (Severity::Medium, SeveritySource::Default),
    };
    (graded, SeveritySource::Database)
}

/// The advisory's own page: RustSec's site for RustSec ids, osv.dev for
/// ids osv.dev publishes, else the record's ADVISORY reference.
pub(crate) fn advisory_url(id: &str, advisory_reference: Option<&str>) -> String {
    if id.starts_with("RUSTSEC-") {
        return format!("https://rustsec.org/advisories/{id}.html");
    }
    // Prefixes of the databases osv.dev aggregates.
    const OSV_PREFIXES: [&str; 9] = [
        "GHSA-", "PYSEC-", "GO-", "OSV-", "MAL-", "CVE-", "GSD-", "RUSTSEC-", "UVI-",
    ];
    if OSV_PREFIXES.iter().any(|p| id.starts_with(p)) {
        return format!("https://osv.dev/vulnerability/{id}");
    }
    advisory_reference
        .map(str::to_string)
        .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_in_order_of_trust() {
        let v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
        use SeveritySource::*;
        assert_eq!(
            grade(Some(v3), Some("LOW"), false),
            (Severity::Critical, Cvss)
        );
        assert_eq!(
            grade(None, Some("MODERATE"), false),
            (Severity::Medium, Database)
        );
        assert_eq!(grade(None, Some("HIGH"), false), (Severity::High, Database));
        assert_eq!(
            grade(Some("CVSS:4.0/AV:N"), Some("critical"), false),
            (Severity::Critical, Database)
        );
        assert_eq!(
            grade(None, Some("unknown"), false),
            (Severity::Medium, Default)
        );
        assert_eq!(grade(None, None, false), (Severity::Medium, Default));
        assert_eq!(grade(Some(v3), None, true), (Severity::Low, Informational));
    }

    #[test]
    fn urls() {
        assert_eq!(
            advisory_url("RUSTSEC-2020-0019", None),
            "https://rustsec.org/advisories/RUSTSEC-2020-0019.html"
        );
        assert_eq!(
            advisory_url("PYSEC-2017-24", Some("https://x")),
            "https://osv.dev/vulnerability/PYSEC-2017-24"
        );
        assert_eq!(
            advisory_url("ACME-1", Some("https://acme.example/1")),
            "https://acme.example/1"
        );
    }
}

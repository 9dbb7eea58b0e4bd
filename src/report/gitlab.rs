//! GitLab SAST report (`gl-sast-report.json`, schema 15.0.x): what a
//! `artifacts:reports:sast` job uploads so merge requests and the
//! vulnerability report show faasguard's findings.
//!
//! Only standing findings are reported: GitLab has no notion of a finding
//! accepted in the source, and listing suppressed ones would reopen them.
//! With `--baseline-commit`, only new ones (unless `--show-unchanged`).
//! Each vulnerability's `id` is a UUID derived from the finding's
//! content-based fingerprint, so GitLab tracks it across pipelines the way
//! code scanning tracks SARIF's `primaryLocationLineHash`.

use serde_json::{json, Value};

use super::{locate, Located};
use crate::outcome::Outcome;
use crate::rule::Severity;

/// The report schema version written (GitLab 15.x–17.x accept 15.0.x).
pub const SCHEMA_VERSION: &str = "15.0.7";

/// When the scan ran, as GitLab wants it (`YYYY-MM-DDTHH:MM:SS`, UTC).
#[derive(Clone, Debug)]
pub struct Times {
    /// When the scan started.
    pub start: String,
    /// When it ended (when the report was rendered).
    pub end: String,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

pub(crate) fn build(outcome: &Outcome, times: &Times) -> Value {
    // With --baseline-commit, the change's own findings (all of them with
    // --show-unchanged): the merge request's list is what it adds.
    let vulnerabilities: Vec<Value> = locate(outcome)
        .iter()
        .filter(|l| {
            outcome
                .pr
                .as_ref()
                .is_none_or(|p| p.show_unchanged || p.is_new(l.finding))
        })
        .map(vulnerability)
        .collect();
    let failed = outcome.diagnostics.iter().any(|d| d.code == "policy-error");
    let tool = json!({
        "id": "faasguard",
        "name": "faasguard",
        "version": env!("CARGO_PKG_VERSION"),
        "vendor": {"name": "faasguard"},
    });
    let mut scanner = tool.clone();
    scanner["url"] = json!("https://github.com/faasguard/faasguard");
    json!({
        "version": SCHEMA_VERSION,
        "scan": {
            "analyzer": tool,
            "scanner": scanner,
            "type": "sast",
            "start_time": times.start,
            "end_time": times.end,
            "status": if failed { "failure" } else { "success" },
        },
        "vulnerabilities": vulnerabilities,
    })
}

fn vulnerability(l: &Located<'_>) -> Value {
    let f = l.finding;
    let title = l.rule.map_or(f.rule_id.as_str(), |r| r.meta.title.as_str());
    let mut identifiers = vec![json!({
        "type": "faasguard_rule_id",
        "name": format!("faasguard {}", f.rule_id),
        "value": f.rule_id,
    })];
    if let Some(d) = f.dependency.as_deref() {
        identifiers.push(advisory_identifier(&d.advisory, &d.url));
        identifiers.extend(d.aliases.iter().map(|a| advisory_identifier(a, "")));
    }
    let mut v = json!({
        "id": uuid(&format!("{}\u{0}{}", f.rule_id, f.fingerprint)),
        "name": truncate(&format!("{} ({})", title, f.rule_id), 255),
        "description": f.message,
        "severity": severity(f.severity),
        "location": {
            "file": l.file,
            "start_line": l.start.line,
            "end_line": l.end.line.max(l.start.line),
        },
        "identifiers": identifiers,
    });
    if let Some(rule) = l.rule {
        let fix = f.remediation(rule);
        if !fix.is_empty() {
            v["solution"] = json!(fix);
        }
    }
    if let Some(res) = &f.resource {
        // GitLab shows `class` with the location: the resource is the
        // closest thing an IaC template has.
        v["location"]["class"] = json!(res);
    }
    v
}

/// An advisory id as an identifier of GitLab's own types where it has one.
fn advisory_identifier(id: &str, url: &str) -> Value {
    let kind = match id.split('-').next().unwrap_or("") {
        "CVE" => "cve",
        "GHSA" => "ghsa",
        "CWE" => "cwe",
        _ => "osv",
    };
    let mut v = json!({"type": kind, "name": id, "value": id});
    if !url.is_empty() {
        v["url"] = json!(url);
    }
    v
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    s.chars().take(max - 1).chain(['…']).collect()
}

/// A UUID (version 8, "custom") from two FNV-1a hashes of `key`: stable
/// for the same finding, without a hashing dependency.
fn uuid(key: &str) -> String {
    let fnv = |seed: u64| {
        key.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let hi = fnv(0xcbf2_9ce4_8422_2325);
    let lo = fnv(0x6c62_272e_07bb_0142);
    // Version 8 and the RFC 9562 variant bits.
    let hi = (hi & !0xf000) | 0x8000;
    let lo = (lo & !(0xc000 << 48)) | (0x8000 << 48);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// The outcome as a GitLab SAST report (`gl-sast-report.json`), pretty-printed with a final
/// newline.
pub fn render(outcome: &Outcome, times: &Times) -> String {
    let mut s =
        serde_json::to_string_pretty(&build(outcome, times)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_version_8_uuids() {
        let a = uuid("FG-IAM-001\u{0}0123456789abcdef");
        assert_eq!(a, uuid("FG-IAM-001\u{0}0123456789abcdef"));
        assert_ne!(a, uuid("FG-IAM-002\u{0}0123456789abcdef"));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "{a}");
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{a}");
    }

    #[test]
    fn long_names_are_cut_to_255_characters() {
        let s = "é".repeat(300);
        let t = truncate(&s, 255);
        assert_eq!(t.chars().count(), 255);
        assert!(t.ends_with('…'));
    }
}

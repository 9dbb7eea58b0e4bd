//! The JSON report has one type (`report::json::Report`): every report a
//! scan writes reads back into it and writes out again byte for byte, so the
//! audit reports and `merge`, which read it, lose nothing a scan wrote.

use std::path::{Path, PathBuf};

use faasguard::report::json::Report;

use crate::common;

fn dirs(under: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(under)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for d in entries {
        if depth > 1 {
            dirs(&d, depth - 1, out);
        }
        out.push(d);
    }
}

fn assert_round_trip(what: &str, json: &str) {
    let report = Report::from_json(json).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(
        report.to_json(),
        json,
        "{what}: the report changed on its way through Report"
    );
}

#[test]
fn every_fixture_report_round_trips_through_the_report_type() {
    let mut all = Vec::new();
    dirs(&common::root().join("fixtures"), 1, &mut all);
    assert!(all.len() > 15, "only {} fixture directories", all.len());
    let mut findings = 0;
    for dir in &all {
        let outcome = common::scan_with(&common::settings(&[dir]));
        findings += outcome.findings.len() + outcome.suppressed.len();
        let json = faasguard::report::json::render(&outcome);
        assert_round_trip(&dir.display().to_string(), &json);
    }
    assert!(findings > 500, "only {findings} findings");
}

/// Dependency facts, a baseline, suppressions and the fixes only appear with
/// command-line options: the binary's report, with them.
#[test]
fn a_report_with_advisories_and_a_baseline_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("baseline.json");
    let out = crate::cli::faasguard()
        .current_dir(common::root())
        .args(["baseline", "create", "fixtures/demo", "--output"])
        .arg(&baseline)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = crate::cli::faasguard()
        .current_dir(common::root())
        .args([
            "scan",
            "fixtures/demo",
            "fixtures/deps",
            "--advisory-db",
            "fixtures/deps/advisory-db",
            "--format",
            "json",
            "--baseline",
        ])
        .arg(&baseline)
        .output()
        .expect("runs");
    let json = String::from_utf8(out.stdout).expect("utf-8");
    let report = Report::from_json(&json).expect("report");
    assert!(report.baseline.as_ref().is_some_and(|b| b.matched > 0));
    assert!(report
        .suppressed
        .iter()
        .any(|s| s.finding.rule_id.starts_with("FG-IAM")));
    assert!(report.findings.iter().any(|f| f.dependency.is_some()));
    assert!(report.dependencies.as_ref().is_some_and(|d| d.checked));
    assert_round_trip("demo and deps with a baseline", &json);
}

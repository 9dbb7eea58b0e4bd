//! Data residency across files: a `samconfig.toml` beside a template sets the
//! region the template deploys to, and FG-RES-001 points into the samconfig
//! file when that region is not allowed. (The rule's single-file cases are in
//! `fixtures/rules/FG-RES-001/`.)

use crate::common;

/// (file name, line) of every FG-RES-001 finding for a scan of
/// `fixtures/residency/<dir>` with the given allowed regions.
fn residency_findings(dir: &str, allowed: &[&str]) -> Vec<(String, u32)> {
    let path = common::root().join("fixtures/residency").join(dir);
    let mut settings = common::settings(&[&path]);
    settings.allowed_regions = allowed.iter().map(|s| s.to_string()).collect();
    let outcome = common::scan_with(&settings);
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    outcome
        .findings
        .iter()
        .filter(|f| f.rule_id == "FG-RES-001")
        .map(|f| {
            let source = outcome
                .sources
                .get(f.span.file)
                .expect("finding's file is known");
            let name = source
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string());
            (name.unwrap_or_default(), source.line_col(f.span.start).line)
        })
        .collect()
}

#[test]
fn samconfig_region_outside_the_allowed_group_is_reported_at_its_line() {
    assert_eq!(
        residency_findings("us-east-1", &["eu"]),
        vec![("samconfig.toml".to_string(), 5)]
    );
}

#[test]
fn samconfig_region_inside_the_allowed_set_is_not_reported() {
    assert_eq!(residency_findings("eu-west-1", &["eu"]), vec![]);
    assert_eq!(
        residency_findings("us-east-1", &["eu", "us-east-1"]),
        vec![]
    );
    assert_eq!(residency_findings("us-east-1", &["US"]), vec![]);
}

#[test]
fn residency_is_not_checked_without_allowed_regions() {
    assert_eq!(residency_findings("us-east-1", &[]), vec![]);
}

//! SARIF output validated against the official SARIF 2.1.0 schema and
//! GitHub code scanning's own requirements.

use crate::cli::faasguard;
use crate::common;

fn sarif_for(path: &str) -> serde_json::Value {
    sarif_with(path, &[])
}

fn sarif_with(path: &str, extra: &[&str]) -> serde_json::Value {
    let out = faasguard()
        .current_dir(common::root())
        .args(["scan", path, "--format", "sarif"])
        .args(extra)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout).expect("sarif is json")
}

/// The dependency fixture scanned against its pinned advisory database.
fn deps_sarif(threads: &str) -> serde_json::Value {
    sarif_with(
        "fixtures/deps",
        &[
            "--advisory-db",
            "fixtures/deps/advisory-db",
            "--threads",
            threads,
        ],
    )
}

/// The official SARIF 2.1.0 schema, from `../shared/schemas` (a test that
/// calls it is ignored, visibly, without `../shared`: see `src/shared.rs`).
pub(crate) fn schema() -> serde_json::Value {
    let path = faasguard::shared::path("schemas/sarif-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // The published schema has a pattern with a stray `]` that strict
    // validators reject (see shared/schemas/README.md).
    let text = text.replace(
        r#"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$"#,
        r#"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$"#,
    );
    serde_json::from_str(&text).expect("schema is json")
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn sarif_matches_the_official_schema() {
    let schema = schema();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let runs = [
        ("fixtures/demo", sarif_for("fixtures/demo")),
        ("fixtures/rules", sarif_for("fixtures/rules")),
        // Dependency findings with per-advisory rules.
        ("fixtures/deps", deps_sarif("1")),
        // In-source suppressions, wrong ones as notifications, FG-GOV-001.
        ("fixtures/suppress", sarif_for("fixtures/suppress")),
        // Baseline matches as external suppressions.
        ("a baseline", crate::baseline::baseline_sarif()),
    ];
    for (path, sarif) in runs {
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{path}: {errors:#?}");
    }
}

#[test]
fn sarif_meets_github_code_scanning_rules() {
    for sarif in [sarif_for("fixtures/demo"), deps_sarif("1")] {
        meets_github_rules(&sarif);
    }
}

fn meets_github_rules(sarif: &serde_json::Value) {
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for r in rules {
        let sev = &r["properties"]["security-severity"];
        assert!(sev.is_string(), "security-severity must be a string: {r}");
        let score: f64 = sev.as_str().unwrap().parse().unwrap();
        assert!((0.0..=10.0).contains(&score));
        assert!(r["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(r["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        assert!(r["help"]["markdown"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        let tags = r["properties"]["tags"].as_array().unwrap();
        assert!(tags.iter().any(|t| t == "security"));
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        let hash = res["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        assert!(hash.len() > 8);
        let loc = &res["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            !uri.starts_with('/') && !uri.contains("://"),
            "relative uri: {uri}"
        );
        let region = &loc["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(region["endLine"].as_u64().unwrap() >= region["startLine"].as_u64().unwrap());
    }
    assert_eq!(run["columnKind"], "unicodeCodePoints");
}

#[test]
fn unparseable_files_are_tool_execution_notifications() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "AWSTemplateFormatVersion: x\nResources: [\n",
    )
    .unwrap();
    let out = faasguard()
        .current_dir(dir.path())
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let n = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "error");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "t.yaml"
    );
    assert!(n["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .is_some());
}

#[test]
fn findings_keep_their_fingerprint_when_lines_move() {
    let dir = tempfile::tempdir().unwrap();
    let body = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 901\n";
    let hash = |text: &str| {
        std::fs::write(dir.path().join("t.yaml"), text).unwrap();
        let out = faasguard()
            .current_dir(dir.path())
            .args(["scan", ".", "--format", "sarif"])
            .output()
            .unwrap();
        let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap().clone();
        let r = results
            .iter()
            .find(|r| r["ruleId"] == "FG-TMO-001")
            .unwrap()
            .clone();
        (
            r["partialFingerprints"]["primaryLocationLineHash"].clone(),
            r["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
        )
    };
    let (a, line_a) = hash(body);
    let (b, line_b) = hash(&format!("# a comment\n# another\n{body}"));
    assert_ne!(line_a, line_b);
    assert_eq!(a, b);
}

/// GitHub groups alerts by rule: each advisory is its own rule (named after
/// the faasguard rule that found it), so one alert group per advisory.
#[test]
fn dependency_findings_get_one_rule_per_advisory() {
    let sarif = deps_sarif("1");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique: {ids:?}");
    // The faasguard rules stay listed, the advisories follow in id order.
    assert!(ids.contains(&"FG-DEP-001") && ids.contains(&"FG-DEP-002"));
    assert_eq!(ids[ids.len() - 2..], ["PYSEC-2022-202", "PYSEC-2023-62"]);

    let jwt = &rules[ids.len() - 2];
    assert_eq!(jwt["name"], "FG-DEP-001");
    assert_eq!(
        jwt["shortDescription"]["text"],
        "PyJWT is a Python implementation of RFC 7519."
    );
    assert_eq!(
        jwt["helpUri"],
        "https://osv.dev/vulnerability/PYSEC-2022-202"
    );
    assert_eq!(
        jwt["properties"]["tags"],
        serde_json::json!(["security", "dependency", "vulnerability", "CVE-2022-29217"])
    );
    assert_eq!(
        jwt["properties"]["aliases"],
        serde_json::json!(["CVE-2022-29217", "GHSA-ffqj-6fqr-9h24"])
    );
    assert_eq!(
        jwt["relationships"][0]["target"],
        serde_json::json!({"id": "FG-DEP-001"})
    );
    assert!(jwt["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("| pyjwt | PyPI | 2.4.0 |"));

    let results = run["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "PYSEC-2022-202")
        .expect("a result for pyjwt");
    assert_eq!(r["ruleIndex"], ids.len() - 2);
    assert_eq!(r["level"], jwt["defaultConfiguration"]["level"]);
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "fixtures/deps/app/requirements.txt"
    );
    assert_eq!(
        loc["region"],
        serde_json::json!({"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 13})
    );
    assert_eq!(r["properties"]["faasguardRule"], "FG-DEP-001");
    assert_eq!(
        r["properties"]["functions"],
        serde_json::json!(["ApiFunction"])
    );
    // No result reports under the generic rule when it has an advisory.
    assert!(results.iter().all(|r| r["ruleId"] != "FG-DEP-001"));
}

#[test]
fn dependency_sarif_is_deterministic() {
    assert_eq!(deps_sarif("1"), deps_sarif("2"));
}

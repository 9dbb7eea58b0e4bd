//! The rule registry (`src/registry.rs`) holds every rule, the Rust ones
//! (`FG-DEP-001/002`, `FG-GOV-001`) included, and everything that lists
//! rules reads it: ids are unique, areas known, docs complete, references
//! come from one place, fixtures exist, and `rules`, `explain`, SARIF and the
//! JSON report (which the audit reports read) list the same rules.

use std::collections::BTreeSet;

use faasguard::registry::{self, Registry};
use faasguard::rule::{self, Rule};

use crate::cli::faasguard;
use crate::common;

fn builtin() -> Registry {
    let engine = faasguard::scan::load_engine(&faasguard::scan::Settings::default())
        .expect("built-in policies load");
    Registry::new(&engine).expect("registry")
}

/// The doc block sections every rule has (what `explain` prints).
const SECTIONS: [&str; 5] = [
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "References",
];

/// Files under `dir` (recursively) whose name ends with `ext`, as paths
/// relative to the crate root with `/`.
fn files(dir: &str, ext: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![common::root().join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("reads").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(ext) {
                let rel = p.strip_prefix(common::root()).expect("under root");
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

#[test]
fn ids_are_unique_areas_known_and_docs_complete() {
    let registry = builtin();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for r in registry.rules() {
        let id = &r.meta.id;
        if !seen.insert(id.clone()) {
            problems.push(format!("{id} is registered twice"));
        }
        if !rule::known_area(&r.meta.area) {
            problems.push(format!("{id}: area {} is not in rule::AREAS", r.meta.area));
        }
        if !id.starts_with(&format!("FG-{}-", r.meta.area)) {
            problems.push(format!(
                "{id}: the id does not name its area {}",
                r.meta.area
            ));
        }
        if !rule::validate(&r.meta).is_empty() {
            problems.push(format!("{id}: {:?}", rule::validate(&r.meta)));
        }
        for s in SECTIONS {
            if rule::section(&r.doc, s).is_empty() {
                problems.push(format!("{id} ({}): no `## {s}` section", r.source));
            }
        }
        if !r.builtin {
            problems.push(format!("{id}: a built-in rule marked as user-supplied"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The Rust rules are there, with the same shape as the Rego ones.
    for (id, source, area) in [
        ("FG-DEP-001", "policies/dep/vulnerable_package.md", "DEP"),
        ("FG-DEP-002", "policies/dep/unmaintained_package.md", "DEP"),
        (
            "FG-GOV-001",
            "policies/gov/inline_suppression_forbidden.md",
            "GOV",
        ),
    ] {
        let r = registry.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!((r.source.as_str(), r.meta.area.as_str()), (source, area));
    }
    // Case does not matter when asking for a rule.
    assert_eq!(
        registry.get("fg-gov-001").map(|r| r.meta.id.as_str()),
        Some("FG-GOV-001")
    );
}

/// The files under `policies/` and the registry agree: every rule policy is
/// a rule, every Markdown document is a native rule, and nothing else is.
#[test]
fn every_policy_file_is_a_registered_rule() {
    let registry = builtin();
    let sources: BTreeSet<String> = registry.rules().iter().map(|r| r.source.clone()).collect();
    let mut expected: BTreeSet<String> = files("policies", ".rego")
        .into_iter()
        .filter(|p| !p.ends_with("/lib.rego"))
        .collect();
    let documents = files("policies", ".md");
    let native: BTreeSet<String> = registry::native_paths().map(str::to_string).collect();
    assert_eq!(
        documents, native,
        "policies/**/*.md and registry::NATIVE differ"
    );
    expected.extend(documents);
    assert_eq!(sources, expected);
    assert_eq!(registry.rules().len(), 104);
}

/// A rule's references live in its doc block's `## References` section
/// only: no built-in policy repeats them in `metadata.references`, and the
/// registry's list is the section's.
#[test]
fn references_come_from_the_doc_section_only() {
    for path in files("policies", ".rego") {
        let text = std::fs::read_to_string(common::root().join(&path)).expect("reads");
        assert!(
            !text.contains("\"references\""),
            "{path}: list references in the `## References` doc section, not in metadata"
        );
    }
    for r in builtin().rules() {
        let listed = rule::section_items(&r.doc, "References");
        assert!(!listed.is_empty(), "{}: no references", r.meta.id);
        assert_eq!(r.meta.references, listed, "{}", r.meta.id);
        for reference in &listed {
            let local = common::root().join(reference);
            assert!(
                reference.starts_with("https://") || local.exists(),
                "{}: `{reference}` is neither an https URL nor a file of the repository",
                r.meta.id
            );
        }
    }
}

/// Where each rule's fixtures are: `fixtures/rules/<ID>/{pass,fail}*` for
/// policies (checked position by position in `rule_fixtures.rs`),
/// `fixtures/native/<ID>/{pass,fail}/` for the Rust rules (checked below).
#[test]
fn every_rule_has_passing_and_failing_fixtures() {
    let mut problems = Vec::new();
    for r in builtin().rules() {
        let id = &r.meta.id;
        if r.source.ends_with(".md") {
            for kind in ["pass", "fail"] {
                let dir = common::root().join("fixtures/native").join(id).join(kind);
                if !dir.is_dir() {
                    problems.push(format!("{id}: no {}", dir.display()));
                }
            }
            continue;
        }
        let dir = common::root().join("fixtures/rules").join(id);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        for kind in ["pass", "fail"] {
            if !names.iter().any(|n| n.starts_with(kind)) {
                problems.push(format!("{id}: no {kind}* fixture in {}", dir.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `file:line:col-line:col` of a JSON report's findings of `rule`.
fn positions(report: &serde_json::Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| {
            format!(
                "{}:{}:{}-{}:{}",
                f["file"].as_str().unwrap_or(""),
                f["start"]["line"],
                f["start"]["column"],
                f["end"]["line"],
                f["end"]["column"]
            )
        })
        .collect()
}

/// The Rust rules from real scans of their fixtures: exact positions in the
/// failing folder, nothing in the passing one.
#[test]
fn native_rules_fire_on_their_failing_fixtures_only() {
    let cases: [(&str, &[&str]); 3] = [
        (
            "FG-DEP-001",
            &["fixtures/native/FG-DEP-001/fail/fn/Cargo.lock:13:1-13:22"],
        ),
        (
            "FG-DEP-002",
            &["fixtures/native/FG-DEP-002/fail/fn/Cargo.lock:13:1-13:19"],
        ),
        (
            "FG-GOV-001",
            &["fixtures/native/FG-GOV-001/fail/template.yaml:6:3-6:73"],
        ),
    ];
    for (id, want) in cases {
        for kind in ["fail", "pass"] {
            let dir = format!("fixtures/native/{id}/{kind}");
            let (code, report) = common::json_run(
                &[
                    "scan",
                    &dir,
                    "--format",
                    "json",
                    "--advisory-db",
                    "fixtures/native/advisory-db",
                ],
                &[],
            );
            let got = positions(&report, id);
            let want: Vec<String> = if kind == "fail" {
                want.iter().map(|s| s.to_string()).collect()
            } else {
                Vec::new()
            };
            assert_eq!(got, want, "{dir}");
            if kind == "fail" {
                assert_eq!(code, Some(1), "{dir}");
            }
        }
    }
}

fn ids(rules: &[Rule]) -> Vec<String> {
    rules.iter().map(|r| r.meta.id.clone()).collect()
}

/// `rules`, `explain`, SARIF `tool.driver.rules` and the JSON report's
/// `rule_set` (what the audit reports read) all list the registry's rules.
#[test]
fn every_reader_lists_the_registry() {
    let registry = builtin();
    let in_order = ids(registry.rules());
    let mut sorted = in_order.clone();
    sorted.sort();

    let out = faasguard()
        .current_dir(common::root())
        .args(["rules", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let listed: Vec<&str> = listed.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(listed, sorted);

    let out = faasguard()
        .current_dir(common::root())
        .args(["rules"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let line = text
        .lines()
        .find(|l| l.starts_with("FG-GOV-001 "))
        .expect("FG-GOV-001 listed");
    assert!(
        line.starts_with(
            "FG-GOV-001  medium   In-source suppression where the configuration forbids them"
        ),
        "{line}"
    );
    assert!(
        line.ends_with("  policies/gov/inline_suppression_forbidden.md"),
        "{line}"
    );

    let out = faasguard()
        .current_dir(common::root())
        .args(["explain", "fg-dep-002"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.starts_with(
            "FG-DEP-002 Function ships an unmaintained or unsound package\n\
         severity: low   area: DEP   source: policies/dep/unmaintained_package.md\n\n\
         ## What it does\nReports packages that a RustSec informational advisory covers"
        ),
        "{text}"
    );
    // References are printed once, in their doc section.
    assert_eq!(
        text.matches("https://rustsec.org/categories/").count(),
        1,
        "{text}"
    );
    assert!(!text.contains("\nReferences:\n"), "{text}");

    let (_, sarif) = common::json_run(
        &[
            "scan",
            "fixtures/native/FG-GOV-001/fail",
            "--format",
            "sarif",
        ],
        &[],
    );
    let described: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(described, in_order);
    let gov = &sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "FG-GOV-001")
        .cloned()
        .expect("FG-GOV-001 described");
    assert_eq!(gov["name"], "InlineSuppressionForbidden");
    // Its only reference is a file of the repository: no `helpUri` (SARIF
    // wants an absolute URI there).
    assert!(gov.get("helpUri").is_none(), "{gov}");
    assert!(gov["help"]["text"]
        .as_str()
        .is_some_and(|t| t.ends_with("## References\n- docs/adr/0006-suppressions.md")));
    assert_eq!(
        gov["properties"]["tags"],
        serde_json::json!(["security", "gov"])
    );

    let (_, report) = common::json_run(
        &[
            "scan",
            "fixtures/native/FG-GOV-001/fail",
            "--format",
            "json",
        ],
        &[],
    );
    let in_report: Vec<&str> = report["rule_set"]["rules"]
        .as_array()
        .expect("rule_set.rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(in_report, in_order);
}

/// A user policy cannot take the id of a Rust rule.
#[test]
fn a_policy_may_not_claim_a_native_rule_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("mine.rego"),
        "# Mine\npackage faasguard.rules.custom.mine\n\nimport rego.v1\n\n\
         metadata := {\"id\": \"FG-DEP-001\", \"title\": \"t\", \"severity\": \"low\", \
         \"area\": \"DEP\", \"remediation\": \"r\"}\n\ndeny contains x if { false; x := 1 }\n",
    )
    .expect("writes");
    let policy = dir.path().join("mine.rego");
    let out = faasguard()
        .current_dir(common::root())
        .args(["rules", "--policy"])
        .arg(&policy)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!(
            "error: rule id FG-DEP-001 is declared by both {} and policies/dep/vulnerable_package.md",
            policy.display()
        ),
    );
}

//! CI integrations: JUnit and GitHub annotation formats, `--shard`, `merge`.

use crate::cli::faasguard;
use crate::common;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = faasguard()
        .current_dir(common::root())
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

/// Tags balance and attributes are quoted: enough to catch broken XML.
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("tag closes");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap_or("").to_string());
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn junit_lists_every_rule_and_every_finding() {
    let (code, xml) = run(&["scan", "fixtures/demo", "--format", "junit"]);
    assert_eq!(code, Some(1));
    assert_well_formed(&xml);
    let (_, json) = run(&["scan", "fixtures/demo", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = report["findings"].as_array().unwrap().len();
    assert_eq!(xml.matches("<failure ").count(), findings);
    let (_, rules) = run(&["rules", "--format", "json"]);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&rules).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), rules.len());
    assert!(xml.contains(&format!("failures=\"{findings}\"")));
    assert!(
        !xml.contains("4eC39HqLyjWDarjtT1zdp7dcRb"),
        "secret leaked into JUnit"
    );
}

#[test]
fn github_annotations_carry_positions() {
    let (_, out) = run(&["scan", "fixtures/demo", "--format", "github"]);
    let line = out
        .lines()
        .find(|l| l.contains("FG-TMO-001") && l.contains("template.yaml"))
        .expect("an annotation for FG-TMO-001");
    assert!(
        line.starts_with(
            "::warning file=fixtures/demo/template.yaml,line=21,endLine=21,col=16,endColumn=20,"
        ),
        "{line}"
    );
    // A Terraform value set in tfvars is annotated there, with its variable.
    assert!(
        out.contains("::warning file=fixtures/demo/infra/terraform.tfvars,line=1,"),
        "{out}"
    );
    assert!(out.lines().all(|l| l.starts_with("::")));
    assert!(!out.contains("4eC39HqLyjWDarjtT1zdp7dcRb"));
}

#[test]
fn shards_partition_the_files_and_merge_restores_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (_, whole) = run(&["scan", "fixtures/rules", "--format", "json"]);
    let mut paths = Vec::new();
    let mut total = 0;
    for k in 1..=3 {
        let (_, part) = run(&[
            "scan",
            "fixtures/rules",
            "--format",
            "json",
            "--shard",
            &format!("{k}/3"),
        ]);
        let v: serde_json::Value = serde_json::from_str(&part).unwrap();
        total += v["summary"]["files_scanned"].as_u64().unwrap();
        let p = dir.path().join(format!("shard{k}.json"));
        std::fs::write(&p, part).unwrap();
        paths.push(p);
    }
    let whole: serde_json::Value = serde_json::from_str(&whole).unwrap();
    assert_eq!(total, whole["summary"]["files_scanned"].as_u64().unwrap());
    let mut args = vec!["merge".to_string()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, merged) = run(&args);
    assert_eq!(code, Some(0));
    let merged: serde_json::Value = serde_json::from_str(&merged).unwrap();
    assert_eq!(merged["findings"], whole["findings"]);
    assert_eq!(merged["summary"]["findings"], whole["summary"]["findings"]);
    // The scope adds up, so an audit report from the merged JSON is whole.
    assert_eq!(merged["scope"]["files"], whole["scope"]["files"]);
    assert_eq!(merged["scope"]["items"], whole["scope"]["items"]);
    assert_eq!(merged["rule_set"], whole["rule_set"]);
    // Merging a report with itself changes nothing.
    let (_, again) = run(&[
        "merge",
        &paths[0].display().to_string(),
        &paths[0].display().to_string(),
    ]);
    let again: serde_json::Value = serde_json::from_str(&again).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&paths[0]).unwrap()).unwrap();
    assert_eq!(again["findings"], first["findings"]);
}

#[test]
fn merged_sarif_keeps_every_result_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for k in 1..=2 {
        let (_, part) = run(&[
            "scan",
            "fixtures/rules",
            "--format",
            "sarif",
            "--shard",
            &format!("{k}/2"),
        ]);
        let p = dir.path().join(format!("s{k}.sarif"));
        std::fs::write(&p, part).unwrap();
        paths.push(p.display().to_string());
    }
    let (_, whole) = run(&["scan", "fixtures/rules", "--format", "sarif"]);
    let whole: serde_json::Value = serde_json::from_str(&whole).unwrap();
    let (code, merged) = run(&["merge", &paths[0], &paths[1], &paths[0]]);
    assert_eq!(code, Some(0));
    let merged: serde_json::Value = serde_json::from_str(&merged).unwrap();
    let count = |v: &serde_json::Value| v["runs"][0]["results"].as_array().unwrap().len();
    assert_eq!(count(&merged), count(&whole));
    for r in merged["runs"][0]["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            merged["runs"][0]["tool"]["driver"]["rules"][i]["id"],
            r["ruleId"]
        );
    }
}

#[test]
fn bad_shards_and_mixed_merges_exit_2() {
    faasguard()
        .args(["scan", "--shard", "0/2"])
        .assert()
        .code(2);
    faasguard()
        .args(["scan", "--shard", "3/2"])
        .assert()
        .code(2);
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.sarif");
    std::fs::write(&a, r#"{"format_version": 1, "findings": []}"#).unwrap();
    std::fs::write(&b, r#"{"runs": []}"#).unwrap();
    faasguard().arg("merge").arg(&a).arg(&b).assert().code(2);
}

#[test]
fn pre_commit_style_file_arguments_find_the_root_config() {
    // pre-commit runs from the repository root and passes staged files.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("infra")).unwrap();
    std::fs::write(
        dir.path().join("infra/template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 901\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".faasguard.toml"),
        "fail_on = \"critical\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.yaml"), "just: data\n").unwrap();
    faasguard()
        .current_dir(dir.path())
        .args(["scan", "infra/template.yaml", "notes.yaml"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("infra/template.yaml:6:16"));
}

/// The action's metadata is consistent: every input it reads is declared,
/// every run step names a shell, and the scan's exit code reaches the end.
#[test]
fn action_metadata_is_consistent() {
    use faasguard::parse::{yaml, Node};
    let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let doc = yaml::parse(&text, faasguard::source::FileId(0))
        .unwrap()
        .remove(0);
    assert!(doc.get("name").and_then(Node::as_str).is_some());
    assert!(doc.get("description").and_then(Node::as_str).is_some());
    let inputs = doc.get("inputs").and_then(Node::as_map).expect("inputs");
    for required in [
        "path",
        "config",
        "fail-on",
        "format",
        "output",
        "upload-sarif",
        "advisory-db",
        "category",
    ] {
        assert!(
            inputs.get(required).is_some(),
            "input {required} is declared"
        );
    }
    let runs = doc.get("runs").unwrap();
    assert_eq!(runs.get("using").and_then(Node::as_str), Some("composite"));
    for step in runs.get("steps").and_then(Node::as_seq).unwrap() {
        if step.get("run").is_some() {
            assert!(step.get("shell").is_some(), "run steps need a shell");
        }
    }
    let mut rest = text.as_str();
    while let Some(i) = rest.find("inputs.") {
        rest = &rest[i + 7..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-')
            .collect();
        assert!(
            inputs.get(&name).is_some(),
            "action reads undeclared input {name}"
        );
    }
    // The README's workflow example is the file CI lints.
    let example =
        std::fs::read_to_string(common::root().join("docs/examples/github-workflow.yml")).unwrap();
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let steps = example.split("    steps:\n").nth(1).expect("steps");
    assert!(
        readme.contains(steps.trim_end()),
        "README workflow example differs from docs/examples/github-workflow.yml"
    );
    let hooks = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks = yaml::parse(&hooks, faasguard::source::FileId(0))
        .unwrap()
        .remove(0);
    let hook = &hooks.as_seq().unwrap()[0];
    assert_eq!(hook.get("id").and_then(Node::as_str), Some("faasguard"));
    assert_eq!(hook.get("language").and_then(Node::as_str), Some("rust"));
}

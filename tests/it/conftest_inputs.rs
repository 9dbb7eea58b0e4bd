//! What conftest-style policies read besides templates: every file of a
//! Terraform module (called ones too), `.tfvars`, files named on the command
//! line whatever their name, data documents, and what is refused (files
//! outside the policy folders and scanned paths, conflicting data).

use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("dir");
    }
    std::fs::write(path, text).expect("write");
}

fn faasguard(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = assert_cmd::Command::cargo_bin("faasguard")
        .expect("binary")
        .current_dir(dir)
        .env("FAASGUARD_TODAY", "2026-11-23")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `file:line:col message` of each CONFTEST finding of a JSON report.
fn conftest_findings(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect("json");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap_or("").starts_with("CONFTEST-"))
        .map(|f| {
            format!(
                "{}:{}:{} {}",
                f["file"].as_str().unwrap_or(""),
                f["start"]["line"],
                f["start"]["column"],
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

const POLICY: &str = r#"package main

import rego.v1

deny contains sprintf("tfvars name %s", [input.name]) if input.name

deny contains sprintf("queue %s", [n]) if some n, _ in input.resource.aws_sqs_queue

deny contains sprintf("service %s listens on %d", [n, s.port]) if {
	some n
	some s in input.service[n]
	s.port == 80
}

deny contains "compilerOptions.strict is off" if input.compilerOptions.strict == false
"#;

#[test]
fn terraform_files_tfvars_and_named_files_are_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write(d, "policy/p.rego", POLICY);
    write(
        d,
        "infra/main.tf",
        "module \"m\" {\n  source = \"./mod\"\n}\n",
    );
    write(
        d,
        "infra/mod/queue.tf",
        "# a queue\nresource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n",
    );
    write(d, "infra/terraform.tfvars", "name = \"prod\"\n");
    write(d, "app.hcl", "\nservice \"web\" {\n  port = 80\n}\n");
    write(
        d,
        "tsconfig.json",
        "{\"compilerOptions\": {\"strict\": false}}\n",
    );
    let (code, out, err) = faasguard(
        d,
        &[
            "scan",
            "--format",
            "json",
            "-p",
            "policy",
            "infra",
            "app.hcl",
            "tsconfig.json",
        ],
    );
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        conftest_findings(&out),
        vec![
            "app.hcl:2:1 service web listens on 80",
            "infra/mod/queue.tf:2:1 queue jobs",
            "infra/terraform.tfvars:1:1 tfvars name prod",
            "tsconfig.json:1:1 compilerOptions.strict is off",
        ]
    );
    // Read for conftest policies, so not "not read".
    assert!(!err.contains("not read"), "{err}");
    // Without conftest policies, the named files are not read, as before.
    let (_, _, err) = faasguard(d, &["scan", "app.hcl"]);
    assert!(err.contains("app.hcl: not read"), "{err}");
    assert!(!err.contains("conftest"), "{err}");
}

#[test]
fn formats_faasguard_does_not_parse_say_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write(d, "policy/p.rego", POLICY);
    write(d, "Dockerfile", "FROM scratch\n");
    let (code, _, err) = faasguard(d, &["scan", "-p", "policy", "Dockerfile"]);
    assert_eq!(code, Some(0));
    assert!(
        err.contains("conftest-style policies see YAML, JSON and HCL files only"),
        "{err}"
    );
}

#[test]
fn data_files_in_policy_folders_and_conflicts() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write(
        d,
        "policy/p.rego",
        "package main\n\nimport rego.v1\n\ndeny contains \"banned\" if input.name in data.banned.names\n",
    );
    write(d, "policy/data.yaml", "banned:\n  names: [\"bad\"]\n");
    // Other YAML beside the policies is a fixture, not data.
    write(d, "policy/fixture.yaml", "banned: no\n");
    write(d, "input.json", "{\"name\": \"bad\"}\n");
    let (code, out, err) = faasguard(
        d,
        &["scan", "--format", "json", "-p", "policy", "input.json"],
    );
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(conftest_findings(&out), vec!["input.json:1:1 banned"]);
    write(d, "more/banned.json", "{\"banned\": {\"names\": \"x\"}}\n");
    let (code, _, err) = faasguard(d, &["scan", "-p", "policy", "-d", "more", "input.json"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        format!(
            "error: data files {} and {} both set `data.banned.names`\n",
            Path::new("policy").join("data.yaml").display(),
            Path::new("more").join("banned.json").display()
        )
    );
}

#[test]
fn policies_cannot_read_files_outside_their_folders() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write(d, "secret.yaml", "token: abc\n");
    write(
        d,
        "policy/p_test.rego",
        "package main\n\nimport rego.v1\n\ntest_reads_outside if {\n\tcfg := parse_config_file(\"../secret.yaml\")\n\tcfg.token == \"abc\"\n}\n",
    );
    let (code, out, _) = faasguard(d, &["policy", "test", "policy"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.starts_with("ERROR data.main.test_reads_outside (policy/p_test.rego): ")
            && out.contains("outside the policy folders and the scanned paths"),
        "{out}"
    );
}

#[test]
fn rules_lists_every_namespace_with_all_namespaces() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write(
        d,
        "policy/a.rego",
        "package team.a\n\nimport rego.v1\n\ndeny contains \"a\" if false\n",
    );
    let (_, out, _) = faasguard(d, &["rules", "-f", "json", "--policy", "policy"]);
    assert!(!out.contains("CONFTEST-team.a-deny"), "{out}");
    let (code, out, err) = faasguard(
        d,
        &[
            "rules",
            "-f",
            "json",
            "--policy",
            "policy",
            "--all-namespaces",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\"CONFTEST-team.a-deny\""), "{out}");
}

#[test]
fn shards_read_each_file_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write(d, "policy/p.rego", POLICY);
    for m in ["a", "b", "c", "d", "e"] {
        write(
            d,
            &format!("infra/{m}/main.tf"),
            &format!("resource \"aws_sqs_queue\" \"{m}\" {{\n}}\n"),
        );
        write(
            d,
            &format!("infra/{m}/terraform.tfvars"),
            &format!("name = \"{m}\"\n"),
        );
    }
    let scan = |shard: Option<&str>| {
        let mut args = vec!["scan", "--format", "json", "-p", "policy", "infra"];
        if let Some(s) = shard {
            args.extend(["--shard", s]);
        }
        conftest_findings(&faasguard(d, &args).1)
    };
    let mut all = scan(None);
    all.sort();
    assert_eq!(all.len(), 10, "{all:?}");
    let mut parts: Vec<String> = ["1/3", "2/3", "3/3"]
        .iter()
        .flat_map(|s| scan(Some(s)))
        .collect();
    parts.sort();
    assert_eq!(parts, all);
}

#[test]
fn a_folder_of_manifests_is_read_like_conftest_reads_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write(
        d,
        "policy/p.rego",
        "package main\n\nimport rego.v1\n\ndeny contains sprintf(\"%s %s\", [input.kind, input.metadata.name]) if input.kind\n",
    );
    write(
        d,
        "k8s/app.yaml",
        "kind: Deployment\nmetadata:\n  name: web\n---\nkind: Service\nmetadata:\n  name: web\n",
    );
    write(
        d,
        "k8s/cm.json",
        "{\"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"cfg\"}}\n",
    );
    // Tool configuration is never read.
    write(
        d,
        "k8s/package.json",
        "{\"kind\": \"npm\", \"metadata\": {\"name\": \"x\"}}\n",
    );
    let (code, out, err) = faasguard(d, &["scan", "--format", "json", "-p", "policy", "k8s"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        conftest_findings(&out),
        vec![
            "k8s/app.yaml:1:1 Deployment web",
            "k8s/app.yaml:5:1 Service web",
            "k8s/cm.json:1:1 ConfigMap cfg",
        ]
    );
}

#[test]
fn policies_on_non_iac_files_never_hold_a_detected_secret() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    write(
        d,
        "policy/p.rego",
        "package main\n\nimport rego.v1\n\ndeny contains base64.encode(v) if {\n\tsome v in input.data\n}\n",
    );
    write(
        d,
        "secret.yaml",
        &format!("kind: Secret\ndata:\n  aws_secret_access_key: {secret}\n"),
    );
    let (code, out, err) = faasguard(
        d,
        &["scan", "--format", "json", "-p", "policy", "secret.yaml"],
    );
    assert_eq!(code, Some(1), "{err}");
    let encoded = {
        // base64 of the secret, as the policy would give it.
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["findings"][0]["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(!encoded.is_empty());
    assert!(!out.contains(secret), "{out}");
    assert!(!out.contains("d0phbHJYVXRuRkVNSS9LN01ERU5H"), "{out}");
}

//! conftest compatibility: conftest's acceptance cases (its `acceptance.bats`
//! and `acceptance/*.bats`) for the formats faasguard parses, run through
//! faasguard against the policy folders of `tests/conftest-examples/`
//! (modelled on conftest's `examples/`, see its README). Each case asserts
//! conftest's exit code and its result messages, with where faasguard
//! points them. conftest exits 0 on warnings; faasguard reports them as
//! low-severity findings, so the cases that check that run with
//! `--fail-on medium` (docs/conftest.md).
//!
//! `conftest_repository_examples` runs the same cases against conftest's own
//! `examples/` when `FAASGUARD_CONFTEST_REPO` names a checkout.

use std::path::{Path, PathBuf};

/// `(rule, file:line:col, message)` of the conftest findings and of the
/// conftest exceptions of one run, with its exit code.
struct Run {
    code: Option<i32>,
    findings: Vec<(String, String, String)>,
    exceptions: Vec<(String, String, String)>,
    stderr: String,
    /// `level code file: message`, in report order.
    diagnostics: Vec<String>,
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&Path>) -> Run {
    let mut cmd = assert_cmd::Command::cargo_bin("faasguard").expect("binary");
    cmd.current_dir(dir)
        .env("FAASGUARD_TODAY", "2026-11-23")
        .args(["scan", "--format", "json", "--threads", "1"])
        .args(args);
    if let Some(file) = stdin {
        cmd.write_stdin(std::fs::read(file).expect("stdin file"));
    }
    let out = cmd.output().expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let pick = |key: &str| -> Vec<(String, String, String)> {
        v[key]
            .as_array()
            .expect("list")
            .iter()
            .filter(|f| f["rule_id"].as_str().unwrap_or("").starts_with("CONFTEST-"))
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap_or("").to_string(),
                    format!(
                        "{}:{}:{}",
                        f["file"].as_str().unwrap_or(""),
                        f["start"]["line"],
                        f["start"]["column"]
                    ),
                    f["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    Run {
        code: out.status.code(),
        findings: pick("findings"),
        exceptions: pick("suppressed"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        diagnostics: v["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                format!(
                    "{} {} {}: {}",
                    d["level"].as_str().unwrap_or(""),
                    d["code"].as_str().unwrap_or(""),
                    d["file"].as_str().unwrap_or(""),
                    d["message"].as_str().unwrap_or("")
                )
            })
            .collect(),
    }
}

fn examples() -> PathBuf {
    crate::common::root().join("tests/conftest-examples")
}

fn run(args: &[&str]) -> Run {
    run_in(&examples(), args, None)
}

fn f(rule: &str, at: &str, message: &str) -> (String, String, String) {
    (rule.to_string(), at.to_string(), message.to_string())
}

fn policy_test(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = assert_cmd::Command::cargo_bin("faasguard")
        .expect("binary")
        .current_dir(dir)
        .args(["policy", "test"])
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn kubernetes_warnings_do_not_fail_and_root_containers_do() {
    // "Not fail when testing a service with a warning".
    let r = run(&[
        "--fail-on",
        "medium",
        "-p",
        "kubernetes/policy",
        "kubernetes/service.yaml",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main-warn",
            "kubernetes/service.yaml:1:1",
            "Found service hello-kubernetes but services are not allowed"
        )]
    );
    // "Fail when testing a service with warnings" (`--fail-on-warn` is the
    // default `--fail-on low`).
    let r = run(&["-p", "kubernetes/policy", "kubernetes/service.yaml"]);
    assert_eq!(r.code, Some(1));
    // "Fail when testing a deployment with root containers"; the file is not
    // IaC, named on the command line, and read for conftest policies.
    let r = run(&["-p", "kubernetes/policy", "kubernetes/deployment.yaml"]);
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main-deny",
            "kubernetes/deployment.yaml:1:1",
            "Containers must not run as root in Deployment hello-kubernetes"
        )]
    );
    assert!(!r.stderr.contains("not read"), "{}", r.stderr);
    // "Multi-file tests correctly fail when last file is fine".
    let r = run(&[
        "--fail-on",
        "medium",
        "-p",
        "kubernetes/policy",
        "kubernetes/deployment.yaml",
        "kubernetes/service.yaml",
    ]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.findings.len(), 2);
    // "Pass when testing a blank namespace": nothing to evaluate, and the
    // file is then not read (the usual diagnostic says so).
    let r = run(&[
        "--namespace",
        "notpresent",
        "-p",
        "kubernetes/policy",
        "kubernetes/deployment.yaml",
    ]);
    assert_eq!(r.code, Some(0));
    assert!(r.findings.is_empty());
    assert!(r.stderr.contains("not read"), "{}", r.stderr);
}

#[test]
fn stdin_is_read_as_yaml() {
    // "when testing a YAML document via stdin, default parser should be yaml".
    let r = run_in(
        &examples(),
        &["--fail-on", "medium", "-p", "kubernetes/policy", "-"],
        Some(&examples().join("kubernetes/service.yaml")),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main-warn",
            "<stdin>:1:1",
            "Found service hello-kubernetes but services are not allowed"
        )]
    );
}

#[test]
fn hcl2_policies_read_terraform_in_conftest_shape() {
    // "Can parse hcl files": each result points at the block it names.
    let r = run(&["-p", "hcl2/policy", "hcl2/terraform.tf"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.findings,
        vec![
            f(
                "CONFTEST-main-deny",
                "hcl2/terraform.tf:1:1",
                "ASG `my-rule` defines a fully open ingress"
            ),
            f(
                "CONFTEST-main-deny",
                "hcl2/terraform.tf:6:1",
                "ALB `my-alb-listener` is using HTTP rather than HTTPS"
            ),
            f(
                "CONFTEST-main-deny",
                "hcl2/terraform.tf:11:1",
                "Azure disk `source` is not encrypted"
            ),
        ]
    );
}

#[test]
fn terraform_plan_json_with_a_single_rego_file() {
    // "Allow .rego files in the policy flag".
    let r = run(&["-p", "terraform/policy/base.rego", "terraform/plan.json"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main-deny",
            "terraform/plan.json:1:1",
            "Terraform plan will change prohibited resources in the following namespaces: google_iam, google_container"
        )]
    );
}

#[test]
fn data_documents_load_with_policies() {
    // "Can load data along with rego policies".
    let r = run(&[
        "-p",
        "data/policy",
        "-d",
        "data/exclusions",
        "data/service.yaml",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main-deny",
            "data/service.yaml:1:1",
            "Cannot expose port 22 on LoadBalancer. Denied ports: [22, 21]"
        )]
    );
    // Without the data the rule has nothing to compare.
    let r = run(&["-p", "data/policy", "data/service.yaml"]);
    assert_eq!(r.code, Some(0));
}

#[test]
fn exceptions_are_reported_as_suppressed() {
    // "Exceptions reported correctly": 1 failure, 1 exception.
    let r = run(&["-p", "exceptions/policy", "exceptions/deployments.yaml"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main-deny_run_as_root",
            "exceptions/deployments.yaml:1:1",
            "Containers must not run as root in Deployment cannot-run-as-root"
        )]
    );
    assert_eq!(
        r.exceptions,
        vec![f(
            "CONFTEST-main-deny_run_as_root",
            "exceptions/deployments.yaml:12:1",
            "Containers must not run as root in Deployment can-run-as-root"
        )]
    );
    let text = assert_cmd::Command::cargo_bin("faasguard")
        .expect("binary")
        .current_dir(examples())
        .args([
            "scan",
            "-p",
            "exceptions/policy",
            "exceptions/deployments.yaml",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.ends_with("1 finding (1 high) in 1 file, 1 exception\n"),
        "{text}"
    );
}

#[test]
fn exceptions_reach_sarif_as_external_suppressions() {
    let out = assert_cmd::Command::cargo_bin("faasguard")
        .expect("binary")
        .current_dir(examples())
        .args([
            "scan",
            "--format",
            "sarif",
            "-p",
            "exceptions/policy",
            "exceptions/deployments.yaml",
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let suppressed: Vec<&serde_json::Value> = v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppressions"],
        serde_json::json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "conftest exception \"run_as_root\" (data.main.exception)",
        }])
    );
}

#[test]
fn namespaces_select_packages_as_conftest() {
    // "Can parse nested files with name overlap (first)" and "(second)".
    for (ns, message) in [
        ("group1", "group1: debug must be off"),
        ("group2", "group2: 1 replica is not enough"),
    ] {
        let r = run(&["-p", "nested/policy", "--namespace", ns, "nested/data.json"]);
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert_eq!(
            r.findings,
            vec![f(
                &format!("CONFTEST-{ns}-deny"),
                "nested/data.json:1:1",
                message
            )]
        );
    }
    // "Can have multiple namespace flags": 2 failures.
    let r = run(&[
        "-p",
        "nested/policy",
        "--namespace",
        "group1",
        "--namespace",
        "group2",
        "nested/data.json",
    ]);
    assert_eq!(r.code, Some(1));
    assert_eq!(r.findings.len(), 2);
    // A glob, as conftest matches it (`.` is an ordinary character).
    let r = run(&[
        "-p",
        "nested/policy",
        "--namespace",
        "group?",
        "nested/data.json",
    ]);
    assert_eq!(r.findings.len(), 2);
    // "Test command with all namespaces flag".
    let r = run(&[
        "-p",
        "namespaces/policy",
        "--all-namespaces",
        "namespaces/deployment.yaml",
    ]);
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.findings,
        vec![
            f(
                "CONFTEST-images-deny",
                "namespaces/deployment.yaml:1:1",
                "unallowed image found [\"example/proxy:latest\"]"
            ),
            f(
                "CONFTEST-main.ports-deny",
                "namespaces/deployment.yaml:1:1",
                "privileged port found [443]"
            ),
        ]
    );
    // "Test command works with nested namespaces".
    let r = run(&[
        "-p",
        "namespaces/policy",
        "--namespace",
        "main.*",
        "namespaces/deployment.yaml",
    ]);
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main.ports-deny",
            "namespaces/deployment.yaml:1:1",
            "privileged port found [443]"
        )]
    );
    // A malformed glob is a usage error.
    let out = assert_cmd::Command::cargo_bin("faasguard")
        .expect("binary")
        .current_dir(examples())
        .args(["scan", "-p", "nested/policy", "--namespace", "group[1"])
        .arg("nested/data.json")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --namespace `group[1`: an unclosed `[` (a literal package name, or a glob with `*`, `?`, `[...]`)\n"
    );
}

#[test]
fn multiple_policy_folders() {
    // "Can have multiple policy flags": 2 failures.
    let r = run(&[
        "--policy",
        "multidir/org",
        "--policy",
        "multidir/team",
        "multidir/data.json",
    ]);
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.findings,
        vec![
            f(
                "CONFTEST-main-deny",
                "multidir/data.json:1:1",
                "org: an owner is required"
            ),
            f(
                "CONFTEST-main-deny",
                "multidir/data.json:1:1",
                "team: a cost centre is required"
            ),
        ]
    );
}

#[test]
fn combined_inputs() {
    // "Can combine yaml files" and "Combining multi-document yaml file has
    // same result": 1 failure, pointing at the file the message names.
    let r = run(&[
        "-p",
        "combine/policy",
        "combine/team.yaml",
        "combine/user1.yaml",
        "combine/user2.yaml",
        "--combine",
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main-deny",
            "combine/user2.yaml:1:1",
            "carol (combine/user2.yaml) is not a member of team core"
        )]
    );
    let r = run(&[
        "-p",
        "combine/policy",
        "combine/team.yaml",
        "combine/users.yaml",
        "--combine",
    ]);
    assert_eq!(r.code, Some(1));
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-main-deny",
            "combine/users.yaml:1:1",
            "carol (combine/users.yaml) is not a member of team core"
        )]
    );
}

#[test]
fn conftest_toml_is_read_when_asked() {
    // "Fail due to picking up settings from configuration file".
    let r = run_in(
        &examples().join("configfile"),
        &["--conftest-config", "conftest.toml", "deployment.yaml"],
        None,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(
        r.findings,
        vec![f(
            "CONFTEST-conftest-deny",
            "deployment.yaml:1:1",
            "Containers must not run as root"
        )]
    );
    // The unused key is a diagnostic of the scan: in the report, and on
    // stderr with the others.
    assert_eq!(
        r.diagnostics,
        vec![
            "warning conftest-config-ignored conftest.toml: `output` is a conftest setting \
             faasguard does not use; ignored"
        ],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("conftest.toml: `output` is a conftest setting"),
        "{}",
        r.stderr
    ); // `--config` is faasguard's own file: it says which flag reads conftest's.
    let out = assert_cmd::Command::cargo_bin("faasguard")
        .expect("binary")
        .current_dir(examples().join("configfile"))
        .args(["scan", "--config", "conftest.toml", "deployment.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: conftest.toml is conftest's configuration; read it with --conftest-config conftest.toml\n"
    );
}

#[test]
fn verify_runs_the_policy_tests() {
    // "Can verify rego tests".
    let (code, out) = policy_test(&examples(), &["kubernetes/policy"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.ends_with("4 passed, 0 failed\n"), "{out}");
    assert!(
        out.contains("PASS data.main.test_services_not_denied"),
        "{out}"
    );
    // parse_config and parse_config_file (relative to the policy's folder).
    let (code, out) = policy_test(&examples(), &["hcl2/policy"]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        out,
        "PASS data.main.test_blank_input (hcl2/policy/deny_test.rego)\n\
         PASS data.main.test_unencrypted_azure_disk (hcl2/policy/deny_test.rego)\n\
         PASS data.main.test_fails_with_http_alb (hcl2/policy/deny_test.rego)\n\
         3 passed, 0 failed\n"
    );
    // "Can load data in unit tests".
    let (code, out) = policy_test(&examples(), &["data/policy", "-d", "data/exclusions"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
    let (code, _) = policy_test(&examples(), &["data/policy"]);
    assert_eq!(code, Some(1));
}

/// The same acceptance cases against conftest's own `examples/` (exit codes
/// and the messages `acceptance.bats` checks): run with
/// `FAASGUARD_CONFTEST_REPO=/path/to/conftest cargo test --test it conftest_repository -- --ignored`.
#[test]
#[ignore = "needs a conftest checkout in FAASGUARD_CONFTEST_REPO"]
fn conftest_repository_examples() {
    let repo = PathBuf::from(
        std::env::var("FAASGUARD_CONFTEST_REPO").expect("FAASGUARD_CONFTEST_REPO is set"),
    );
    let has = |r: &Run, text: &str| r.findings.iter().any(|(_, _, m)| m.contains(text));
    let r = run_in(
        &repo,
        &[
            "--fail-on",
            "medium",
            "-p",
            "examples/kubernetes/policy",
            "examples/kubernetes/service.yaml",
        ],
        None,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = run_in(
        &repo,
        &[
            "-p",
            "examples/kubernetes/policy",
            "examples/kubernetes/deployment.yaml",
        ],
        None,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let r = run_in(
        &repo,
        &["-p", "examples/hcl2/policy", "examples/hcl2/terraform.tf"],
        None,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(has(
        &r,
        "ALB `my-alb-listener` is using HTTP rather than HTTP"
    ));
    let r = run_in(
        &repo,
        &[
            "-p",
            "examples/data/policy",
            "-d",
            "examples/data/exclusions",
            "examples/data/service.yaml",
        ],
        None,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(has(&r, "Cannot expose port"));
    let r = run_in(
        &repo,
        &[
            "-p",
            "examples/exceptions/policy",
            "examples/exceptions/deployments.yaml",
        ],
        None,
    );
    assert_eq!(
        (r.code, r.findings.len(), r.exceptions.len()),
        (Some(1), 1, 1)
    );
    for ns in ["group1", "group2"] {
        let r = run_in(
            &repo,
            &[
                "-p",
                "examples/nested/policy",
                "--namespace",
                ns,
                "examples/nested/data.json",
            ],
            None,
        );
        assert_eq!(r.code, Some(1), "{ns}: {}", r.stderr);
    }
    let r = run_in(
        &repo,
        &[
            "--policy",
            "examples/multidir/org",
            "--policy",
            "examples/multidir/team",
            "examples/multidir/data.json",
        ],
        None,
    );
    assert_eq!((r.code, r.findings.len()), (Some(1), 2), "{}", r.stderr);
    let r = run_in(
        &repo,
        &[
            "-p",
            "examples/combine/policy",
            "examples/combine/team.yaml",
            "examples/combine/users.yaml",
            "--combine",
        ],
        None,
    );
    assert_eq!((r.code, r.findings.len()), (Some(1), 1), "{}", r.stderr);
    let r = run_in(
        &repo.join("examples/configfile"),
        &["--conftest-config", "conftest.toml", "deployment.yaml"],
        None,
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(has(&r, "Containers must not run as root"));
    for (policy, data) in [
        ("examples/kubernetes/policy", None),
        ("examples/hcl2/policy", None),
        ("examples/data/policy", Some("examples/data/exclusions")),
    ] {
        let mut args = vec![policy];
        if let Some(d) = data {
            args.extend(["-d", d]);
        }
        let (code, out) = policy_test(&repo, &args);
        assert_eq!(code, Some(0), "{policy}: {out}");
    }
}

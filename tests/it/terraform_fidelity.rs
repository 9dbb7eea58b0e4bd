//! Terraform read as Terraform reads it, end to end through the binary:
//! `../` module sources from `.`, one finding per location naming every
//! module call, unknown `dynamic` blocks, large expansions, byte-order marks,
//! `faasguard model`, file counts, value locations, call cycles, the depth
//! bound, modules outside the repository, brackets in strings, duplicate
//! declarations, variables as parameters. Each test drives its own fixture
//! under `fixtures/terraform/` (or a rule fixture it names).

use std::path::Path;

use serde_json::{json, Value};

use crate::common::root;

/// Run the binary in `dir` (relative to the crate root) with `args`:
/// (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("faasguard").expect("binary");
    cmd.current_dir(root().join(dir))
        .args(args)
        .env("FAASGUARD_TODAY", "2026-11-23")
        .env("NO_COLOR", "1");
    let out = cmd.output().expect("run faasguard");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `scan ARGS --format json` from the crate root (or `dir`): exit code and report.
fn json_in(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run_in(dir, &all);
    let report =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (code, report)
}

fn json_scan(args: &[&str]) -> (Option<i32>, Value) {
    json_in(Path::new("."), args)
}

/// `rule file:line:col resource` of every finding.
fn places(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{} {}",
                f["rule_id"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["start"]["line"],
                f["start"]["column"],
                f["resource"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// `level code file:line:col message` of every diagnostic.
fn diagnostics(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {} {}:{}:{} {}",
                d["level"].as_str().unwrap_or(""),
                d["code"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
                d["start"]["line"],
                d["start"]["column"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn finding<'a>(report: &'a Value, rule: &str) -> &'a Value {
    let all = report["findings"].as_array().expect("findings");
    let mut of_rule = all.iter().filter(|f| f["rule_id"] == rule);
    let f = of_rule
        .next()
        .unwrap_or_else(|| panic!("no {rule}: {report:#}"));
    assert!(of_rule.next().is_none(), "more than one {rule}");
    f
}

#[test]
fn dotdot_module_source_is_followed_when_scanning_dot_in_a_module_root() {
    let (code, report) = json_in(Path::new("fixtures/terraform/module-root"), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(diagnostics(&report), Vec::<String>::new());
    assert_eq!(
        places(&report),
        [
            "FG-DEP-003 main.tf:1:1 module.fn.aws_lambda_function.this",
            "FG-RUN-001 main.tf:4:19 module.fn.aws_lambda_function.this"
        ]
    );
    assert_eq!(report["summary"]["files_scanned"], 4);
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn a_finding_in_a_module_called_from_several_roots_lists_every_call() {
    let calls = json!([
        {"file": "examples/complete/main.tf", "line": 2, "column": 1, "module": "module.lambda"},
        {"file": "examples/simple/main.tf", "line": 1, "column": 1, "module": "module.fn"},
    ]);
    let dir = Path::new("fixtures/terraform/module-root");
    let (_, report) = json_in(dir, &["."]);
    let f = finding(&report, "FG-RUN-001");
    assert_eq!(f["instantiated_by"], calls);
    // The runtime finding and the function's missing code signing (FG-DEP-003).
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(2));

    // Text: a note under the finding.
    let (_, text, _) = run_in(dir, &["scan", "."]);
    assert!(
        text.contains(
            "  = note: instantiated by module.lambda at examples/complete/main.tf:2:1, \
             module.fn at examples/simple/main.tf:1:1\n"
        ),
        "{text}"
    );

    // SARIF: relatedLocations, valid against the official schema.
    let (_, sarif, _) = run_in(dir, &["scan", ".", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).expect("sarif is json");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["relatedLocations"],
        json!([
            {
                "id": 0,
                "physicalLocation": {
                    "artifactLocation": {"uri": "examples/complete/main.tf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 2, "startColumn": 1},
                },
                "message": {"text": "instantiated by module.lambda"},
            },
            {
                "id": 1,
                "physicalLocation": {
                    "artifactLocation": {"uri": "examples/simple/main.tf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 1, "startColumn": 1},
                },
                "message": {"text": "instantiated by module.fn"},
            },
        ])
    );
    {
        let schema = crate::sarif::schema();
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn a_dynamic_block_whose_for_each_is_unknown_may_exist_so_rules_stay_silent() {
    let (code, report) = json_scan(&["fixtures/terraform/dynamic-unknown"]);
    assert_eq!(code, Some(1));
    // Only the call without a destination lacks one; the call passing a
    // queue's ARN (unknown until apply) is not reported.
    assert_eq!(
        places(&report),
        ["FG-DEP-003 fixtures/terraform/dynamic-unknown/modules/fn/main.tf:10:1 module.with_destination.aws_lambda_function.this", "FG-OBS-003 fixtures/terraform/dynamic-unknown/modules/fn/main.tf:10:1 module.without_destination.aws_lambda_function.this"]);
    assert_eq!(
        finding(&report, "FG-OBS-003")["instantiated_by"],
        json!([{"file": "fixtures/terraform/dynamic-unknown/main.tf", "line": 11, "column": 1, "module": "module.without_destination"}])
    );
}

#[test]
fn every_instance_of_a_large_expansion_is_evaluated_up_to_the_set_bound() {
    let (code, report) = json_scan(&["fixtures/terraform/many"]);
    assert_eq!(code, Some(1));
    assert_eq!(diagnostics(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["resources"], 2700);
    let run: Vec<&Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "FG-RUN-001")
        .collect();
    assert_eq!(run.len(), 1500);
    assert_eq!(
        run[1499]["resource"],
        "aws_lambda_function.each[\"fn-1499\"]"
    );

    let (code, report) = json_scan(&[
        "fixtures/terraform/many",
        "--max-expansion",
        "1000",
        "--strict",
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(report["summary"]["resources"], 1000);
    assert_eq!(
        diagnostics(&report),
        [
            "error expansion-limit fixtures/terraform/many/main.tf:2:11 aws_lambda_function.each: for_each has 1500 elements, over the limit of 1000 instances (--max-expansion); only the first 1000 are evaluated",
            "error expansion-limit fixtures/terraform/many/main.tf:19:19 aws_lambda_function.counted: count is 1200, over the limit of 1000 instances (--max-expansion); only the first 1000 are evaluated",
            "error resource-limit fixtures/terraform/many/main.tf:18:1 more than 1000 resource instances in this module tree (--max-expansion); the rest, from aws_lambda_function.counted on, are not evaluated",
        ]
    );
}

#[test]
fn byte_order_marks_are_accepted_in_tf_tfvars_and_tf_json() {
    let (code, report) = json_scan(&["fixtures/terraform/bom"]);
    assert_eq!(code, Some(1));
    assert_eq!(diagnostics(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["files_scanned"], 4);
    // The mark is a character of the first line: columns there count it.
    assert_eq!(
        places(&report),
        [
            "FG-DEP-003 fixtures/terraform/bom/extra.tf.json:4:7 aws_lambda_function.json",
            "FG-RUN-001 fixtures/terraform/bom/extra.tf.json:7:20 aws_lambda_function.json",
            "FG-DEP-003 fixtures/terraform/bom/main.tf:1:2 aws_lambda_function.fn",
            "FG-RUN-001 fixtures/terraform/bom/terraform.tfvars:1:12 aws_lambda_function.fn"
        ]
    );
}

#[test]
fn model_shows_child_module_resources_as_scan_evaluates_them() {
    let (code, out, err) = run_in(
        Path::new("."),
        &["model", "fixtures/terraform/module-root/examples/simple"],
    );
    assert_eq!(code, Some(0), "{err}");
    let model: Value = serde_json::from_str(&out).expect("model is json");
    assert_eq!(model["format"], "terraform");
    assert_eq!(
        model["file"],
        "fixtures/terraform/module-root/examples/simple/main.tf"
    );
    let functions = model["functions"].as_array().expect("functions");
    assert_eq!(functions.len(), 1);
    assert_eq!(functions[0]["id"], "module.fn.aws_lambda_function.this");
    assert_eq!(functions[0]["name"], "simple");
    assert_eq!(functions[0]["runtime"], "python2.7");
}

#[test]
fn a_file_that_fails_to_parse_counts_once_as_failed_in_every_format() {
    let (code, report) = json_scan(&["fixtures/terraform/counts"]);
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["summary"]["files_failed"], 4);
    let codes: Vec<String> = diagnostics(&report)
        .iter()
        .map(|d| d.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        codes,
        [
            "error parse-error fixtures/terraform/counts/cfn/template.yaml:6:1",
            "error parse-error fixtures/terraform/counts/json/main.tf.json:3:41",
            "error parse-error fixtures/terraform/counts/sls/serverless.yml:5:1",
            "error parse-error fixtures/terraform/counts/tf/broken.tf:2:10",
        ]
    );
    let (_, text, _) = run_in(Path::new("."), &["scan", "fixtures/terraform/counts"]);
    assert!(
        text.ends_with("0 findings in 1 file; 4 could not be scanned\n"),
        "{text}"
    );
}

#[test]
fn findings_about_values_point_where_the_value_is_written_and_name_the_variable() {
    let (_, report) = json_scan(&["fixtures/terraform/locations"]);
    let messages: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{} {}",
                f["rule_id"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["start"]["line"],
                f["start"]["column"],
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        messages,
        ["FG-NET-001 fixtures/terraform/locations/main.tf:4:24 Function URL module.public.aws_lambda_function_url.this has authorization_type NONE: anyone on the internet can invoke function module.public.aws_lambda_function.this without credentials (through var.authorization_type, used at modules/fn/main.tf:15)", "FG-DEP-003 fixtures/terraform/locations/modules/fn/main.tf:1:1 Function private has no code signing config (code_signing_config_arn): Lambda deploys any code pushed to it, signed or not", "FG-OBS-002 fixtures/terraform/locations/variables.tf:3:13 Log group aws_cloudwatch_log_group.orders has no retention_in_days: its events are kept forever (through var.retention_days, used at main.tf:14)", "FG-ENC-008 fixtures/terraform/locations/variables.tf:8:13 Log group aws_cloudwatch_log_group.orders sets no kms_key_id, so only CloudWatch Logs' own key protects it: no key policy guards reads and key use is not logged (through var.log_key, used at main.tf:15)"]);
}

#[test]
fn modules_calling_each_other_are_a_diagnostic_and_both_are_scanned() {
    let expected_findings = [
        "FG-DEP-003 fixtures/terraform/cycle/app/main.tf:5:1 aws_lambda_function.app",
        "FG-RUN-001 fixtures/terraform/cycle/app/main.tf:8:19 aws_lambda_function.app",
        "FG-DEP-003 fixtures/terraform/cycle/x/main.tf:5:1 module.x.aws_lambda_function.x",
        "FG-RUN-001 fixtures/terraform/cycle/x/main.tf:8:19 module.x.aws_lambda_function.x",
    ];
    let expected_diagnostics = ["error module-cycle fixtures/terraform/cycle/x/main.tf:2:12 module app: `../app` is a cycle of module calls (app -> x -> app); it is not evaluated again"];
    for path in ["fixtures/terraform/cycle", "fixtures/terraform/cycle/app"] {
        let (code, report) = json_scan(&[path]);
        assert_eq!(code, Some(1), "{path}");
        assert_eq!(places(&report), expected_findings, "{path}");
        assert_eq!(diagnostics(&report), expected_diagnostics, "{path}");
        assert_eq!(report["summary"]["modules_unscanned"], 1);
        let (code, _) = json_scan(&[path, "--strict"]);
        assert_eq!(code, Some(2), "{path}");
    }
}

#[test]
fn module_chains_deeper_than_the_bound_are_an_error_and_counted() {
    let (code, report) = json_scan(&["fixtures/terraform/deep"]);
    assert_eq!(code, Some(1));
    let files: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["file"].as_str().unwrap_or("").to_string())
        .collect();
    // Each module's function has two findings: its runtime and its missing
    // code signing (FG-DEP-003).
    let mut want: Vec<String> = (1..=15)
        .flat_map(|i| {
            let f = format!("fixtures/terraform/deep/m/{i}/main.tf");
            [f.clone(), f]
        })
        .collect();
    want.sort();
    assert_eq!(files, want);
    assert_eq!(
        diagnostics(&report),
        ["error module-depth fixtures/terraform/deep/m/15/main.tf:2:12 module next: the chain of module calls is deeper than 16; `../16` and the modules it calls are not scanned (3 resources left out)"]
    );
    assert_eq!(report["summary"]["modules_unscanned"], 1);
    // m/16, m/17 and m/18 declare one function each.
    assert_eq!(report["summary"]["resources_unscanned"], 3);
    let (code, text, _) = run_in(
        Path::new("."),
        &["scan", "fixtures/terraform/deep", "--strict"],
    );
    assert_eq!(code, Some(2));
    assert!(
        text.ends_with("30 findings (15 high, 15 low) in 16 files; 1 module call not scanned (3 resources in them left out)\n"),
        "{text}"
    );
}

#[test]
fn local_modules_are_read_only_inside_the_repository() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = tmp.path();
    let write = |rel: &str, text: &str| {
        let p = base.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    let lambda = |name: &str, runtime: &str| {
        format!(
            "resource \"aws_lambda_function\" \"{name}\" {{\n  function_name = \"{name}\"\n  role          = \"arn:aws:iam::123456789012:role/fn\"\n  runtime       = \"{runtime}\"\n  handler       = \"app.handler\"\n  filename      = \"fn.zip\"\n  timeout       = 10\n  tracing_config {{\n    mode = \"Active\"\n  }}\n}}\n"
        )
    };
    write(
        "repo/app/main.tf",
        "module \"shared\" {\n  source = \"../shared\"\n}\n\nmodule \"outside\" {\n  source = \"../../outside\"\n}\n",
    );
    write("repo/shared/main.tf", &lambda("shared", "nodejs12.x"));
    write("outside/main.tf", &lambda("outside", "python2.7"));
    std::fs::create_dir_all(base.join("repo/.git")).expect("git dir");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(base.join("outside"), base.join("repo/linked")).expect("link");
        write(
            "repo/app/links.tf",
            "module \"linked\" {\n  source = \"../linked\"\n}\n",
        );
    }
    let scan = |path: &str| {
        let mut cmd = assert_cmd::Command::cargo_bin("faasguard").expect("binary");
        let out = cmd
            .current_dir(base)
            .args(["scan", path, "--format", "json"])
            .env("FAASGUARD_TODAY", "2026-11-23")
            .output()
            .expect("run");
        let report: Value = serde_json::from_slice(&out.stdout).expect("json");
        (out.status.code(), report)
    };
    // Inside the git repository: `../shared` is read, `../../outside` and a
    // link leading there are refused at their `source`.
    let (_, report) = scan("repo/app");
    assert_eq!(
        places(&report),
        [
            "FG-DEP-003 repo/shared/main.tf:1:1 module.shared.aws_lambda_function.shared",
            "FG-RUN-001 repo/shared/main.tf:4:19 module.shared.aws_lambda_function.shared"
        ]
    );
    // The link exists only where symbolic links do.
    let want: Vec<&str> = [
        (cfg!(unix), "error module-outside repo/app/links.tf:2:12 module linked: `../linked` is not read: it is a link to a folder outside the repository being scanned; local modules are read only inside it"),
        (true, "error module-outside repo/app/main.tf:6:12 module outside: `../../outside` is not read: it is outside the repository being scanned; local modules are read only inside it"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, d)| d)
    .collect();
    assert_eq!(diagnostics(&report), want);
    assert!(!report.to_string().contains("python2.7"));

    // Without a git repository, the scanned folder is the boundary.
    std::fs::remove_dir(base.join("repo/.git")).expect("rm .git");
    let (_, report) = scan("repo/app");
    assert_eq!(places(&report), Vec::<String>::new());
    assert!(diagnostics(&report)
        .contains(&"error module-outside repo/app/main.tf:2:12 module shared: `../shared` is not read: it is outside the repository being scanned; local modules are read only inside it".to_string()));
}

#[test]
fn brackets_in_strings_comments_and_heredocs_are_not_nesting() {
    let (code, report) = json_scan(&["fixtures/terraform/brackets"]);
    assert_eq!(code, Some(1));
    assert_eq!(diagnostics(&report), Vec::<String>::new());
    assert_eq!(
        places(&report),
        [
            "FG-DEP-003 fixtures/terraform/brackets/main.tf:1:1 aws_lambda_function.fn",
            "FG-RUN-001 fixtures/terraform/brackets/main.tf:9:19 aws_lambda_function.fn"
        ]
    );

    // Real nesting 10,000 deep is still refused, with its place.
    let tmp = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "resource \"aws_sqs_queue\" \"q\" {{\n  name = {}1{}\n}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    std::fs::write(tmp.path().join("main.tf"), text).expect("write");
    let mut cmd = assert_cmd::Command::cargo_bin("faasguard").expect("binary");
    let out = cmd
        .current_dir(tmp.path())
        .args(["scan", ".", "--format", "json"])
        .output()
        .expect("run");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        diagnostics(&report),
        ["error parse-error main.tf:2:265 invalid HCL: nesting is deeper than 256 levels"]
    );
    assert_eq!(report["summary"]["files_failed"], 1);
    assert_eq!(report["summary"]["files_scanned"], 0);
}

#[test]
fn duplicate_declarations_are_errors_naming_both_places_and_nothing_is_merged() {
    let (code, report) = json_scan(&["fixtures/terraform/duplicates"]);
    assert_eq!(code, Some(1));
    // The second function keeps its own item (its python2.7 is reported
    // there); the first (python3.12) is not, and its URL refers to it.
    assert_eq!(
        places(&report),
        [
            "FG-DEP-003 fixtures/terraform/duplicates/main.tf:1:1 aws_lambda_function.fn",
            "FG-DEP-003 fixtures/terraform/duplicates/main.tf:13:1 aws_lambda_function.fn#2",
            "FG-RUN-001 fixtures/terraform/duplicates/main.tf:16:19 aws_lambda_function.fn#2"
        ]
    );
    assert_eq!(
        diagnostics(&report),
        [
            "error duplicate-declaration fixtures/terraform/duplicates/main.tf:13:1 Duplicate resource configuration: aws_lambda_function.fn was already declared at main.tf:1:1; this one is scanned apart as aws_lambda_function.fn#2, and references resolve to the first",
            "error duplicate-declaration fixtures/terraform/duplicates/variables.tf:6:1 Duplicate variable declaration: var.timeout was already declared at variables.tf:1:1; this one is ignored",
        ]
    );
    // var.timeout is the first declaration's 10, not the second's 900.
    let (_, out, _) = run_in(Path::new("."), &["model", "fixtures/terraform/duplicates"]);
    let model: Value = serde_json::from_str(&out).expect("model json");
    let fns = model["functions"].as_array().expect("functions");
    assert_eq!(fns.len(), 2);
    assert_eq!(fns[1]["id"], "aws_lambda_function.fn#2");
    assert_eq!(fns[1]["timeout"], 10);
    assert_eq!(
        model["function_urls"][0]["function"],
        "aws_lambda_function.fn"
    );
    let (code, _) = json_scan(&["fixtures/terraform/duplicates", "--strict"]);
    assert_eq!(code, Some(2));
}

/// Terraform variables are `parameters` items (ADR 0049), but FG-SEC-002 is
/// about CloudFormation's `NoEcho` and stack defaults: a secret-named
/// variable (`deploy_token` with a default, `api_key` without one) is not
/// reported by it. FG-SEC-001 reports the default itself.
#[test]
fn secret_named_variables_are_not_cloudformation_parameter_findings() {
    let (_, report) = crate::common::json_run(
        &[
            "scan",
            "--format",
            "json",
            "fixtures/rules/FG-SEC-001/fail-variables.tf",
            "fixtures/rules/FG-SEC-001/pass-variables.tf",
        ],
        &[],
    );
    let findings = crate::common::findings_of(&report);
    assert!(
        !findings.iter().any(|f| f.0 == "FG-SEC-002"),
        "{findings:#?}"
    );
    let on_variable: Vec<_> = findings
        .iter()
        .filter(|f| f.0 == "FG-SEC-001" && f.3.contains("variable var.deploy_token value"))
        .collect();
    assert_eq!(on_variable.len(), 1, "{findings:#?}");
}

/// A remote module is not downloaded, but the literals passed to it are in the
/// repository: a secret among them (written out, or base64-encoded) is
/// reported on the call, at the value, redacted; harmless inputs stay quiet,
/// and each call still warns that its resources are not scanned.
#[test]
fn secrets_passed_to_remote_modules_are_reported_on_the_call() {
    let (_, report) = json_scan(&["fixtures/terraform/remote-inputs"]);
    assert_eq!(
        places(&report),
        [
            "FG-SEC-001 fixtures/terraform/remote-inputs/main.tf:7:22 module.bastion/inputs.user_data_base64",
            "FG-SEC-001 fixtures/terraform/remote-inputs/main.tf:14:14 module.db/inputs.password",
        ]
    );
    let text = report.to_string();
    assert!(
        !text.contains("Zq8#rTn2!vLw9pXe"),
        "the password is redacted"
    );
    assert!(
        !text.contains("b3BlbnNzaC1rZXktdjEAAAAA"),
        "the key is redacted"
    );
    let warned: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .filter(|m| m.contains("is not downloaded; its resources are not scanned"))
        .collect();
    assert_eq!(warned.len(), 3, "{warned:?}");
}

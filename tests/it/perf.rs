//! Cost and evaluation scope: rules the configuration turns off are never
//! evaluated, and a runaway rule is stopped and named. (That no built-in rule
//! grows with the square of a unit's size is `tests/rule_cost.rs`: it times
//! rules, so it runs alone in its own test binary.)

use std::path::Path;

use crate::cli::faasguard;

/// A rule that fails whenever it is evaluated on a unit with a function (a
/// complete rule with two values), and passes the load-time dry run on an
/// empty model.
const FAILING_RULE: &str = r#"package faasguard.rules.custom.boom

import rego.v1

metadata := {
	"id": "CUSTOM-ERR-001",
	"title": "Fails when evaluated",
	"severity": "low",
	"area": "ERR",
	"remediation": "None.",
}

two := 1 if count(input.functions) > 0

two := 2 if count(input.functions) > 0

deny contains {"resource": "x", "message": "never"} if two == 3
"#;

const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31
Resources:
  Fn: # faasguard:ignore CUSTOM-ERR-001 reason=\"kept for when it is on\"
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
";

fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), TEMPLATE).unwrap();
    std::fs::create_dir(dir.path().join("company")).unwrap();
    std::fs::write(dir.path().join("company/boom.rego"), FAILING_RULE).unwrap();
    std::fs::write(dir.path().join(".faasguard.toml"), config).unwrap();
    dir
}

/// (code, message) of every diagnostic of a JSON scan of `dir`.
fn diagnostics(dir: &Path) -> Vec<(String, String)> {
    let out = faasguard()
        .current_dir(dir)
        .args(["scan", "template.yaml", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn disabled_rules_are_not_evaluated() {
    // Turned on, the rule fails when evaluated, naming its file.
    let on = diagnostics(project("policies = [\"company\"]\n").path());
    let errors: Vec<&(String, String)> = on.iter().filter(|(c, _)| c == "policy-error").collect();
    assert_eq!(errors.len(), 1, "{on:#?}");
    assert!(errors[0].1.contains("company/boom.rego"), "{on:#?}");

    // Turned off by id or by area, it is never evaluated: no error, and the
    // suppression naming it is not reported as unused.
    for config in [
        "policies = [\"company\"]\n[rules]\ndisable = [\"CUSTOM-ERR-001\"]\n",
        "policies = [\"company\"]\n[rules]\ndisable = [\"ERR\"]\n",
        "policies = [\"company\"]\n[rules]\nenable = [\"TMO\", \"OBS\"]\n",
    ] {
        let off = diagnostics(project(config).path());
        assert_eq!(off, Vec::<(String, String)>::new(), "{config}");
    }
}

/// A rule that takes minutes on a unit with a function (nine million
/// iterations), and nothing on an empty model (the load-time dry run).
const SLOW_RULE: &str = r#"package faasguard.rules.custom.slow

import rego.v1

metadata := {
	"id": "CUSTOM-SLOW-001",
	"title": "Takes long",
	"severity": "low",
	"area": "ERR",
	"remediation": "None.",
}

deny contains {"resource": "x", "message": "never"} if {
	count(input.functions) > 0
	some i in numbers.range(1, 3000)
	some j in numbers.range(1, 3000)
	i * j == -1
}
"#;

#[test]
fn a_slow_rule_is_stopped_and_named_and_profile_lists_rules_and_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), TEMPLATE).unwrap();
    std::fs::write(dir.path().join("slow.rego"), SLOW_RULE).unwrap();
    let out = faasguard()
        .current_dir(dir.path())
        .args([
            "scan",
            "template.yaml",
            "--policy",
            "slow.rego",
            "--rule-timeout",
            "0.3",
            "--profile",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let timeouts: Vec<(&str, &str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "rule-timeout")
        .map(|d| {
            (
                d["level"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        timeouts,
        [(
            "error",
            "template.yaml",
            "rule CUSTOM-SLOW-001 (slow.rego) was stopped after 0.3 s (--rule-timeout) on this file; its findings here are missing"
        )],
        "{report:#}"
    );
    // The other rules still ran: FG-OBS-001 (tracing not active) is reported.
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"FG-OBS-001"), "{ids:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let rules_at = lines
        .iter()
        .position(|l| *l == "profile: slowest rules (total over units, units evaluated)")
        .expect(&stderr);
    // The slow rule is the slowest, cut at about the limit.
    assert!(
        lines[rules_at + 1]
            .trim_start()
            .starts_with("CUSTOM-SLOW-001"),
        "{stderr}"
    );
    let files_at = lines
        .iter()
        .position(|l| *l == "profile: slowest files (adapt and evaluate)")
        .expect(&stderr);
    // `  <total> ms  (rules <rules> ms)  template.yaml`: the rules' part
    // holds the slow rule's 0.3 s and is within the file's total.
    let file_line = lines[files_at + 1];
    assert!(file_line.ends_with(" ms)  template.yaml"), "{stderr}");
    let numbers: Vec<f64> = file_line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [total, rules] = numbers[..] else {
        panic!("{stderr}")
    };
    assert!(rules >= 300.0 && rules <= total, "{stderr}");
}

/// (level, file, message) of the diagnostics with this code.
fn coded<'a>(report: &'a serde_json::Value, code: &str) -> Vec<(&'a str, &'a str, &'a str)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            (
                d["level"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap(),
            )
        })
        .collect()
}

/// A scan of `template.yaml` with the slow rule and this config, as JSON.
fn slow_scan(config: &str, args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), TEMPLATE).unwrap();
    std::fs::write(dir.path().join("slow.rego"), SLOW_RULE).unwrap();
    std::fs::write(dir.path().join(".faasguard.toml"), config).unwrap();
    let out = faasguard()
        .current_dir(dir.path())
        .args([
            "scan",
            "template.yaml",
            "--policy",
            "slow.rego",
            "--format",
            "json",
        ])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The per-file limit stops the slow rule too (with no per-rule limit),
/// says it was the file's time that ran out, and the rules after it are not
/// started (custom rules run first here). Both limits are read from
/// `[limits]`.
#[test]
fn the_file_limit_cuts_a_slow_rule_and_limits_come_from_the_config() {
    let report = slow_scan(
        "[limits]\nrule_timeout = 0\nfile_timeout = 0.5\n[rules]\nenable = [\"ERR\", \"FG-OBS-001\"]\n",
        &[],
    );
    assert_eq!(
        coded(&report, "file-timeout"),
        [(
            "error",
            "template.yaml",
            "this file took over 0.5 s (--file-timeout): rule CUSTOM-SLOW-001 (slow.rego) was cut off and rule FG-OBS-001 was not evaluated; those rules' findings here are missing"
        )],
        "{report:#}"
    );
    assert_eq!(coded(&report, "rule-timeout"), [], "{report:#}");
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");

    // The per-rule limit from the config, shorter than the file's.
    let report = slow_scan("[limits]\nrule_timeout = 0.25\nfile_timeout = 30\n", &[]);
    assert_eq!(
        coded(&report, "rule-timeout"),
        [(
            "error",
            "template.yaml",
            "rule CUSTOM-SLOW-001 (slow.rego) was stopped after 0.25 s (--rule-timeout) on this file; its findings here are missing"
        )],
        "{report:#}"
    );
    assert_eq!(coded(&report, "file-timeout"), [], "{report:#}");

    // The command line wins over the config.
    let report = slow_scan(
        "[limits]\nrule_timeout = 0\nfile_timeout = 0\n",
        &["--rule-timeout", "0.2"],
    );
    assert_eq!(coded(&report, "rule-timeout").len(), 1, "{report:#}");
    assert!(
        coded(&report, "rule-timeout")[0]
            .2
            .contains("stopped after 0.2 s"),
        "{report:#}"
    );
}

/// A file whose parse and adapt use up its time is not evaluated at all,
/// and the error says so (a zero-length budget: expired before any rule).
#[test]
fn a_file_out_of_time_before_evaluation_is_not_evaluated() {
    let report = slow_scan("[limits]\nfile_timeout = 0.000001\n", &[]);
    assert_eq!(
        coded(&report, "file-timeout"),
        [(
            "error",
            "template.yaml",
            "this file took over 0.000001 s (--file-timeout): parsing and adapting used it all, so no rule was evaluated; those rules' findings here are missing"
        )],
        "{report:#}"
    );
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
}

/// One rule's runtime error costs that rule's findings on the file, not the
/// other rules': the built-in rules still report the function (its log
/// group, its tracing), and the error names the failing rule and says so.
#[test]
fn a_failing_rule_loses_only_its_own_findings() {
    let dir = project("policies = [\"company\"]\n");
    let with = faasguard()
        .current_dir(dir.path())
        .args(["scan", "template.yaml", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&with.stdout).unwrap();
    let rules = |r: &serde_json::Value| -> Vec<String> {
        let mut ids: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    // The same scan without the failing rule gives the reference findings.
    let off = project("policies = [\"company\"]\n[rules]\ndisable = [\"CUSTOM-ERR-001\"]\n");
    let without = faasguard()
        .current_dir(off.path())
        .args(["scan", "template.yaml", "--format", "json"])
        .output()
        .unwrap();
    let reference: serde_json::Value = serde_json::from_slice(&without.stdout).unwrap();
    assert!(!rules(&reference).is_empty(), "{reference:#}");
    assert_eq!(rules(&report), rules(&reference));
    let errors: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "policy-error")
        .collect();
    assert_eq!(errors.len(), 1, "{report:#}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("company/boom.rego"), "{message}");
    assert!(
        message.contains("rule CUSTOM-ERR-001: its findings on this file are missing"),
        "{message}"
    );
}

/// A unit far too large for its time limit is stopped inside parse and
/// adapt, where it is, not after them: the `file-timeout` error is the one
/// a unit out of time before evaluation gets, and it points at the node (or
/// the block) the parser or the Terraform evaluator was at. With a limit of
/// a microsecond the first check stops it, so the place is exact: the 256th
/// YAML event or JSON item (parsers read the clock every 256th node), or the
/// first resource instance of the module.
#[test]
fn a_huge_file_is_stopped_inside_parse_and_adapt() {
    let dir = tempfile::tempdir().unwrap();
    let n = 5_000;
    let mut yaml = String::from("Transform: AWS::Serverless-2016-10-31\nResources:\n");
    let mut json = String::from(r#"{"Transform":"AWS::Serverless-2016-10-31","Resources":{"#);
    let mut names = Vec::new();
    for i in 0..n {
        yaml.push_str(&format!(
            "  Fn{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n"
        ));
        json.push_str(&format!(
            r#"{}"Fn{i}":{{"Type":"AWS::Serverless::Function","Properties":{{"Runtime":"python3.12","Handler":"app.handler"}}}}"#,
            if i == 0 { "" } else { "," }
        ));
        names.push(format!("\"f{i}\""));
    }
    json.push_str("}}");
    std::fs::write(dir.path().join("template.yaml"), yaml).unwrap();
    std::fs::write(dir.path().join("template.json"), json).unwrap();
    std::fs::create_dir(dir.path().join("tf")).unwrap();
    std::fs::write(
        dir.path().join("tf/main.tf"),
        format!(
            "locals {{\n  names = toset([{}])\n}}\n\nresource \"aws_lambda_function\" \"fn\" {{\n  for_each      = local.names\n  function_name = each.key\n  runtime       = \"python3.12\"\n}}\n",
            names.join(", ")
        ),
    )
    .unwrap();
    let out = faasguard()
        .current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--format",
            "json",
            "--file-timeout",
            "0.000001",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let stopped: Vec<(&str, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "file-timeout")
        .map(|d| {
            assert_eq!(
                d["message"],
                "this file took over 0.000001 s (--file-timeout): parsing and adapting used it all, so no rule was evaluated; those rules' findings here are missing"
            );
            assert_eq!(d["level"], "error");
            (
                d["file"].as_str().unwrap(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stopped,
        [
            // Fn50's `"Runtime"`: 2 entries open the template, then 5 per
            // function (its entry, `Type`, `Properties`, their 2 entries).
            ("template.json", 1, 5403),
            // Fn20's `Handler`: 7 events open the stream, then 12 per
            // function.
            ("template.yaml", 107, 7),
            // The resource block whose first instance was next.
            ("tf/main.tf", 5, 1),
        ],
        "{report:#}"
    );
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    // Nothing else went wrong on the way out (no parse error for the
    // stopped parse, no adapt warning from a half-read unit).
    assert_eq!(
        report["diagnostics"].as_array().unwrap().len(),
        3,
        "{report:#}"
    );
}

/// regorus looks a `data.faasguard...` reference that no rule defines (the rule data) up again
/// on every use, scanning every loaded module; a constant of the package is computed once per
/// evaluation. So the built-in policies read the rule data only in package constants
/// (`runtimes := data.faasguard.runtimes`), never inside a rule body or a function, where it
/// would be looked up once per function or statement.
#[test]
fn built_in_policies_read_rule_data_only_in_package_constants() {
    let mut bad = Vec::new();
    let mut stack = vec![crate::common::root().join("policies")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rego") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with('#') || code.starts_with("import ") {
                    continue;
                }
                if !line.contains("data.faasguard.") {
                    continue;
                }
                // `name := ...` at the start of a line: a package constant.
                let constant = line.split_once(" := ").is_some_and(|(head, _)| {
                    !head.is_empty() && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
                if !constant {
                    bad.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "rule data read outside a package constant:\n{}",
        bad.join("\n")
    );
}

/// The text of a file that holds none of the formats is not kept to the end
/// of the scan (issue #17 item 6: a tree of unrelated JSON weighed 12 MB on
/// the corpus's peak); with a user's policies loaded, which may be conftest
/// policies reading every JSON file, it is.
#[test]
fn texts_of_files_in_no_format_are_not_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let unrelated = "{\"id\": \"GHSA-xxxx\", \"summary\": \"an advisory, not a template\"}\n";
    std::fs::write(dir.path().join("advisory.json"), unrelated).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
    )
    .unwrap();
    let texts = |outcome: &faasguard::outcome::Outcome| -> Vec<(String, usize)> {
        (0..)
            .map_while(|i| outcome.sources.get(faasguard::source::FileId(i)))
            .map(|f| (f.display.clone(), f.text.len()))
            .collect()
    };
    let settings = crate::common::settings(&[dir.path()]);
    let outcome = crate::common::scan_with(&settings);
    let got = texts(&outcome);
    assert!(got.contains(&("advisory.json".to_string(), 0)), "{got:?}");
    assert!(
        got.iter().any(|(d, n)| d == "template.yaml" && *n > 0),
        "{got:?}"
    );

    let mut with_policy = crate::common::settings(&[dir.path()]);
    let policy = dir.path().join("policy");
    std::fs::create_dir(&policy).unwrap();
    std::fs::write(
        policy.join("main.rego"),
        "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.summary\n\tmsg := \"advisory\"\n}\n",
    )
    .unwrap();
    with_policy.extra_policies =
        faasguard::engine::load_policy_files(&[policy], false).expect("policy loads");
    let outcome = crate::common::scan_with(&with_policy);
    let got = texts(&outcome);
    assert!(
        got.contains(&("advisory.json".to_string(), unrelated.len())),
        "{got:?}"
    );
    assert!(
        outcome.findings.iter().any(|f| f.message == "advisory"),
        "conftest read the unrelated file: {:?}",
        outcome
            .findings
            .iter()
            .map(|f| &f.message)
            .collect::<Vec<_>>()
    );
}

/// Every built-in rule says which collections it reads, so a unit without
/// them skips it: a rule (or a library it imports) that reads the whole
/// input, or a key every input has (`format`), would run on every unit.
#[test]
fn every_builtin_rule_is_skipped_where_it_has_nothing_to_read() {
    let engine = faasguard::scan::load_engine(&faasguard::settings::Settings::default()).unwrap();
    assert_eq!(engine.unconditional_rules(), Vec::<&str>::new());
    let input = regorus::Value::from_json_str(
        r#"{"format": "terraform", "file": "main.tf", "topics": [{"id": "t", "cloud": "aws"}]}"#,
    )
    .unwrap();
    let run = engine.evaluated_on(&input);
    assert!(run.contains(&"FG-ENC-006"), "{run:?}");
    assert!(!run.contains(&"FG-OBS-002"), "{run:?}");
    assert!(run.len() < 20, "{} rules for one topic: {run:?}", run.len());
}

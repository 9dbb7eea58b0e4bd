//! Output limits and formats for CI systems: SARIF's 25,000-result cap,
//! `--max-bytes` for Markdown summaries, GitLab SAST and CycloneDX 1.6
//! validated against their schemas, and the CLI conventions (completions,
//! man page, `--color`, no progress bar off a terminal, `--help`).

use std::path::Path;

use assert_cmd::Command;
use serde_json::{json, Value};

use crate::common;

fn faasguard() -> Command {
    let mut c = Command::cargo_bin("faasguard").expect("binary");
    c.env("FAASGUARD_TODAY", "2026-11-23")
        .env("SOURCE_DATE_EPOCH", "1764000000")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CI");
    c
}

/// One SAM function with a deprecated runtime and no timeout or tracing.
const ONE_FUNCTION: &str = "\
Transform: AWS::Serverless-2016-10-31
Resources:
  Old:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs16.x
      CodeUri: src/
";

/// A SAM template of `n` such functions.
fn many_functions(n: usize) -> String {
    let mut t = String::from("Transform: AWS::Serverless-2016-10-31\nResources:\n");
    for i in 0..n {
        t.push_str(&format!(
            "  Fn{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs16.x\n      CodeUri: src/\n"
        ));
    }
    t
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

// ---- SARIF: GitHub keeps 25,000 results per run ----

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn sarif_keeps_the_25000_most_severe_results_and_says_what_it_dropped() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "template.yaml", ONE_FUNCTION);
    let mut outcome = common::scan_with(&common::settings(&[dir.path()]));
    let base = outcome.findings[0].clone();
    // 25,000 low findings first, then 10 critical ones: a cut in report
    // order would drop exactly the ones that matter.
    let mut findings = Vec::new();
    for i in 0..25_010 {
        let mut f = base.clone();
        f.severity = if i < 25_000 {
            faasguard::rule::Severity::Low
        } else {
            faasguard::rule::Severity::Critical
        };
        f.message = format!("finding {i}");
        findings.push(f);
    }
    outcome.findings = findings;
    outcome.suppressed.clear();
    assert_eq!(faasguard::report::sarif::dropped(&outcome), 10);
    let sarif = faasguard::report::sarif::build(&outcome);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 25_000);
    let messages: Vec<&str> = results
        .iter()
        .map(|r| r["message"]["text"].as_str().expect("text"))
        .collect();
    // The critical ones are kept, in report order, after the lows kept;
    // the last ten lows (ties: report order) are the ones dropped.
    assert_eq!(messages[0], "finding 0");
    assert_eq!(messages[24_989], "finding 24989");
    assert_eq!(messages[24_990], "finding 25000");
    assert_eq!(messages[24_999], "finding 25009");
    assert_eq!(results.iter().filter(|r| r["level"] == "error").count(), 10);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(
        notes.last().expect("a note"),
        &json!({
            "level": "warning",
            "message": {"text": "10 of 25010 results left out (10 low): GitHub code scanning keeps 25000 per run, so the most severe were kept; `--format json` or `--format html` reports them all"},
            "descriptor": {"id": "results-truncated"},
            "properties": {"total": 25010, "kept": 25000, "dropped": 10},
        })
    );
    {
        let schema = crate::sarif::schema();
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .take(5)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

/// End to end: 8,340 generated functions (four findings each, the fourth
/// FG-DEP-003's, 33,360 in all) over six templates, so the units run in parallel.
#[test]
fn sarif_from_the_cli_says_on_stderr_what_it_left_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in 0..6 {
        write(dir.path(), &format!("t{f}.yaml"), &many_functions(1390));
    }
    let out = faasguard()
        .current_dir(dir.path())
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: SARIF: 8360 of 33360 results left out (GitHub code scanning keeps 25000 per run; \
         the most severe were kept); `--format json` has them all\n"
    );
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("json");
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().expect("results").len(), 25_000);
    let note = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["descriptor"]["id"], "results-truncated");
    assert_eq!(
        note["properties"],
        json!({"total": 33360, "kept": 25000, "dropped": 8360})
    );
}

#[test]
fn sarif_under_the_cap_has_no_truncation_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "template.yaml", ONE_FUNCTION);
    let outcome = common::scan_with(&common::settings(&[dir.path()]));
    let sarif = faasguard::report::sarif::build_limited(&outcome, outcome.findings.len());
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes, &json!([]));
    // One under the cap: the least severe result goes, and the note says so.
    let n = outcome.findings.len();
    let sarif = faasguard::report::sarif::build_limited(&outcome, n - 1);
    assert_eq!(
        sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .len(),
        n - 1
    );
    let note = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["descriptor"]["id"], "results-truncated");
    assert_eq!(note["properties"]["dropped"], 1);
}

// ---- Markdown: --max-bytes ----

#[test]
fn markdown_max_bytes_keeps_the_control_tables_and_the_most_severe_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "template.yaml", &many_functions(60));
    let path = dir.path().join("template.yaml");
    let full = faasguard()
        .args(["scan", "--format", "markdown", "--max-bytes", "0"])
        .arg(&path)
        .output()
        .expect("runs");
    let full = String::from_utf8(full.stdout).expect("utf-8");
    let json = faasguard()
        .args(["scan", "--format", "json"])
        .arg(&path)
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&json.stdout).expect("json");
    let total = json["findings"].as_array().expect("findings").len();
    assert!(
        full.len() > 60_000,
        "the full report is {} bytes",
        full.len()
    );
    assert!(!full.contains("This report was shortened"));

    let out = faasguard()
        .args(["scan", "--format", "markdown", "--max-bytes", "60000"])
        .arg(&path)
        .output()
        .expect("runs");
    let short = String::from_utf8(out.stdout).expect("utf-8");
    assert!(short.len() <= 60_000, "{} bytes", short.len());
    // Every control table stays: the same control rows as the full report.
    let controls = |md: &str| -> Vec<String> {
        md.lines()
            .filter(|l| l.starts_with("| ✅") || l.starts_with("| ❌") || l.starts_with("| ➖"))
            .map(String::from)
            .collect()
    };
    assert!(!controls(&full).is_empty());
    assert_eq!(controls(&short), controls(&full));
    assert!(!short.contains("Evidence:"));
    // The Findings table keeps a prefix of the full one (most severe first).
    let rows = |md: &str| -> Vec<String> {
        let start = md.find("## Findings").expect("findings section");
        md[start..]
            .lines()
            .skip(4)
            .take_while(|l| l.starts_with('|'))
            .map(String::from)
            .collect()
    };
    let kept = rows(&short);
    let all = rows(&full);
    assert_eq!(all.len(), total);
    assert!(
        !kept.is_empty() && kept.len() < total,
        "{} kept",
        kept.len()
    );
    assert_eq!(kept[..], all[..kept.len()]);
    let note = format!(
        "> [!NOTE]\n> This report was shortened to fit `--max-bytes`. Left out: {} of {total} findings (the least severe); the evidence under each failing control",
        total - kept.len()
    );
    assert!(short.contains(&note), "{}", &short[short.len() - 1200..]);
    assert!(short.contains(
        "The full report: `faasguard scan --format html` or `--format json` (then `faasguard report --input FILE`), or `--max-bytes 0`."
    ));
    assert!(short.ends_with("except for the date.</sub>\n"));
}

#[test]
fn report_command_markdown_is_shortened_the_same_way() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "template.yaml", &many_functions(60));
    let json = faasguard()
        .current_dir(dir.path())
        .args([
            "scan",
            "template.yaml",
            "--format",
            "json",
            "-o",
            "scan.json",
        ])
        .output()
        .expect("runs");
    assert_eq!(json.status.code(), Some(1));
    let run = |max: &str| {
        let out = faasguard()
            .current_dir(dir.path())
            .args(["report", "--input", "scan.json", "--max-bytes", max])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let full = run("0");
    let short = run("40000");
    assert!(full.len() > 40_000);
    assert!(short.len() <= 40_000, "{} bytes", short.len());
    assert!(short.contains("> This report was shortened to fit `--max-bytes`. Left out: "));
    // From the saved result or from the scan itself: the same report.
    let direct = faasguard()
        .current_dir(dir.path())
        .args([
            "scan",
            "template.yaml",
            "--format",
            "markdown",
            "--max-bytes",
            "40000",
        ])
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8(direct.stdout).expect("utf-8"), short);
}

#[test]
fn markdown_defaults_to_github_summary_limit() {
    let out = faasguard().args(["scan", "--help"]).output().expect("runs");
    let help = String::from_utf8(out.stdout).expect("utf-8");
    assert!(help.contains("--max-bytes <N>"), "{help}");
    assert!(help.contains("[default: 1048576]"), "{help}");
}

// ---- GitLab SAST ----

fn gitlab_schema() -> Value {
    let text = std::fs::read_to_string(
        common::root()
            .join("tests/schemas/gitlab/sast-report-15.0-required-fields.handwritten.schema.json"),
    )
    .expect("schema");
    serde_json::from_str(&text).expect("schema is json")
}

fn assert_valid(schema: &jsonschema::Validator, doc: &Value) {
    let errors: Vec<String> = schema
        .iter_errors(doc)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

#[test]
fn gitlab_report_is_a_valid_sast_report_with_exact_locations() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "template.yaml", ONE_FUNCTION);
    let out = faasguard()
        .current_dir(dir.path())
        .args(["scan", "template.yaml", "--format", "gitlab"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let validator = jsonschema::validator_for(&gitlab_schema()).expect("schema compiles");
    assert_valid(&validator, &report);
    assert_eq!(report["version"], "15.0.7");
    let scan = &report["scan"];
    assert_eq!(scan["type"], "sast");
    assert_eq!(scan["status"], "success");
    // SOURCE_DATE_EPOCH=1764000000.
    assert_eq!(scan["start_time"], "2025-11-24T16:00:00");
    assert_eq!(scan["end_time"], "2025-11-24T16:00:00");
    assert_eq!(scan["analyzer"]["id"], "faasguard");
    assert_eq!(scan["scanner"]["vendor"], json!({"name": "faasguard"}));
    // The same findings, at the same lines, as the JSON report.
    let json = faasguard()
        .current_dir(dir.path())
        .args(["scan", "template.yaml", "--format", "json"])
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&json.stdout).expect("json");
    let expected: Vec<(String, u64, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().expect("id").to_string(),
                f["start"]["line"].as_u64().expect("line"),
                f["severity"].as_str().expect("severity").to_string(),
            )
        })
        .collect();
    let got: Vec<(String, u64, String)> = report["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .map(|v| {
            assert_eq!(v["location"]["file"], "template.yaml");
            (
                v["identifiers"][0]["value"]
                    .as_str()
                    .expect("id")
                    .to_string(),
                v["location"]["start_line"].as_u64().expect("line"),
                v["severity"]
                    .as_str()
                    .expect("severity")
                    .to_ascii_lowercase(),
            )
        })
        .collect();
    assert!(!got.is_empty());
    assert_eq!(got, expected);
    // The deprecated runtime is reported at its line.
    let runtime = report["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .find(|v| v["location"]["start_line"] == 7)
        .expect("a finding on the Runtime line");
    assert_eq!(runtime["location"]["class"], "Old");
    assert_eq!(runtime["identifiers"][0]["type"], "faasguard_rule_id");
}

// ---- CycloneDX ----

/// Resolves the CycloneDX schema's references to the vendored copies.
struct Vendored;

impl jsonschema::Retrieve for Vendored {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or("");
        let path = common::root().join("tests/schemas/cyclonedx").join(name);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn cyclonedx_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        common::root().join("tests/schemas/cyclonedx/bom-1.6.SNAPSHOT.schema.json"),
    )
    .expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is json");
    jsonschema::options()
        .with_retriever(Vendored)
        .build(&schema)
        .expect("schema compiles")
}

/// A Python function whose requirements pin a package with an advisory,
/// and a small OSV database that knows it.
fn deps_fixture(dir: &Path) {
    write(
        dir,
        "template.yaml",
        "\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: api/
      Timeout: 10
      Tracing: Active
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: worker/
      Timeout: 10
      Tracing: Active
",
    );
    write(
        dir,
        "api/requirements.txt",
        "tinyjwt==1.0.0\nrequests==2.32.3\n",
    );
    write(dir, "worker/requirements.txt", "tinyjwt==1.0.0\n");
    write(
        dir,
        "db/FGTEST-2026-1.json",
        r#"{
  "id": "FGTEST-2026-1",
  "summary": "tinyjwt accepts unsigned tokens",
  "details": "A test advisory written for faasguard's output tests.",
  "aliases": ["CVE-2099-0001"],
  "modified": "2026-01-01T00:00:00Z",
  "affected": [{
    "package": {"name": "tinyjwt", "ecosystem": "PyPI"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.1"}]}]
  }],
  "database_specific": {"severity": "HIGH"}
}"#,
    );
}

#[test]
fn cyclonedx_lists_functions_packages_and_advisories_and_matches_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    deps_fixture(dir.path());
    let out = faasguard()
        .current_dir(dir.path())
        .args([
            "scan",
            "template.yaml",
            "api",
            "worker",
            "--advisory-db",
            "db",
            "--format",
            "cyclonedx",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let bom: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&out.stdout)));
    assert_valid(&cyclonedx_validator(), &bom);
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    let components: Vec<(String, String)> = bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| {
            (
                c["type"].as_str().expect("type").to_string(),
                c["bom-ref"].as_str().expect("ref").to_string(),
            )
        })
        .collect();
    assert_eq!(
        components,
        [
            ("application", "function:template.yaml#Api"),
            ("application", "function:template.yaml#Worker"),
            ("library", "pkg:pypi/requests@2.32.3"),
            ("library", "pkg:pypi/tinyjwt@1.0.0"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(
        bom["dependencies"],
        json!([
            {"ref": "function:template.yaml#Api", "dependsOn": ["pkg:pypi/requests@2.32.3", "pkg:pypi/tinyjwt@1.0.0"]},
            {"ref": "function:template.yaml#Worker", "dependsOn": ["pkg:pypi/tinyjwt@1.0.0"]},
        ])
    );
    let tiny = &bom["components"][3];
    assert_eq!(
        tiny["properties"],
        json!([
            {"name": "faasguard:lockfile", "value": "api/requirements.txt"},
            {"name": "faasguard:lockfile", "value": "worker/requirements.txt"},
            {"name": "faasguard:ecosystem", "value": "PyPI"},
        ])
    );
    let vulns = bom["vulnerabilities"].as_array().expect("vulnerabilities");
    assert_eq!(vulns.len(), 1, "{vulns:#?}\n{stderr}");
    let v = &vulns[0];
    assert_eq!(v["id"], "FGTEST-2026-1");
    assert_eq!(v["affects"], json!([{"ref": "pkg:pypi/tinyjwt@1.0.0"}]));
    assert_eq!(v["recommendation"], "Upgrade tinyjwt to 1.0.1");
    assert_eq!(
        v["references"],
        json!([{"id": "CVE-2099-0001", "source": {"name": "OSV"}}])
    );
}

#[test]
fn cyclonedx_without_lockfiles_lists_the_functions() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "template.yaml", ONE_FUNCTION);
    let out = faasguard()
        .current_dir(dir.path())
        .args(["scan", "template.yaml", "--format", "cyclonedx"])
        .output()
        .expect("runs");
    let bom: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_valid(&cyclonedx_validator(), &bom);
    assert_eq!(
        bom["components"],
        json!([{
            "type": "application",
            "bom-ref": "function:template.yaml#Old",
            "name": "Old",
            "properties": [
                {"name": "faasguard:file", "value": "template.yaml"},
                {"name": "faasguard:format", "value": "sam"},
                {"name": "faasguard:cloud", "value": "aws"},
                {"name": "faasguard:runtime", "value": "nodejs16.x"},
            ],
        }])
    );
    assert_eq!(bom["vulnerabilities"], json!([]));
}

// ---- CLI conventions ----

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_faasguard()"),
        ("zsh", "#compdef faasguard"),
        ("fish", "complete -c faasguard"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[faasguard]"),
    ] {
        let out = faasguard()
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert!(text.contains(marker), "{shell}: {text}");
        // Every shell completes the subcommands; bash, zsh and fish also
        // complete `--format` values (clap_complete writes none for the others).
        assert!(text.contains("completions"), "{shell}");
        if matches!(shell, "bash" | "zsh" | "fish") {
            assert!(text.contains("cyclonedx"), "{shell}");
        }
    }
    let out = faasguard()
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_page_comes_from_the_clap_definitions() {
    let out = faasguard().arg("man").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let man = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "{}",
        &man[..200]
    );
    assert!(man.contains(".TH faasguard 1"), "{man}");
    assert!(man.contains("Terraform"), "{man}");
    assert!(man.contains("completions"), "{man}");
}

#[test]
fn top_level_help_describes_every_input_format() {
    let out = faasguard().arg("--help").output().expect("runs");
    let help = String::from_utf8(out.stdout).expect("utf-8");
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("faasguard reads AWS SAM and CloudFormation templates (YAML or JSON), Terraform (.tf, .tf.json, .tfvars, plan JSON) and Serverless Framework services (serverless.yml)"),
        "{help}"
    );
    assert!(flat.contains("--color <COLOR>"), "{help}");
}

#[test]
fn color_always_and_never() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "template.yaml", ONE_FUNCTION);
    let run = |color: Option<&str>, no_color: bool| {
        let mut cmd = faasguard();
        cmd.current_dir(dir.path()).args(["scan", "template.yaml"]);
        if let Some(c) = color {
            cmd.args(["--color", c]);
        }
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        String::from_utf8(cmd.output().expect("runs").stdout).expect("utf-8")
    };
    let always = run(Some("always"), false);
    let never = run(Some("never"), false);
    let auto_piped = run(None, false);
    assert!(always.contains("\u{1b}["), "{always}");
    assert!(!never.contains('\u{1b}'), "{never}");
    // Piped (not a terminal): auto means no color.
    assert!(!auto_piped.contains('\u{1b}'));
    assert_eq!(never, auto_piped);
    // The same text once the escapes are taken out.
    let stripped = anstream::adapter::strip_str(&always).to_string();
    assert_eq!(stripped, never);
    // An explicit --color always wins over NO_COLOR; auto honours it.
    assert!(run(Some("always"), true).contains("\u{1b}["));
    assert!(!run(Some("auto"), true).contains('\u{1b}'));
}

/// Errors and diagnostics on stderr follow `--color` too (miette's
/// handler would otherwise decide by itself): none under `never` even when
/// the environment forces color, some under `always` even in a pipe.
#[test]
fn color_governs_error_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "template.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Fn: [unclosed\n",
    );
    let run = |color: Option<&str>, env: &[(&str, &str)]| {
        let mut cmd = faasguard();
        cmd.current_dir(dir.path())
            .env_remove("NO_COLOR")
            .args(["scan", "template.yaml"]);
        if let Some(c) = color {
            cmd.args(["--color", c]);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("runs");
        String::from_utf8(out.stderr).expect("utf-8")
    };
    let forced = [("FORCE_COLOR", "1"), ("CLICOLOR_FORCE", "1")];
    let never = run(Some("never"), &forced);
    assert!(never.starts_with("faasguard::parse-error\n"), "{never}");
    assert!(never.contains("[template.yaml:4:1]"), "{never}");
    assert!(!never.contains('\u{1b}'), "{never:?}");
    let always = run(Some("always"), &[("NO_COLOR", "1")]);
    assert!(always.contains("\u{1b}["), "{always:?}");
    assert_eq!(anstream::adapter::strip_str(&always).to_string(), never);
    // Piped, auto: none.
    let auto = run(None, &[]);
    assert!(!auto.contains('\u{1b}'), "{auto:?}");
    assert_eq!(auto, never);
    // A plain error (no snippet) too.
    let missing = {
        let mut cmd = faasguard();
        cmd.current_dir(dir.path())
            .env_remove("NO_COLOR")
            .envs(forced)
            .args(["--color", "never", "scan", "missing.yaml"]);
        String::from_utf8(cmd.output().expect("runs").stderr).expect("utf-8")
    };
    assert_eq!(missing, "error: missing.yaml: no such file or directory\n");
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "template.yaml", &many_functions(20));
    let out = faasguard()
        .current_dir(dir.path())
        .args(["scan", "template.yaml", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    // Nothing at all on stderr: no bar, no carriage returns, no escapes.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

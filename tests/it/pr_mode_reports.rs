//! Pull-request mode beyond text and JSON findings, through the binary in
//! real git repositories: undecided checks matched against the commit (only
//! new ones fail `--fail-on-unknown`), `--fix` and `--diff` limited to the
//! change's own findings, each report format saying which findings are new
//! (JUnit, GitLab, Markdown, HTML), and issue #20's "Done when" scenario
//! from start to end.

use serde_json::Value;

use crate::pr_mode::{commit, git, json, repo, run, st, states, write, BASE, CHANGED};

/// Only the runtime rule runs, so every report is short enough to check
/// whole.
const RUNTIME_ONLY: &str = "[rules]\nenable = [\"FG-RUN-001\"]\n";

/// [`CHANGED`] with Billing moved to a supported runtime: one finding
/// added (Shipping), one kept (Orders, moved), one fixed (Billing).
fn changed_and_fixed() -> String {
    CHANGED.replace("Runtime: nodejs14.x", "Runtime: nodejs22.x")
}

/// A repository with [`BASE`] committed, then changed by
/// [`changed_and_fixed`] in the work tree.
fn sam_change() -> tempfile::TempDir {
    let dir = repo(&[
        (".faasguard.toml", RUNTIME_ONLY),
        ("infra/template.yaml", BASE),
    ]);
    write(dir.path(), "infra/template.yaml", &changed_and_fixed());
    dir
}

const TF_BASE: &str = r#"variable "runtime" {
  type = string
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = var.runtime
  timeout       = 30
}
"#;

/// Orders moved down by a comment; Billing added, its runtime from a
/// second variable without a value.
const TF_CHANGED: &str = r#"variable "runtime" {
  type = string
}

variable "billing_runtime" {
  type = string
}

# Orders keeps its runtime from the pipeline.
resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = var.runtime
  timeout       = 30
}

resource "aws_lambda_function" "billing" {
  function_name = "billing"
  role          = "arn:aws:iam::123456789012:role/billing"
  handler       = "app.handler"
  runtime       = var.billing_runtime
  timeout       = 30
}
"#;

/// `(rule, file:line:col, resource, baseline)` of every unknown.
fn unknown_states(report: &Value) -> Vec<(String, String, String, String)> {
    report["unknowns"]
        .as_array()
        .expect("unknowns")
        .iter()
        .map(|u| {
            (
                u["rule_id"].as_str().unwrap_or("").to_string(),
                crate::common::at(u),
                u["resource"].as_str().unwrap_or("").to_string(),
                u["baseline"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn un(rule: &str, at: &str, resource: &str, state: &str) -> (String, String, String, String) {
    (rule.into(), at.into(), resource.into(), state.into())
}

#[test]
fn only_undecided_checks_the_change_adds_fail_on_unknown() {
    let dir = repo(&[(".faasguard.toml", RUNTIME_ONLY), ("main.tf", TF_BASE)]);
    let d = dir.path();

    // Nothing changed yet: the commit's unknown is not this change's.
    let (code, report) = json(d, &["--baseline-commit", "HEAD", "--fail-on-unknown"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(
        unknown_states(&report),
        vec![un(
            "FG-RUN-001",
            "main.tf:9:19",
            "aws_lambda_function.orders",
            "unchanged"
        )]
    );
    // Without the commit to compare with, every unknown counts.
    let (code, _, _) = run(d, &["scan", "--fail-on-unknown"]);
    assert_eq!(code, Some(1));

    write(d, "main.tf", TF_CHANGED);
    let (code, report) = json(d, &["--baseline-commit", "HEAD", "--fail-on-unknown"]);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(
        unknown_states(&report),
        vec![
            un(
                "FG-RUN-001",
                "main.tf:14:19",
                "aws_lambda_function.orders",
                "unchanged"
            ),
            un(
                "FG-RUN-001",
                "main.tf:22:19",
                "aws_lambda_function.billing",
                "new"
            ),
        ]
    );
    assert_eq!(report["baseline_commit"]["unknowns_new"], 1);
    assert_eq!(report["baseline_commit"]["unknowns_unchanged"], 1);
    // The fingerprint is content only: the moved check keeps the commit's.
    let (_, before) = {
        let base = repo(&[(".faasguard.toml", RUNTIME_ONLY), ("main.tf", TF_BASE)]);
        json(base.path(), &[])
    };
    let fp = &report["unknowns"][0]["fingerprint"];
    assert_eq!(fp.as_str().map(str::len), Some(16), "{report:#}");
    assert_eq!(fp, &before["unknowns"][0]["fingerprint"]);
    assert_ne!(fp, &report["unknowns"][1]["fingerprint"]);
    // Without --fail-on-unknown the change passes: it adds no finding.
    let (code, _, _) = run(d, &["scan", "--baseline-commit", "HEAD"]);
    assert_eq!(code, Some(0));

    // SARIF: the review results carry their baseline state.
    let (_, out, _) = run(
        d,
        &["scan", "--baseline-commit", "HEAD", "--format", "sarif"],
    );
    let sarif: Value = serde_json::from_str(&out).expect("SARIF");
    let reviews: Vec<(u64, &str)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["kind"] == "review")
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0),
                r["baselineState"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(reviews, vec![(14, "unchanged"), (22, "new")]);

    // Text: the new one counted, listed with --show-unknown, the unchanged
    // one too with --show-unchanged.
    let (_, text, _) = run(d, &["scan", "--baseline-commit", "HEAD"]);
    assert_eq!(
        text.lines().last(),
        Some("1 new check could not be decided since HEAD, 1 unchanged; see --show-unknown"),
        "{text}"
    );
    let (_, text, _) = run(d, &["scan", "--baseline-commit", "HEAD", "--show-unknown"]);
    assert_eq!(
        text,
        "unknown[FG-RUN-001]: runtime of aws_lambda_function.billing is unknown \
         (variable billing_runtime has no value): FG-RUN-001 could not check it\n  \
         --> main.tf:22:19\n\n\
         0 new findings since HEAD in 1 file; 0 unchanged, 0 fixed\n\
         1 new check could not be decided since HEAD (listed above), 1 unchanged \
         (see --show-unchanged)\n"
    );
    let (_, text, _) = run(
        d,
        &[
            "scan",
            "--baseline-commit",
            "HEAD",
            "--show-unknown",
            "--show-unchanged",
        ],
    );
    assert_eq!(
        text,
        "unknown[FG-RUN-001]: runtime of aws_lambda_function.orders is unknown \
         (variable runtime has no value): FG-RUN-001 could not check it\n  \
         --> main.tf:14:19\n   = note: unchanged since HEAD\n\n\
         unknown[FG-RUN-001]: runtime of aws_lambda_function.billing is unknown \
         (variable billing_runtime has no value): FG-RUN-001 could not check it\n  \
         --> main.tf:22:19\n\n\
         0 new findings since HEAD in 1 file; 0 unchanged, 0 fixed\n\
         1 new check could not be decided since HEAD, 1 unchanged (listed above)\n"
    );

    // Committed: nothing new again.
    commit(d, "billing");
    let (code, report) = json(d, &["--baseline-commit", "HEAD", "--fail-on-unknown"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["baseline_commit"]["unknowns_new"], 0);
    assert_eq!(report["baseline_commit"]["unknowns_unchanged"], 2);
}

#[test]
fn fix_and_diff_touch_only_the_changes_own_findings() {
    let dir = repo(&[
        (".faasguard.toml", RUNTIME_ONLY),
        ("infra/template.yaml", BASE),
    ]);
    let d = dir.path();
    write(d, "infra/template.yaml", CHANGED);

    let (code, diff, err) = run(d, &["scan", "--baseline-commit", "HEAD", "--diff"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        diff,
        "--- a/infra/template.yaml\n+++ b/infra/template.yaml\n\
         @@ -20,7 +20,7 @@\n     Type: AWS::Serverless::Function\n     Properties:\n       \
         Handler: app.handler\n-      Runtime: python3.7\n+      Runtime: python3.14\n   Orders:\n     \
         Type: AWS::Serverless::Function\n     Properties:\n"
    );
    assert!(
        err.contains(
            "note: 2 fixes of findings unchanged since HEAD not shown; without \
             --baseline-commit, --fix and --diff cover every finding\n"
        ),
        "{err}"
    );
    // Without the commit, every finding's fix.
    let (_, all, _) = run(d, &["scan", "--diff"]);
    assert_eq!(all.matches("\n+      Runtime: ").count(), 3, "{all}");

    let (code, _, err) = run(d, &["scan", "--baseline-commit", "HEAD", "--fix"]);
    assert!(err.contains("fixed 1 value in 1 file\n"), "{err}");
    assert!(
        err.contains("note: 2 fixes of findings unchanged since HEAD not made;"),
        "{err}"
    );
    // What is left is what was there before: nothing new, exit 0.
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(d.join("infra/template.yaml")).expect("read");
    assert_eq!(
        text,
        CHANGED.replace("Runtime: python3.7", "Runtime: python3.14")
    );
}

#[test]
fn junit_fails_only_new_findings_and_skips_unchanged_ones_on_request() {
    let dir = sam_change();
    let d = dir.path();
    let (code, out, err) = run(
        d,
        &["scan", "--baseline-commit", "HEAD", "--format", "junit"],
    );
    assert_eq!(code, Some(1), "{err}");
    let first = out;
    assert_eq!(
        first,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="faasguard" tests="1" failures="1" errors="0" skipped="0">
  <testsuite name="FG-RUN-001 Function runtime is deprecated" tests="1" failures="1" errors="0" skipped="0">
    <testcase classname="FG-RUN-001" name="infra/template.yaml:23:16 Shipping" file="infra/template.yaml" line="23">
      <failure type="high" message="Function Shipping uses python3.7 (Python 3.7), deprecated since 2023-12-04; upgrade to python3.14">Function Shipping uses python3.7 (Python 3.7), deprecated since 2023-12-04; upgrade to python3.14

infra/template.yaml:23:16 Shipping: high
fix: Upgrade the function to a supported runtime of the same language (the message names the newest one) and test it there.</failure>
    </testcase>
  </testsuite>
</testsuites>
"#
    );
    let (_, out, _) = run(
        d,
        &[
            "scan",
            "--baseline-commit",
            "HEAD",
            "--show-unchanged",
            "--format",
            "junit",
        ],
    );
    let skipped = "    <testcase classname=\"FG-RUN-001\" name=\"infra/template.yaml:28:16 Orders\" \
                   file=\"infra/template.yaml\" line=\"28\">\n      \
                   <skipped message=\"unchanged since HEAD\">Function Orders uses python3.8 (Python 3.8), \
                   deprecated since 2024-10-14; upgrade to python3.14</skipped>\n    </testcase>\n";
    assert_eq!(
        out,
        first
            .replace(
                "tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\"",
                "tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\""
            )
            .replace("  </testsuite>\n", &format!("{skipped}  </testsuite>\n"))
    );

    // Committed: the rule passes, with nothing new.
    commit(d, "change");
    let (code, out, _) = run(
        d,
        &["scan", "--baseline-commit", "HEAD", "--format", "junit"],
    );
    assert_eq!(code, Some(0));
    assert!(
        out.contains(
            "<testsuites name=\"faasguard\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n"
        ) && out.contains(
            "    <testcase classname=\"FG-RUN-001\" name=\"no new findings since HEAD\"/>\n"
        ),
        "{out}"
    );
}

#[test]
fn gitlab_lists_only_new_vulnerabilities() {
    let dir = sam_change();
    let d = dir.path();
    let places = |args: &[&str]| -> Vec<(String, u64, String)> {
        let mut all = vec!["scan", "--baseline-commit", "HEAD", "--format", "gitlab"];
        all.extend_from_slice(args);
        let (_, out, _) = run(d, &all);
        let v: Value = serde_json::from_str(&out).expect("GitLab JSON");
        v["vulnerabilities"]
            .as_array()
            .expect("vulnerabilities")
            .iter()
            .map(|v| {
                (
                    v["location"]["file"].as_str().unwrap_or("").to_string(),
                    v["location"]["start_line"].as_u64().unwrap_or(0),
                    v["location"]["class"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let f = "infra/template.yaml".to_string();
    assert_eq!(places(&[]), vec![(f.clone(), 23, "Shipping".to_string())]);
    assert_eq!(
        places(&["--show-unchanged"]),
        vec![
            (f.clone(), 23, "Shipping".to_string()),
            (f, 28, "Orders".to_string())
        ]
    );
}

/// The part of `text` from `start` to the first `end` after it, inclusive.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in:\n{text}"));
    let to = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?} in:\n{text}"));
    &text[from..from + to + end.len()]
}

#[test]
fn markdown_has_a_new_in_this_change_section_and_the_fixed_ones_in_its_summary() {
    let dir = sam_change();
    let d = dir.path();
    let head = git(d, &["rev-parse", "HEAD"]);
    let short = &head[..12];
    let (code, out, err) = run(
        d,
        &["scan", "--baseline-commit", "HEAD", "--format", "markdown"],
    );
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        between(&out, "**Since ", "<sub>✅ **pass**: the rules behind the control ran"),
        format!(
            "**Since `HEAD` (`{short}`):** 1 new finding, 1 unchanged, 1 fixed.\n\n\
             Fixed in this change (where each was at the commit):\n\n\
             | Severity | Rule | Resource | Location | Message |\n|---|---|---|---|---|\n\
             | high | `FG-RUN-001` | `Billing` | `infra/template.yaml:17` | Function Billing uses nodejs14.x (Node.js 14), deprecated since 2023-12-04; upgrade to nodejs24.x |\n\n\
             <sub>✅ **pass**: the rules behind the control ran"
        )
    );
    assert_eq!(
        between(&out, "## New in this change", "\n\n## "),
        format!(
            "## New in this change\n\n1 finding is new since `HEAD` (`{short}`), highest severity \
             first (the rest of the report covers every finding).\n\n\
             | Severity | Rule | Resource | Location | Message |\n|---|---|---|---|---|\n\
             | high | `FG-RUN-001` | `Shipping` | `infra/template.yaml:23` | Function Shipping uses python3.7 (Python 3.7), deprecated since 2023-12-04; upgrade to python3.14<br><sub>Fix: \
             Upgrade the function to a supported runtime of the same language (the message names the newest one) and test it there.</sub> |\n\n## "
        )
    );
    // The whole estate is still reported: both standing findings.
    assert_eq!(
        between(&out, "## Findings", "\n\n## ")
            .matches("| high | `FG-RUN-001` |")
            .count(),
        2
    );
    // Without --baseline-commit, no such section.
    let (_, plain, _) = run(d, &["scan", "--format", "markdown"]);
    assert!(!plain.contains("New in this change") && !plain.contains("**Since "));
}

#[test]
fn html_summary_lists_new_and_fixed_findings() {
    let dir = sam_change();
    let d = dir.path();
    let head = git(d, &["rev-parse", "HEAD"]);
    let short = &head[..12];
    let (_, out, err) = run(
        d,
        &["scan", "--baseline-commit", "HEAD", "--format", "html"],
    );
    assert_eq!(
        between(&out, "<div class=\"change\">", "</div>\n"),
        format!(
            "<div class=\"change\">\n<h3 id=\"s-new\">New in this change</h3>\n\
             <p><b>Since <code>HEAD</code> (<code>{short}</code>):</b> 1 new finding, 1 unchanged, 1 fixed.</p>\n\
             <table class=\"findings\">\n<thead><tr><th class=\"w-sev\">Severity</th><th class=\"w-rule\">Rule</th><th class=\"w-where\">Resource and location</th><th>Message</th></tr></thead>\n<tbody>\n\
             <tr class=\"f sev-high\"><td><span class=\"sev high\">high</span></td><td><code class=\"rid\">FG-RUN-001</code></td><td class=\"where\"><code>Shipping</code><div class=\"loc\"><code>infra/template.yaml:23</code></div></td><td>Function Shipping uses python3.7 (Python 3.7), deprecated since 2023-12-04; upgrade to python3.14</td></tr>\n\
             </tbody>\n</table>\n\
             <h4>Fixed in this change</h4>\n<p>Where each was at the commit.</p>\n\
             <table class=\"findings\">\n<thead><tr><th class=\"w-sev\">Severity</th><th class=\"w-rule\">Rule</th><th class=\"w-where\">Resource and location</th><th>Message</th></tr></thead>\n<tbody>\n\
             <tr class=\"f sev-high\"><td><span class=\"sev high\">high</span></td><td><code class=\"rid\">FG-RUN-001</code></td><td class=\"where\"><code>Billing</code><div class=\"loc\"><code>infra/template.yaml:17</code></div></td><td>Function Billing uses nodejs14.x (Node.js 14), deprecated since 2023-12-04; upgrade to nodejs24.x</td></tr>\n\
             </tbody>\n</table>\n</div>\n"
        ),
        "{err}"
    );
    let (_, plain, _) = run(d, &["scan", "--format", "html"]);
    assert!(!plain.contains("New in this change"));
}

/// Issue #20's "Done when", in one repository: a change that adds one
/// finding and moves others fails with exactly that one and passes once
/// committed; a runtime from a variable without a value is an unknown at
/// the variable's use that `--fail-on-unknown` fails on; `--fix` turns a
/// deprecated runtime into the newest of its family and the file still
/// parses with its comments.
#[test]
fn done_when_of_issue_20() {
    let dir = repo(&[("infra/template.yaml", BASE), ("infra/main.tf", TF_BASE)]);
    let d = dir.path();

    // 1. One finding added, the others moved: exactly that one is new.
    write(d, "infra/template.yaml", CHANGED);
    let (code, report) = json(d, &["--baseline-commit", "HEAD", "--fail-on", "high"]);
    assert_eq!(code, Some(1), "{report:#}");
    let new: Vec<_> = states(&report)
        .into_iter()
        .filter(|s| s.5 == "new")
        .collect();
    let f = "infra/template.yaml";
    // Two new functions without code signing (FG-DEP-003, low) and one on
    // a deprecated runtime; the moved ones are unchanged.
    assert_eq!(
        new,
        vec![
            st("FG-DEP-003", f, 14, 3, "Intro", "new"),
            st("FG-DEP-003", f, 19, 3, "Shipping", "new"),
            st("FG-RUN-001", f, 23, 16, "Shipping", "new"),
        ]
    );
    assert_eq!(report["baseline_commit"]["new"], 3);
    // The one new finding at or above `--fail-on high` is what fails.
    let failing: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["baseline"] == "new" && (f["severity"] == "high" || f["severity"] == "critical")
        })
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or(""),
                f["resource"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(failing, [("FG-RUN-001", "Shipping")], "{report:#}");
    commit(d, "add shipping");
    let (code, report) = json(d, &["--baseline-commit", "HEAD", "--fail-on", "high"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["baseline_commit"]["new"], 0);

    // 2. The runtime from a variable without a value: unknown at its use.
    let (code, report) = json(d, &["--fail-on-unknown", "--fail-on", "critical"]);
    assert_eq!(code, Some(1), "{report:#}");
    let runtime: Vec<Value> = report["unknowns"]
        .as_array()
        .expect("unknowns")
        .iter()
        .filter(|u| u["path"] == "runtime")
        .map(|u| serde_json::json!([u["rule_id"], u["file"], u["start"], u["reason"]]))
        .collect();
    assert_eq!(
        runtime[0],
        serde_json::json!([
            "FG-RUN-001",
            "infra/main.tf",
            {"line": 9, "column": 19},
            "variable runtime has no value"
        ]),
        "{report:#}"
    );
    let (code, _, _) = run(d, &["scan", "--fail-on", "critical"]);
    assert_eq!(
        code,
        Some(0),
        "the unknown fails only with --fail-on-unknown"
    );

    // 3. --fix: python3.8 and python3.7 become python3.14, nodejs14.x
    // nodejs24.x; the file still parses and keeps its comment.
    let (_, _, err) = run(d, &["scan", "infra/template.yaml", "--fix"]);
    assert!(err.contains("fixed 3 values in 1 file\n"), "{err}");
    let fixed = std::fs::read_to_string(d.join("infra/template.yaml")).expect("read");
    assert_eq!(
        fixed,
        CHANGED
            .replace("python3.8", "python3.14")
            .replace("python3.7", "python3.14")
            .replace("nodejs14.x", "nodejs24.x")
    );
    assert!(fixed.contains("  # Billing moved first.\n"));
    let doc =
        faasguard::parse::yaml::parse(&fixed, faasguard::source::FileId(0)).expect("YAML parses");
    assert_eq!(doc.len(), 1);
    // No runtime finding is left; what remains is code signing (low), a
    // fix no single value makes.
    let (code, report) = json(d, &["infra/template.yaml", "--fail-on", "high"]);
    assert_eq!(code, Some(0), "{report:#}");
    let left: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule_id"].as_str().unwrap_or(""),
                f["resource"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        left,
        [
            "FG-DEP-003 Billing",
            "FG-DEP-003 Intro",
            "FG-DEP-003 Shipping",
            "FG-DEP-003 Orders"
        ],
        "{report:#}"
    );
    assert_eq!(report["diagnostics"], serde_json::json!([]));
}

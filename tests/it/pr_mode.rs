//! Pull-request mode through the binary, in real git repositories made in
//! temporary directories: `--baseline-commit REF` reports only the findings
//! a change adds (moved ones stay unchanged), lists the fixed ones, fails
//! only on new ones, works with `--shard`, names the fix for a shallow
//! clone, and lets no repository setting make git run a command.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::cli::faasguard;

/// Run git in `dir` with no user or system configuration.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub(crate) fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A new repository with `files` committed.
pub(crate) fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    commit(dir.path(), "base");
    dir
}

pub(crate) fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// `faasguard ARGS` in `dir`: exit code, stdout, stderr.
pub(crate) fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = faasguard()
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub(crate) fn json(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, out, err) = run(dir, &all);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (code, v)
}

/// `(rule, file, line, column, resource, baseline)` of every finding.
pub(crate) fn states(report: &Value) -> Vec<(String, String, u64, u64, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start"]["line"].as_u64().unwrap_or(0),
                f["start"]["column"].as_u64().unwrap_or(0),
                f["resource"].as_str().unwrap_or("").to_string(),
                f["baseline"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

pub(crate) fn st(
    rule: &str,
    file: &str,
    line: u64,
    column: u64,
    resource: &str,
    state: &str,
) -> (String, String, u64, u64, String, String) {
    (
        rule.into(),
        file.into(),
        line,
        column,
        resource.into(),
        state.into(),
    )
}

/// Two functions on deprecated runtimes; tracing on everywhere so that only
/// the runtime rule speaks.
pub(crate) const BASE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active
    Timeout: 30
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.8
  Billing:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs14.x
"#;

/// The change: a comment and a new healthy function push the old ones
/// down, their order swaps, and one new function on a deprecated runtime
/// is added.
pub(crate) const CHANGED: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Tracing: Active
    Timeout: 30
Resources:
  # Billing moved first.
  Billing:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs14.x
  Intro:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.13
  Shipping:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.7
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.8
"#;

#[test]
fn a_change_fails_on_exactly_the_finding_it_adds_and_passes_once_committed() {
    let dir = repo(&[("infra/template.yaml", BASE)]);
    let d = dir.path();
    write(d, "infra/template.yaml", CHANGED);

    let (code, report) = json(d, &["--baseline-commit", "HEAD", "--fail-on", "high"]);
    assert_eq!(code, Some(1), "{report:#}");
    let f = "infra/template.yaml";
    assert_eq!(
        states(&report),
        vec![
            st("FG-DEP-003", f, 9, 3, "Billing", "unchanged"),
            st("FG-RUN-001", f, 13, 16, "Billing", "unchanged"),
            st("FG-DEP-003", f, 14, 3, "Intro", "new"),
            st("FG-DEP-003", f, 19, 3, "Shipping", "new"),
            st("FG-RUN-001", f, 23, 16, "Shipping", "new"),
            st("FG-DEP-003", f, 24, 3, "Orders", "unchanged"),
            st("FG-RUN-001", f, 28, 16, "Orders", "unchanged"),
        ]
    );
    let head = git(d, &["rev-parse", "HEAD"]);
    assert_eq!(
        report["baseline_commit"],
        serde_json::json!({
            "reference": "HEAD", "commit": head, "new": 3, "unchanged": 4,
            "fixed": [], "files_failed_at_commit": 0,
            "unknowns_new": 0, "unknowns_unchanged": 0
        })
    );

    // Text shows the new finding only, and says what it hid.
    let (code, text, _) = run(d, &["scan", "--baseline-commit", "HEAD"]);
    assert_eq!(code, Some(1));
    let headers: Vec<&str> = text.lines().filter(|l| l.contains("-->")).collect();
    assert_eq!(
        headers,
        vec![
            "  --> infra/template.yaml:14:3",
            "  --> infra/template.yaml:19:3",
            "  --> infra/template.yaml:23:16"
        ],
        "{text}"
    );
    assert_eq!(
        text.lines().last(),
        Some(
            "3 new findings (1 high, 2 low) since HEAD in 1 file; 4 unchanged (see --show-unchanged), 0 fixed"
        ),
        "{text}"
    );
    let (_, all, _) = run(
        d,
        &["scan", "--baseline-commit", "HEAD", "--show-unchanged"],
    );
    assert_eq!(
        all.lines().filter(|l| l.contains("-->")).count(),
        7,
        "{all}"
    );
    assert_eq!(
        // The gutter is as wide as the line numbers: count the notes alone.
        all.matches("= note: unchanged since HEAD\n").count(),
        4,
        "{all}"
    );

    // Without the flag, every finding counts.
    let (_, plain) = json(d, &[]);
    assert_eq!(plain["findings"].as_array().map(Vec::len), Some(7));
    assert!(plain.get("baseline_commit").is_none());
    assert!(plain["findings"][0].get("baseline").is_none());

    // Committed and compared with the new HEAD: nothing new, exit 0.
    commit(d, "add shipping");
    let (code, report) = json(d, &["--baseline-commit", "HEAD", "--fail-on", "high"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["baseline_commit"]["new"], 0);
    assert_eq!(report["baseline_commit"]["unchanged"], 7);
    // Against the first commit, the same change still has its three new findings.
    let (code, report) = json(d, &["--baseline-commit", "HEAD~1"]);
    assert_eq!(code, Some(1));
    assert_eq!(report["baseline_commit"]["new"], 3);
}

#[test]
fn fixed_findings_are_listed_with_their_place_at_the_commit() {
    let dir = repo(&[("infra/template.yaml", BASE)]);
    let d = dir.path();
    write(
        d,
        "infra/template.yaml",
        &BASE.replace("Runtime: python3.8", "Runtime: python3.13"),
    );
    let (code, report) = json(d, &["--baseline-commit", "main"]);
    assert_eq!(code, Some(0), "{report:#}");
    let fixed = &report["baseline_commit"]["fixed"];
    assert_eq!(fixed.as_array().map(Vec::len), Some(1), "{fixed:#}");
    assert_eq!(fixed[0]["rule_id"], "FG-RUN-001");
    assert_eq!(fixed[0]["file"], "infra/template.yaml");
    assert_eq!(
        fixed[0]["start"],
        serde_json::json!({"line": 12, "column": 16})
    );
    assert_eq!(fixed[0]["resource"], "Orders");
    let (_, text, _) = run(d, &["scan", "--baseline-commit", "main"]);
    assert!(
        text.contains("fixed since main:\n  FG-RUN-001 infra/template.yaml:12:16 (Orders)\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "0 new findings since main in 1 file; 3 unchanged (see --show-unchanged), 1 fixed\n"
        ),
        "{text}"
    );
}

#[test]
fn a_changed_value_or_a_copy_in_another_file_is_new() {
    let dir = repo(&[("infra/template.yaml", BASE)]);
    let d = dir.path();
    // Same resource, another deprecated runtime: the value changed.
    write(
        d,
        "infra/template.yaml",
        &BASE.replace("Runtime: python3.8", "Runtime: python3.7"),
    );
    // The same template copied into a new file: its findings are its own.
    write(d, "infra/copy.yaml", BASE);
    let (code, report) = json(d, &["--baseline-commit", "HEAD"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        states(&report),
        vec![
            st("FG-DEP-003", "infra/copy.yaml", 8, 3, "Orders", "new"),
            st("FG-RUN-001", "infra/copy.yaml", 12, 16, "Orders", "new"),
            st("FG-DEP-003", "infra/copy.yaml", 13, 3, "Billing", "new"),
            st("FG-RUN-001", "infra/copy.yaml", 17, 16, "Billing", "new"),
            st(
                "FG-DEP-003",
                "infra/template.yaml",
                8,
                3,
                "Orders",
                "unchanged"
            ),
            st("FG-RUN-001", "infra/template.yaml", 12, 16, "Orders", "new"),
            st(
                "FG-DEP-003",
                "infra/template.yaml",
                13,
                3,
                "Billing",
                "unchanged"
            ),
            st(
                "FG-RUN-001",
                "infra/template.yaml",
                17,
                16,
                "Billing",
                "unchanged"
            ),
        ]
    );
    assert_eq!(
        report["baseline_commit"]["fixed"][0]["message"],
        "Function Orders uses python3.8 (Python 3.8), deprecated since 2024-10-14; upgrade to python3.14"
    );
}

#[test]
fn sarif_marks_the_baseline_state_of_every_result() {
    let dir = repo(&[("infra/template.yaml", BASE)]);
    let d = dir.path();
    write(d, "infra/template.yaml", CHANGED);
    let (code, out, err) = run(
        d,
        &["scan", "--baseline-commit", "HEAD", "--format", "sarif"],
    );
    assert_eq!(code, Some(1), "{err}");
    let sarif: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    let states: Vec<(u64, &str)> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0),
                r["baselineState"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![
            (9, "unchanged"),
            (13, "unchanged"),
            (14, "new"),
            (19, "new"),
            (23, "new"),
            (24, "unchanged"),
            (28, "unchanged")
        ]
    );
    assert_eq!(run["properties"]["baselineCommit"]["new"], 3);
    assert_eq!(run["properties"]["baselineCommit"]["reference"], "HEAD");
}

#[test]
fn paths_match_from_a_subdirectory_and_for_named_files() {
    let dir = repo(&[("infra/template.yaml", BASE)]);
    let d = dir.path();
    write(d, "infra/template.yaml", CHANGED);
    let sub = d.join("infra");
    let (_, report) = json(&sub, &[".", "--baseline-commit", "HEAD"]);
    assert_eq!(report["baseline_commit"]["new"], 3, "{report:#}");
    assert_eq!(report["findings"][1]["file"], "template.yaml");
    // pre-commit names the files, from the top of the repository.
    let (_, report) = json(d, &["infra/template.yaml", "--baseline-commit", "HEAD"]);
    assert_eq!(report["baseline_commit"]["new"], 3, "{report:#}");
    assert_eq!(report["baseline_commit"]["unchanged"], 4);
    // A file that did not exist at the commit: all its findings are new.
    write(d, "infra/other.yaml", BASE);
    let (_, report) = json(d, &["infra/other.yaml", "--baseline-commit", "HEAD"]);
    assert_eq!(report["baseline_commit"]["new"], 4, "{report:#}");
    assert_eq!(report["baseline_commit"]["unchanged"], 0);
}

#[test]
fn shards_compare_their_own_files() {
    let files: Vec<(String, String)> = (0..6)
        .map(|i| (format!("stacks/s{i}.yaml"), BASE.to_string()))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = repo(&refs);
    let d = dir.path();
    for (name, _) in &files {
        write(d, name, CHANGED);
    }
    let (_, whole) = json(d, &["--baseline-commit", "HEAD"]);
    assert_eq!(whole["baseline_commit"]["new"], 18);
    assert_eq!(whole["baseline_commit"]["unchanged"], 24);
    let mut new_findings = Vec::new();
    let mut unchanged = 0;
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let (_, part) = json(d, &["--baseline-commit", "HEAD", "--shard", &shard]);
        unchanged += part["baseline_commit"]["unchanged"].as_u64().unwrap_or(0);
        for f in states(&part) {
            // Every file of a shard has the same three new findings (Intro's
            // and Shipping's code signing, Shipping's runtime) and four
            // unchanged ones.
            if f.5 == "new" {
                new_findings.push((f.1, f.2, f.4));
            }
        }
        assert!(part["baseline_commit"]["fixed"]
            .as_array()
            .is_some_and(Vec::is_empty));
    }
    new_findings.sort();
    let expected: Vec<(String, u64, String)> = files
        .iter()
        .flat_map(|(n, _)| {
            [(14, "Intro"), (19, "Shipping"), (23, "Shipping")]
                .map(|(line, fun)| (n.clone(), line, fun.to_string()))
        })
        .collect();
    assert_eq!(new_findings, expected);
    assert_eq!(unchanged, 24);
}

#[test]
fn terraform_modules_outside_the_scan_path_are_read_at_the_commit_too() {
    let module = r#"
resource "aws_lambda_function" "fn" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/r"
  handler       = "app.handler"
  runtime       = "python3.8"
  timeout       = 30
  tracing_config {
    mode = "Active"
  }
}
"#;
    let root = "module \"orders\" {\n  source = \"../../modules/orders\"\n}\n";
    let dir = repo(&[
        ("modules/orders/main.tf", module),
        ("envs/prod/main.tf", root),
    ]);
    let d = dir.path();
    let (code, report) = json(
        d,
        &[
            "envs/prod",
            "--baseline-commit",
            "HEAD",
            "--fail-on",
            "high",
        ],
    );
    let runtime: Vec<_> = states(&report)
        .into_iter()
        .filter(|s| s.0 == "FG-RUN-001")
        .collect();
    assert_eq!(
        runtime,
        vec![st(
            "FG-RUN-001",
            "modules/orders/main.tf",
            6,
            19,
            "module.orders.aws_lambda_function.fn",
            "unchanged"
        )],
        "{report:#}"
    );
    assert_eq!(code, Some(0), "{report:#}");
}

/// A module's findings are fingerprinted with their own file: a new file that
/// sorts before the others (and so becomes the module's first file) leaves
/// them unchanged. Found running the pre-commit hook (.ci/pre-commit-hook).
#[test]
fn a_new_file_in_a_terraform_module_leaves_the_others_findings_unchanged() {
    let lambda = |name: &str, runtime: &str| {
        format!(
            "resource \"aws_lambda_function\" \"{name}\" {{\n  function_name = \"{name}\"\n  role          = \"arn:aws:iam::123456789012:role/r\"\n  handler       = \"app.handler\"\n  runtime       = \"{runtime}\"\n  timeout       = 30\n  tracing_config {{\n    mode = \"Active\"\n  }}\n}}\n"
        )
    };
    let dir = repo(&[("infra/old.tf", &lambda("old", "nodejs16.x"))]);
    let d = dir.path();
    write(d, "infra/new.tf", &lambda("new", "python3.8"));
    write(
        d,
        "infra/old.tf",
        &format!("# moved\n\n{}", lambda("old", "nodejs16.x")),
    );
    for args in [&["infra"][..], &["infra/new.tf", "infra/old.tf"][..]] {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--baseline-commit", "HEAD"]);
        let (code, report) = json(d, &all);
        assert_eq!(
            states(&report),
            vec![
                st(
                    "FG-DEP-003",
                    "infra/new.tf",
                    1,
                    1,
                    "aws_lambda_function.new",
                    "new"
                ),
                st(
                    "FG-RUN-001",
                    "infra/new.tf",
                    5,
                    19,
                    "aws_lambda_function.new",
                    "new"
                ),
                st(
                    "FG-DEP-003",
                    "infra/old.tf",
                    3,
                    1,
                    "aws_lambda_function.old",
                    "unchanged"
                ),
                st(
                    "FG-RUN-001",
                    "infra/old.tf",
                    7,
                    19,
                    "aws_lambda_function.old",
                    "unchanged"
                ),
            ],
            "{args:?}: {report:#}"
        );
        assert_eq!(
            report["baseline_commit"]["fixed"],
            serde_json::json!([]),
            "{report:#}"
        );
        assert_eq!(code, Some(1));
    }
}

#[test]
fn a_shallow_clone_without_the_commit_names_the_fix() {
    let dir = repo(&[("infra/template.yaml", BASE)]);
    write(dir.path(), "infra/template.yaml", CHANGED);
    commit(dir.path(), "second");
    let clones = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", dir.path().display());
    git(clones.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let clone = clones.path().join("c");
    let (code, out, err) = run(&clone, &["scan", "--baseline-commit", "HEAD~1"]);
    assert_eq!(code, Some(2), "{out}");
    assert_eq!(
        err.trim(),
        "error: the commit `HEAD~1` is not in this shallow clone: fetch the history \
         (`fetch-depth: 0` in actions/checkout) or the commit itself (`git fetch origin HEAD~1`)"
    );
    let (code, _, err) = run(&clone, &["scan", "--baseline-commit=--output=x"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`--output=x` is not a usable commit name"),
        "{err}"
    );
}

#[test]
fn outside_a_repository_or_on_stdin_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "t.yaml", BASE);
    let (code, _, err) = run(dir.path(), &["scan", "--baseline-commit", "HEAD"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not in a git repository"), "{err}");
    let repo = repo(&[("t.yaml", BASE)]);
    let (code, _, err) = run(repo.path(), &["scan", "-", "--baseline-commit", "HEAD"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot compare standard input"), "{err}");
}

#[test]
fn repository_settings_cannot_make_git_run_a_command() {
    let dir = repo(&[
        ("infra/template.yaml", BASE),
        (".gitattributes", "*.yaml filter=evil diff=evil\n"),
    ]);
    let d = dir.path();
    let marker = d.join("ran");
    let touch = format!("touch {}", marker.display());
    for (key, value) in [
        ("core.fsmonitor", touch.as_str()),
        ("filter.evil.smudge", touch.as_str()),
        ("filter.evil.clean", touch.as_str()),
        ("diff.evil.textconv", touch.as_str()),
        ("core.pager", touch.as_str()),
    ] {
        git(d, &["config", key, value]);
    }
    write(d, "infra/template.yaml", CHANGED);
    let (code, _, err) = run(d, &["scan", "--baseline-commit", "HEAD"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(!marker.exists(), "a repository setting ran a command");
}

#[test]
fn github_annotations_mark_only_new_findings() {
    let dir = repo(&[("infra/template.yaml", BASE)]);
    let d = dir.path();
    write(d, "infra/template.yaml", CHANGED);
    let (code, out, _) = run(
        d,
        &["scan", "--baseline-commit", "HEAD", "--format", "github"],
    );
    assert_eq!(code, Some(1));
    // The three new findings: Intro's and Shipping's code signing (low, a
    // notice) and Shipping's runtime (an error); the unchanged ones are not
    // annotated.
    let heads: Vec<&str> = out
        .lines()
        .map(|l| l.split(",title=").next().unwrap_or(""))
        .collect();
    assert_eq!(
        heads,
        [
            "::notice file=infra/template.yaml,line=14,endLine=14,col=3,endColumn=8",
            "::notice file=infra/template.yaml,line=19,endLine=19,col=3,endColumn=11",
            "::error file=infra/template.yaml,line=23,endLine=23,col=16,endColumn=25",
        ],
        "{out}"
    );
}

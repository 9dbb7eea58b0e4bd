//! Untrusted repositories (issue #14, docs/security.md): each probe of the
//! issue as an end-to-end reproducer, plus hostile inputs for the formats
//! that had none (lockfiles, plan files, tfvars, serverless.yml). A hostile
//! repository must not make faasguard print a secret, forge CI output,
//! widen what it reads or reaches, or hang; it may only get a diagnostic.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::{Duration, Instant};

use faasguard::advisory::fetch::{self, FetchError, Retry, Source, UpdateOptions};

use crate::cli::faasguard;

// ---------------------------------------------------------------- helpers

/// A project directory holding `files` (path, bytes).
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, bytes).expect("write");
    }
    dir
}

/// `faasguard ARGS` in `dir`, with an empty user config directory (so the
/// developer's own config never changes a test).
fn run(dir: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("tempdir");
    faasguard()
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", home.path())
        .args(args)
        .output()
        .expect("run faasguard")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The JSON report of a scan of `dir`.
fn json_report(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["scan", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report, text(&out.stderr))
}

/// `(rule_id, file, line, message)` of every finding.
fn findings(report: &serde_json::Value) -> Vec<(String, String, u64, String)> {
    crate::common::findings_of(report)
}

/// `(level, code, file, line, message)` of every diagnostic.
fn diagnostics(report: &serde_json::Value) -> Vec<(String, String, String, u64, String)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["level"].as_str().unwrap_or("").to_string(),
                d["code"].as_str().unwrap_or("").to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["start"]["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const FORMATS: [&str; 6] = ["text", "json", "sarif", "junit", "github", "markdown"];

// ---------------------------------------------------------------- #13.13 secrets on names

const OIDC_TEMPLATE: &str = r#"AWSTemplateFormatVersion: '2010-09-09'
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringLike:
                token.actions.githubusercontent.com:sub: repo:acme/orders:ref:refs/heads/main
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: arn:aws:iam::123456789012:role/fn
      Environment:
        Variables:
          AUTH_TOKEN: q8Zk3pLm7NvX2cR9wT4y
"#;

#[test]
fn oidc_trust_policies_are_not_secrets_but_tokens_still_are() {
    let dir = project(&[("template.yaml", OIDC_TEMPLATE.as_bytes())]);
    let (_, report, _) = json_report(dir.path(), &[]);
    let sec: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0.starts_with("FG-SEC"))
        .collect();
    assert_eq!(
        sec,
        vec![(
            "FG-SEC-001".to_string(),
            "template.yaml".to_string(),
            27,
            "Hardcoded secret (high-entropy-named-value) in Fn property \
             Environment.Variables.AUTH_TOKEN: q8Zk****4y. A literal value under a name that \
             says it is a secret (password, token, API key, ...); keep it in Secrets Manager or \
             SSM Parameter Store and reference it from the template instead."
                .to_string()
        )]
    );
}

// ---------------------------------------------------------------- #14.3 parse-error snippets

const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK8sQ2pL4n";
const GITHUB_PAT: &str = "ghp_R8zK2mQ9vL4xT7pN3wB6yH1cF5dJ0sA2gE8u";
const JSON_PASSWORD: &str = "Tr0ub4dor&3-horse\\qstaple";

fn broken_files() -> tempfile::TempDir {
    let yaml = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n          AWS_SECRET_ACCESS_KEY: \"{AWS_SECRET}\n          OTHER: [unclosed\n"
    );
    let tf = format!("variable \"token\" {{\n  default = \"{GITHUB_PAT}\" }}}}}}\n");
    let json = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"Fn\": {{\"Type\": \"AWS::Lambda::Function\",\n\"Properties\": {{\"Environment\": {{\"Variables\": {{\n\"DB_PASSWORD\": \"{JSON_PASSWORD}\"}}}}}}}}}}}}\n"
    );
    project(&[
        ("template.yaml", yaml.as_bytes()),
        ("main.tf", tf.as_bytes()),
        ("template.json", json.as_bytes()),
    ])
}

#[test]
fn snippets_of_files_that_fail_to_parse_are_redacted_in_every_format() {
    let dir = broken_files();
    let json_secret = JSON_PASSWORD.replace('\\', "\\\\");
    for format in FORMATS {
        let out = run(dir.path(), &["scan", ".", "--format", format]);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        for secret in [AWS_SECRET, GITHUB_PAT, JSON_PASSWORD, json_secret.as_str()] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "--format {format} printed {secret}:\n{stdout}\n{stderr}"
            );
        }
        // The snippets are there, masked: the parse errors are still useful.
        assert!(
            stderr.contains(&format!(
                "AWS_SECRET_ACCESS_KEY: \"wJal{}4n\n",
                "*".repeat(34)
            )),
            "--format {format}: {stderr}"
        );
        assert!(
            stderr.contains("default = \"ghp_**********************************8u\" }}}"),
            "--format {format}: {stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "\"DB_PASSWORD\": \"Tr0u{}le\"}}}}}}}}}}}}\n",
                "*".repeat(19)
            )),
            "--format {format}: {stderr}"
        );
        assert_eq!(out.status.code(), Some(0), "--format {format}: {stderr}");
    }
    let (_, report, _) = json_report(dir.path(), &[]);
    let files: Vec<(String, String, String)> = diagnostics(&report)
        .into_iter()
        .map(|d| (d.0, d.1, d.2))
        .collect();
    assert_eq!(
        files,
        vec![
            ("error".into(), "parse-error".into(), "main.tf".into()),
            ("error".into(), "parse-error".into(), "template.json".into()),
            ("error".into(), "parse-error".into(), "template.yaml".into()),
        ]
    );
}

// ---------------------------------------------------------------- #14.4 forged CI output

/// A template whose logical id and a property value carry newlines,
/// workflow commands, `\r`, `\f` and ESC/OSC sequences.
fn forging_project() -> tempfile::TempDir {
    let template = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  \"Fn\\n::error file=README.md,line=1::forged\\r\\f\\e]8;;http://x\\a\\n::add-mask::x\":\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python2.7\n      Handler: app.handler\n      Code: {ZipFile: \"x\"}\n      Role: arn:aws:iam::123456789012:role/fn\n";
    let dir = project(&[("template.yaml", template.as_bytes())]);
    // A file name with a newline: a broken template, so its name reaches
    // the diagnostics too.
    let name = "evil\n::error file=README.md,line=1::name.yaml";
    std::fs::write(
        dir.path().join(name),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n",
    )
    .expect("write");
    dir
}

/// No line of `out` starts a workflow command, and no control character
/// but the line breaks is left.
fn assert_inert(what: &str, out: &str, own_commands: bool) {
    for line in out.lines() {
        let ours = own_commands
            && (line.starts_with("::error file=template.yaml,")
                || line.starts_with("::warning file=template.yaml,")
                || line.starts_with("::notice file=template.yaml,"));
        assert!(
            !line.trim_start().starts_with("::") || ours,
            "{what}: a line starts a workflow command: {line:?}\n{out}"
        );
    }
    assert!(
        !out.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{what}: control characters left: {out:?}"
    );
}

#[test]
fn untrusted_names_cannot_forge_workflow_commands_or_terminal_sequences() {
    let dir = forging_project();
    for format in ["text", "github", "markdown"] {
        let out = run(dir.path(), &["scan", ".", "--format", format]);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_inert(
            &format!("--format {format} stdout"),
            &stdout,
            format == "github",
        );
        assert_inert(&format!("--format {format} stderr"), &stderr, false);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
    }
    // What a reader sees instead: the escapes, on the finding's own line.
    let out = run(dir.path(), &["scan", ".", "--format", "text"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "resource: Fn\\n::error file=README.md,line=1::forged\\r\\u{c}\\u{1b}]8;;http://x\\u{7}\\n::add-mask::x (AWS::Lambda::Function)"
        ),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("evil\\n::error file=README.md,line=1::name.yaml"),
        "{stderr}"
    );
    // GitHub annotations: exactly one command line per finding.
    let (_, report, _) = json_report(dir.path(), &[]);
    let out = run(dir.path(), &["scan", ".", "--format", "github"]);
    let commands = text(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("::"))
        .count();
    assert_eq!(commands, findings(&report).len());
}

// ---------------------------------------------------------------- #14.5 JUnit

#[test]
fn junit_is_well_formed_xml_whatever_the_names() {
    let template = "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"Fn\\ufffe\\uffff\\u0001<&]]>\": {\"Type\": \"AWS::Lambda::Function\", \"Properties\": {\"Runtime\": \"python2.7\", \"Handler\": \"a.h\", \"Code\": {\"ZipFile\": \"x\"}, \"Role\": \"arn:aws:iam::123456789012:role/r\"}}}}";
    let dir = project(&[("template.json", template.as_bytes())]);
    let out = run(dir.path(), &["scan", ".", "--format", "junit"]);
    let xml = text(&out.stdout);
    let doc = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{xml}"));
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter_map(|n| n.attribute("name"))
        .filter(|n| n.contains("Fn"))
        .collect();
    assert!(!names.is_empty(), "{xml}");
    for name in names {
        assert!(
            name.ends_with(" Fn\u{fffd}\u{fffd}\u{fffd}<&]]>"),
            "{name:?}"
        );
    }
}

// ---------------------------------------------------------------- #14.6 repository config

/// The messages of the report's `config-refused` warnings.
fn refusals(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == "config-refused")
        .map(|d| {
            assert_eq!(d["level"], "warning", "{d}");
            d["message"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn a_repository_config_cannot_widen_reach_and_says_so() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        outside.path().join("steal.rego"),
        "package faasguard.rules.custom.steal\n\nimport rego.v1\n\nmetadata := {\"id\": \"CUSTOM-STEAL-001\", \"title\": \"t\", \"severity\": \"high\", \"area\": \"STEAL\", \"remediation\": \"r\"}\n\ndeny contains {\"message\": \"loaded\"} if { true }\n",
    )
    .expect("write");
    let config = format!(
        "fail_on = \"high\"\npolicies = [\"inside\", {:?}]\n\n[advisories]\nonline = true\ndb = \"/\"\n",
        outside.path().display().to_string()
    );
    let dir = project(&[
        (".faasguard.toml", config.as_bytes()),
        ("template.yaml", OIDC_TEMPLATE.as_bytes()),
        (
            "inside/own.rego",
            b"package faasguard.rules.custom.own\n\nimport rego.v1\n\nmetadata := {\"id\": \"CUSTOM-OWN-001\", \"title\": \"t\", \"severity\": \"low\", \"area\": \"OWN\", \"remediation\": \"r\"}\n\ndeny contains {\"message\": \"own policy ran\"} if { true }\n",
        ),
    ]);
    let (code, report, stderr) = json_report(dir.path(), &[]);
    let root = dir.path().canonicalize().expect("canonical");
    // Warnings of the scan: in the report (and on stderr with the others).
    assert_eq!(
        refusals(&report),
        vec![
            format!(
                ".faasguard.toml:2: `policies` entry {:?} is ignored: it is outside the \
                 repository ({}); a repository's config may only name policy folders inside it \
                 (use --policy, --config FILE or the user config)",
                outside.path().display().to_string(),
                root.display()
            ),
            ".faasguard.toml:5: `advisories.online = true` is ignored: a repository's \
             config cannot turn on network access (use --online, --config FILE or the user \
             config)"
                .to_string(),
            ".faasguard.toml:6: `advisories.db = \"/\"` is ignored: a repository's \
             config cannot choose the advisory database (use --advisory-db, --config FILE or \
             the user config)"
                .to_string(),
        ],
        "{stderr}"
    );
    assert!(stderr.contains("faasguard::config-refused"), "{stderr}");
    let ids: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert!(ids.contains(&"CUSTOM-OWN-001".to_string()), "{ids:?}");
    assert!(!ids.contains(&"CUSTOM-STEAL-001".to_string()), "{ids:?}");
    // Narrowing settings still apply.
    assert_eq!(report["config"]["fail_on"], "high");
    // The template's hard-coded AUTH_TOKEN is critical.
    assert_eq!(code, 1);

    // The same file named with --config is the user's choice: honoured.
    let explicit = dir.path().join(".faasguard.toml");
    let (_, report, stderr) = json_report(
        dir.path(),
        &[
            "--config",
            explicit.to_str().expect("utf-8 path"),
            "--advisory-db",
            outside.path().to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(refusals(&report), Vec::<String>::new());
    assert!(!stderr.contains("config-refused"), "{stderr}");
    let ids: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert!(ids.contains(&"CUSTOM-STEAL-001".to_string()), "{ids:?}");
}

#[test]
fn a_symlinked_policy_folder_pointing_outside_is_refused() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("x.rego"), "package x\n").expect("write");
    let dir = project(&[
        (".faasguard.toml", b"policies = [\"linked\"]\n"),
        ("template.yaml", OIDC_TEMPLATE.as_bytes()),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).expect("symlink");
    #[cfg(unix)]
    {
        let (_, report, stderr) = json_report(dir.path(), &[]);
        let shown = dir.path().canonicalize().expect("canonical");
        assert_eq!(
            refusals(&report),
            vec![format!(
                ".faasguard.toml:1: `policies` entry {:?} is ignored: it is outside the \
                 repository ({}); a repository's config may only name policy folders inside it \
                 (use --policy, --config FILE or the user config)",
                shown.join("linked").display().to_string(),
                shown.display()
            )],
            "{stderr}"
        );
        assert_eq!(report["config"]["policies"], serde_json::json!([]));
    }
}

// ---------------------------------------------------------------- #14.8 db update --db-dir

#[test]
fn db_update_refuses_to_replace_a_folder_that_is_not_a_database() {
    let dir = project(&[("victim/notes.txt", b"important\n")]);
    // The refusal comes before any download: the mirror is never asked.
    let out = run(
        dir.path(),
        &[
            "db",
            "update",
            "--db-dir",
            "victim",
            "--mirror",
            "http://127.0.0.1:9",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: refusing to replace victim: it is not empty and holds no faasguard advisory \
         database (no .faasguard-advisory-db or faasguard-db.json in it); pass a new or empty \
         directory, or one that `faasguard db update` created\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("victim/notes.txt")).expect("kept"),
        "important\n"
    );
    // A plain file is refused too.
    let out = run(
        dir.path(),
        &[
            "db",
            "update",
            "--db-dir",
            "victim/notes.txt",
            "--mirror",
            "http://127.0.0.1:9",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("refusing to replace victim/notes.txt: it is not a directory")
    );
}

#[test]
fn db_update_replaces_an_empty_folder_and_its_own_database() {
    let server = Server::start(|path| Serve::whole(archive_for(path)));
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("db");
    std::fs::create_dir(&db).expect("mkdir");
    fetch::update(&options(&db, &server.base)).expect("an empty folder is replaced");
    assert!(db.join(fetch::MARKER).is_file());
    // Its own database, marked, is replaced again.
    fetch::update(&options(&db, &server.base)).expect("a database is replaced");
    // A database from before the marker (manifest only) is one too.
    std::fs::remove_file(db.join(fetch::MARKER)).expect("rm");
    fetch::update(&options(&db, &server.base)).expect("an older database is replaced");
}

// ---------------------------------------------------------------- #14.12 one entry limit

#[test]
fn db_update_refuses_entries_the_scan_would_skip() {
    let limit = faasguard::advisory::db::MAX_ENTRY_BYTES as usize;
    let big = zip_of(&[("big.json", vec![b' '; limit + 1])]);
    let server = Server::start(move |_| Serve::whole(big.clone()));
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = fetch::update(&options(&tmp.path().join("db"), &server.base))
        .expect_err("an entry over the limit");
    assert_eq!(
        err.to_string(),
        format!(
            "{}/crates.io/all.zip: entry big.json: larger than 16 MiB",
            server.base
        )
    );
    // At the limit exactly, the entry is read (and judged as a record).
    assert_eq!(limit, 16 << 20);
}

// ---------------------------------------------------------------- Also: stalls and deadlines

#[test]
fn a_server_dripping_bytes_fails_as_stalled() {
    // 1100 bytes every 200 ms: every read gets data well within the read
    // timeout, so only the progress check can stop it. (tiny_http buffers
    // 1 KiB before it sends, and chunks bodies over 32 KiB in 8 KiB pieces,
    // so smaller drips or larger bodies would look like silence.)
    let body = vec![b'x'; 30_000];
    let server = Server::start(move |_| Serve {
        body: body.clone(),
        piece: 1100,
        pause: Duration::from_millis(200),
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&tmp.path().join("db"), &server.base);
    opts.timeout = Duration::from_secs(1);
    let started = Instant::now();
    let err = fetch::update(&opts).expect_err("stalled");
    let took = started.elapsed();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot reach {}/crates.io/all.zip: stalled: less than 8192 bytes in 1 s",
            server.base
        )
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(!tmp.path().join("db").exists());
}

#[test]
fn the_overall_deadline_bounds_a_slow_but_moving_download() {
    // 2 KiB every 100 ms is progress; 200 KiB of it takes 10 s.
    let body = vec![b'x'; 200 << 10];
    let server = Server::start(move |_| Serve {
        body: body.clone(),
        piece: 2048,
        pause: Duration::from_millis(100),
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&tmp.path().join("db"), &server.base);
    opts.timeout = Duration::from_secs(2);
    opts.deadline = Some(Duration::from_millis(700));
    let started = Instant::now();
    let err = fetch::update(&opts).expect_err("deadline");
    assert!(matches!(err, FetchError::Deadline { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}/crates.io/all.zip: no download finished within the 0.7 s deadline",
            server.base
        )
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn the_deadline_is_a_flag_and_a_user_setting() {
    let out = faasguard()
        .args(["db", "update", "--help"])
        .output()
        .expect("run");
    assert!(text(&out.stdout).contains("--deadline <SECS>"));
    // From the user's config: a bad value is a config error naming it.
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(home.path().join("faasguard")).expect("mkdir");
    std::fs::write(
        home.path().join("faasguard/config.toml"),
        "[advisories]\nupdate_deadline = \"soon\"\n",
    )
    .expect("write");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = faasguard()
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", home.path())
        .args([
            "db",
            "update",
            "--db-dir",
            "db",
            "--mirror",
            "http://127.0.0.1:9",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("invalid type for `update_deadline`: expected an integer"),
        "{}",
        text(&out.stderr)
    );

    // A valid one bounds the update: 30 kB at 2 kB per 100 ms takes 1.5 s.
    std::fs::write(
        home.path().join("faasguard/config.toml"),
        "[advisories]\nupdate_deadline = 1\n",
    )
    .expect("write");
    let body = vec![b'x'; 30_000];
    let server = Server::start(move |_| Serve {
        body: body.clone(),
        piece: 2048,
        pause: Duration::from_millis(100),
    });
    let out = faasguard()
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", home.path())
        .args(["db", "update", "--db-dir", "db", "--mirror", &server.base])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {}/crates.io/all.zip: no download finished within the 1 s deadline\n",
            server.base
        )
    );
    assert!(!dir.path().join("db").exists());
}

// ---------------------------------------------------------------- #14.11 transformed secrets

#[test]
fn custom_policies_never_hold_a_detected_secret() {
    let template = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n      Code: {{ZipFile: x}}\n      Role: arn:aws:iam::123456789012:role/fn\n      Environment:\n        Variables:\n          GH: {GITHUB_PAT}\n"
    );
    let policy = r#"package main

import rego.v1

token := input.Resources.Fn.Properties.Environment.Variables.GH

deny contains msg if {
	msg := sprintf("echo %s", [token])
}

deny contains msg if {
	msg := sprintf("upper %s lower %s", [upper(token), lower(token)])
}

deny contains msg if {
	msg := sprintf("slice %s", [substring(token, 4, 20)])
}

deny contains msg if {
	msg := sprintf("b64 %s", [base64.encode(token)])
}

deny contains msg if {
	msg := sprintf("reversed %s", [concat("", [c | some i in numbers.range(count(token) - 1, 0); c := substring(token, i, 1)])])
}
"#;
    let model_policy = r#"package faasguard.rules.custom.leak

import rego.v1

metadata := {"id": "CUSTOM-LEAK-001", "title": "t", "severity": "low", "area": "LEAK", "remediation": "r"}

deny contains {"resource": f.id, "message": sprintf("model %s", [upper(f.environment.GH)])} if {
	some f in input.functions
}
"#;
    let dir = project(&[
        ("template.yaml", template.as_bytes()),
        ("policy/leak.rego", policy.as_bytes()),
        ("policy/model.rego", model_policy.as_bytes()),
    ]);
    let (_, report, stderr) = json_report(dir.path(), &["--policy", "policy"]);
    let mut messages: Vec<String> = findings(&report)
        .into_iter()
        .filter(|f| f.0.starts_with("CONFTEST") || f.0.starts_with("CUSTOM"))
        .map(|f| f.3)
        .collect();
    messages.sort();
    assert_eq!(
        messages,
        vec![
            "b64 Z2hwXyoqKio4dQ==",
            "echo ghp_****8u",
            "model GHP_****8U",
            "reversed u8****_phg",
            "slice ****8u",
            "upper GHP_****8U lower ghp_****8u",
        ],
        "{stderr}"
    );
    let raw = serde_json::to_string(&report).expect("json");
    for leak in [
        GITHUB_PAT.to_string(),
        GITHUB_PAT.to_uppercase(),
        GITHUB_PAT[4..20].to_string(),
        GITHUB_PAT.chars().rev().collect::<String>(),
    ] {
        assert!(!raw.contains(&leak), "{leak} leaked");
    }
}

// ---------------------------------------------------------------- hostile inputs per format

/// A diagnostic as the tests compare it: (level, code, file, line, message).
type Diag = (String, String, String, u64, String);

/// Scans `files` and returns (exit code, diagnostics, stderr); asserts no panic.
fn scan_hostile(files: &[(&str, &[u8])]) -> (i32, Vec<Diag>, String) {
    let dir = project(files);
    let started = Instant::now();
    let (code, report, stderr) = json_report(dir.path(), &[]);
    assert!(started.elapsed() < Duration::from_secs(30), "{files:?}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    (code, diagnostics(&report), stderr)
}

fn nested(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}

/// One hostile file beside good ones, and the one diagnostic it must give:
/// (level, code, file, line or 0, message).
struct Case {
    files: Vec<(&'static str, Vec<u8>)>,
    want: (&'static str, &'static str, &'static str, u64, &'static str),
}

fn check(cases: Vec<Case>) {
    for case in cases {
        let files: Vec<(&str, &[u8])> =
            case.files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let (code, diags, stderr) = scan_hostile(&files);
        let (level, kind, file, line, message) = case.want;
        let mine: Vec<_> = diags.iter().filter(|d| d.2 == file).collect();
        assert_eq!(
            mine,
            vec![&(
                level.to_string(),
                kind.to_string(),
                file.to_string(),
                line,
                message.to_string()
            )],
            "{diags:?}\n{stderr}"
        );
        // Named on stderr too, for a reader of the log.
        assert!(stderr.contains(file), "{stderr}");
        // The rest is scanned: the exit code is that of the good files, and
        // --strict turns the broken one into exit 2.
        let good: Vec<(&str, &[u8])> = files.iter().filter(|(n, _)| *n != file).copied().collect();
        let (clean, _, _) = scan_hostile(&good);
        assert_eq!(code, clean, "{file}: {stderr}");
        let dir = project(&files);
        assert_eq!(
            run(dir.path(), &["scan", ".", "--strict"]).status.code(),
            Some(2),
            "{file}"
        );
    }
}

const SAM: &[u8] = b"Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Runtime: nodejs20.x\n      Handler: app.handler\n";

#[test]
fn hostile_lockfiles_are_diagnosed_by_name() {
    check(vec![
        Case {
            files: vec![
                ("template.yaml", SAM.to_vec()),
                ("src/package-lock.json", nested(10_000).into_bytes()),
            ],
            want: (
                "error",
                "parse-error",
                "src/package-lock.json",
                1,
                "invalid JSON: nesting is deeper than 256 levels (found '[')",
            ),
        },
        Case {
            files: vec![
                ("template.yaml", SAM.to_vec()),
                (
                    "src/Pipfile.lock",
                    b"{\"default\": {\"a\": \xff\xfe}}".to_vec(),
                ),
            ],
            want: (
                "error",
                "read-error",
                "src/Pipfile.lock",
                0,
                "not valid UTF-8 (first bad byte at offset 18); not scanned",
            ),
        },
        Case {
            files: vec![
                ("template.yaml", SAM.to_vec()),
                (
                    "src/poetry.lock",
                    b"[[package]]\nname = \"a\0b\"\nversion = \"1\"\n".to_vec(),
                ),
            ],
            want: (
                "error",
                "read-error",
                "src/poetry.lock",
                0,
                "binary file (a NUL byte in the first 8 KiB); not scanned",
            ),
        },
    ]);
    // A BOM and 200,000 pins are a lockfile like any other: no diagnostic.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(b"requests==2.31.0\n");
    let huge: String = (0..200_000).map(|i| format!("pkg{i}==1.0.{i}\n")).collect();
    for body in [bom, huge.into_bytes()] {
        let (_, diags, stderr) =
            scan_hostile(&[("template.yaml", SAM), ("src/requirements.txt", &body)]);
        assert!(
            diags
                .iter()
                .all(|d| d.0 == "note" && d.1 == "dependencies-not-checked"),
            "{diags:?}\n{stderr}"
        );
    }
}

#[test]
fn hostile_plan_files_tfvars_and_serverless_files_are_diagnosed_by_name() {
    let plan = |body: &[u8]| {
        let mut v =
            b"{\"format_version\": \"1.2\", \"terraform_version\": \"1.9.0\", \"planned_values\": "
                .to_vec();
        v.extend_from_slice(body);
        v.push(b'}');
        v
    };
    let main_tf = b"resource \"aws_lambda_function\" \"f\" {\n  function_name = var.name\n  runtime = \"python2.7\"\n  handler = \"a.h\"\n  role = \"arn:aws:iam::123456789012:role/r\"\n  filename = \"f.zip\"\n}\nvariable \"name\" {}\n".to_vec();
    let bom_main = main_tf.clone();
    let good_sls = b"service: ok\nprovider: {name: aws, runtime: python3.12}\nfunctions:\n  f:\n    handler: a.h\n".to_vec();
    let sls = |body: &[u8]| {
        let mut v = b"service: s\nprovider: {name: aws}\n".to_vec();
        v.extend_from_slice(body);
        v
    };
    check(vec![
        Case {
            files: vec![("plan.json", plan(nested(10_000).as_bytes()))],
            want: (
                "error",
                "parse-error",
                "plan.json",
                1,
                "invalid JSON: nesting is deeper than 256 levels (found '[')",
            ),
        },
        Case {
            files: vec![("plan.json", plan(b"\xff"))],
            want: (
                "error",
                "read-error",
                "plan.json",
                0,
                "not valid UTF-8 (first bad byte at offset 74); not scanned",
            ),
        },
        Case {
            files: vec![
                ("ok/serverless.yml", good_sls.clone()),
                (
                    "serverless.yml",
                    sls(format!("functions: {}\n", nested(10_000)).as_bytes()),
                ),
            ],
            want: (
                "error",
                "parse-error",
                "serverless.yml",
                3,
                "invalid YAML: recursion limit exceeded",
            ),
        },
        Case {
            files: vec![
                ("ok/serverless.yml", good_sls.clone()),
                (
                    "serverless.yml",
                    sls(b"functions:\n  f:\n    handler: a\0b\n"),
                ),
            ],
            want: (
                "error",
                "read-error",
                "serverless.yml",
                0,
                "binary file (a NUL byte in the first 8 KiB); not scanned",
            ),
        },
        Case {
            files: vec![
                ("ok/serverless.yml", good_sls),
                ("serverless.yml", sls(b"\xff\xfe: x\n")),
            ],
            want: (
                "error",
                "read-error",
                "serverless.yml",
                0,
                "not valid UTF-8 (first bad byte at offset 33); not scanned",
            ),
        },
        Case {
            files: vec![
                ("main.tf", main_tf.clone()),
                ("terraform.tfvars", b"name = \"a\xff\"\n".to_vec()),
            ],
            want: (
                "error",
                "read-error",
                "terraform.tfvars",
                0,
                "not valid UTF-8 (first bad byte at offset 9); not scanned",
            ),
        },
        Case {
            files: vec![
                ("main.tf", main_tf.clone()),
                (
                    "terraform.tfvars",
                    format!("name = {}\n", nested(10_000)).into_bytes(),
                ),
            ],
            want: (
                "error",
                "parse-error",
                "terraform.tfvars",
                1,
                "invalid HCL: nesting is deeper than 256 levels",
            ),
        },
    ]);
    // A BOM before tfvars is read, as Terraform reads it: no diagnostic.
    let (_, diags, stderr) = scan_hostile(&[
        ("main.tf", bom_main.as_slice()),
        ("terraform.tfvars", b"\xEF\xBB\xBFname = \"x\"\n".as_slice()),
    ]);
    assert!(diags.is_empty(), "{diags:?}\n{stderr}");
    // A BOM before YAML is fine.
    let (_, diags, stderr) = scan_hostile(&[(
        "serverless.yml",
        b"\xEF\xBB\xBFservice: s\nprovider: {name: aws, runtime: python2.7}\nfunctions:\n  f:\n    handler: a.h\n",
    )]);
    assert!(diags.is_empty(), "{diags:?}\n{stderr}");
}

// ---------------------------------------------------------------- a tiny archive server

/// What the server sends: `body`, `piece` bytes at a time, `pause` between.
struct Serve {
    body: Vec<u8>,
    piece: usize,
    pause: Duration,
}

impl Serve {
    fn whole(body: Vec<u8>) -> Serve {
        Serve {
            piece: body.len().max(1),
            body,
            pause: Duration::ZERO,
        }
    }
}

struct Drip {
    data: Cursor<Vec<u8>>,
    piece: usize,
    pause: Duration,
    started: bool,
}

impl Read for Drip {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.started {
            std::thread::sleep(self.pause);
        }
        self.started = true;
        let n = self.piece.min(buf.len());
        self.data.read(&mut buf[..n])
    }
}

/// A tiny_http server on 127.0.0.1 answering every GET with `serve(path)`.
struct Server {
    base: String,
    inner: Arc<tiny_http::Server>,
}

impl Server {
    fn start(serve: impl Fn(&str) -> Serve + Send + Sync + 'static) -> Server {
        let inner = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
        let port = inner.server_addr().to_ip().expect("ip").port();
        let srv = Arc::clone(&inner);
        let serve = Arc::new(serve);
        std::thread::spawn(move || {
            for req in srv.incoming_requests() {
                let serve = Arc::clone(&serve);
                // One thread per request: a dripping answer must not hold up the next.
                std::thread::spawn(move || {
                    let s = serve(req.url());
                    let len = s.body.len();
                    let body = Drip {
                        data: Cursor::new(s.body),
                        piece: s.piece,
                        pause: s.pause,
                        started: false,
                    };
                    let _ = req.respond(tiny_http::Response::new(
                        200.into(),
                        Vec::new(),
                        body,
                        Some(len),
                        None,
                    ));
                });
            }
        });
        Server {
            base: format!("http://127.0.0.1:{port}"),
            inner,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.inner.unblock();
    }
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).expect("entry");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("zip").into_inner()
}

/// A valid one-record archive for the ecosystem in `path` (`/npm/all.zip`).
fn archive_for(path: &str) -> Vec<u8> {
    let eco = path.trim_start_matches('/').trim_end_matches("/all.zip");
    let record = serde_json::json!({
        "schema_version": "1.6.0",
        "id": format!("TEST-{}", eco.len()),
        "modified": "2026-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": eco, "name": "x"}}],
    });
    zip_of(&[("r.json", record.to_string().into_bytes())])
}

fn options(db: &Path, base: &str) -> UpdateOptions {
    UpdateOptions {
        sources: Source::osv_mirror(base),
        timeout: Duration::from_secs(2),
        retry: Retry {
            attempts: 1,
            backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        },
        ..UpdateOptions::new(PathBuf::from(db))
    }
}

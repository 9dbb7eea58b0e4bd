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
    // faasguard's own repository builds the hook from source; the mirror
    // (integrations/pre-commit) installs the wheel.
    let ids: Vec<(String, String)> = hook_files()
        .iter()
        .map(|h| {
            (
                h.get("id").and_then(Node::as_str).unwrap_or("").to_string(),
                h.get("language")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("faasguard".to_string(), "rust".to_string()),
            ("faasguard".to_string(), "python".to_string())
        ]
    );
}

/// The hooks of faasguard's repository and of the pre-commit mirror, in that order.
fn hook_files() -> Vec<faasguard::parse::Node> {
    use faasguard::parse::yaml;
    [
        ".pre-commit-hooks.yaml",
        "integrations/pre-commit/.pre-commit-hooks.yaml",
    ]
    .iter()
    .flat_map(|rel| {
        let text = std::fs::read_to_string(common::root().join(rel)).unwrap();
        let doc = yaml::parse(&text, faasguard::source::FileId(0))
            .unwrap()
            .remove(0);
        doc.as_seq().unwrap().to_vec()
    })
    .collect()
}

/// The mirror's package pins the faasguard wheel of this version, and is itself
/// of this version (the release publishes them together).
#[test]
fn the_pre_commit_mirror_pins_this_version_of_the_wheel() {
    let version = env!("CARGO_PKG_VERSION");
    let text =
        std::fs::read_to_string(common::root().join("integrations/pre-commit/pyproject.toml"))
            .unwrap();
    let doc: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(doc["project"]["version"].as_str(), Some(version));
    assert_eq!(
        doc["project"]["dependencies"],
        toml::Value::Array(vec![toml::Value::String(format!("faasguard=={version}"))])
    );
}

/// The pre-commit hooks' `files` pattern, and the entry they run.
fn hook_files_and_entry() -> (regex::Regex, Vec<String>) {
    use faasguard::parse::Node;
    let hooks = hook_files();
    let files: Vec<&str> = hooks
        .iter()
        .map(|h| h.get("files").and_then(Node::as_str).expect("files"))
        .collect();
    assert_eq!(files[0], files[1], "both hooks see the same files");
    for h in &hooks {
        assert!(h.get("types_or").is_none() && h.get("types").is_none());
        assert_eq!(
            h.get("entry").and_then(Node::as_str),
            Some("faasguard scan --baseline-commit HEAD")
        );
    }
    // pre-commit matches `files` with Python's re.search on the repository path.
    let entry = "faasguard scan --baseline-commit HEAD"
        .split(' ')
        .skip(1)
        .map(str::to_owned)
        .collect();
    (regex::Regex::new(files[0]).unwrap(), entry)
}

#[test]
fn pre_commit_hooks_see_every_file_faasguard_reads() {
    let (files, _) = hook_files_and_entry();
    for read in [
        "template.yaml",
        "infra/stack.yml",
        "cfn/app.json",
        "legacy/app.template",
        "infra/main.tf",
        "infra/main.tf.json",
        "infra/terraform.tfvars",
        "infra/prod.tfvars.json",
        "samconfig.toml",
        "samconfig.yaml",
        "fn/Cargo.lock",
        "fn/package-lock.json",
        "fn/npm-shrinkwrap.json",
        "fn/yarn.lock",
        "fn/pnpm-lock.yaml",
        "fn/requirements.txt",
        "fn/requirements-prod.txt",
        "fn/poetry.lock",
        "fn/Pipfile.lock",
        "fn/uv.lock",
        "fn/go.mod",
        "fn/go.sum",
    ] {
        let name = read.rsplit('/').next().unwrap();
        assert!(
            faasguard::discover::Candidate::from_file_name(name).is_some(),
            "{read} is a file faasguard reads"
        );
        assert!(files.is_match(read), "the hooks skip {read}");
    }
    for skipped in [
        "README.md",
        "src/app.py",
        "docs/requirements/notes.txt",
        "Makefile",
    ] {
        assert!(!files.is_match(skipped), "the hooks pass {skipped}");
    }
}

#[test]
fn pre_commit_blocks_a_terraform_change() {
    // What pre-commit does for a commit that stages a Terraform file: run the
    // entry from the repository root with the staged paths its `files` keeps.
    let (files, entry) = hook_files_and_entry();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("infra")).unwrap();
    std::fs::write(
        dir.path().join("infra/main.tf"),
        "resource \"aws_lambda_function\" \"api\" {\n  function_name = \"api\"\n  role          = \"arn:aws:iam::123456789012:role/api\"\n  handler       = \"index.handler\"\n  runtime       = \"nodejs16.x\"\n  filename      = \"api.zip\"\n  tracing_config {\n    mode = \"Active\"\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "# app\n").unwrap();
    // pre-commit runs in a git repository; before its first commit every
    // finding is new (the hooks compare with HEAD).
    let init = std::process::Command::new("git")
        .current_dir(dir.path())
        .args(["init", "-q"])
        .status()
        .unwrap();
    assert!(init.success());
    let staged = ["README.md", "infra/main.tf"];
    let passed: Vec<&str> = staged.into_iter().filter(|f| files.is_match(f)).collect();
    assert_eq!(passed, ["infra/main.tf"]);
    let out = faasguard()
        .current_dir(dir.path())
        .args(&entry)
        .args(&passed)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("high[FG-RUN-001]: Function api uses nodejs16.x (Node.js 16)"),
        "{stdout}"
    );
    assert!(stdout.contains("  --> infra/main.tf:5:19\n"), "{stdout}");
}

/// The Action's `run:` steps, run as GitHub runs them (`bash --noprofile
/// --norc -eo pipefail FILE`) with the runner's files and variables faked in
/// a temporary directory, and the faasguard this test suite built.
mod action_steps {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use faasguard::parse::{yaml, Node};

    use crate::common;

    /// The `run:` script of the step with this `id`, read with the YAML parser.
    fn script(id: &str) -> String {
        let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
        let doc = yaml::parse(&text, faasguard::source::FileId(0))
            .unwrap()
            .remove(0);
        let steps = doc
            .get("runs")
            .and_then(|r| r.get("steps"))
            .and_then(Node::as_seq)
            .expect("runs.steps");
        let step = steps
            .iter()
            .find(|s| s.get("id").and_then(Node::as_str) == Some(id))
            .unwrap_or_else(|| panic!("no step with id {id}"));
        assert_eq!(step.get("shell").and_then(Node::as_str), Some("bash"));
        step.get("run")
            .and_then(Node::as_str)
            .expect("a run script")
            .to_owned()
    }

    /// A fake runner: temp, tool cache, and the files steps write to.
    struct Runner {
        dir: tempfile::TempDir,
    }

    struct Ran {
        code: Option<i32>,
        stdout: String,
        stderr: String,
    }

    impl Runner {
        fn new() -> Runner {
            let dir = tempfile::tempdir().unwrap();
            for d in ["temp", "tools", "work"] {
                std::fs::create_dir_all(dir.path().join(d)).unwrap();
            }
            Runner { dir }
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.dir.path().join(rel)
        }

        fn read(&self, rel: &str) -> String {
            std::fs::read_to_string(self.path(rel)).unwrap_or_default()
        }

        /// `key=value` lines of `$GITHUB_OUTPUT` (this runner's whole life).
        fn outputs(&self) -> BTreeMap<String, String> {
            self.read("output")
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        }

        fn run(&self, id: &str, cwd: &Path, env: &[(&str, &str)]) -> Ran {
            let file = self.path(&format!("{id}.sh"));
            std::fs::write(&file, script(id)).unwrap();
            let mut cmd = std::process::Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&file)
                .current_dir(cwd)
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", "X64")
                .env("RUNNER_TEMP", self.path("temp"))
                .env("RUNNER_TOOL_CACHE", self.path("tools"))
                .env("GITHUB_OUTPUT", self.path("output"))
                .env("GITHUB_STEP_SUMMARY", self.path("summary"))
                .env("GITHUB_PATH", self.path("path"))
                .env("FAASGUARD_TODAY", "2026-11-23");
            for (k, v) in env {
                cmd.env(k, v);
            }
            let out = cmd.output().expect("bash runs");
            Ran {
                code: out.status.code(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        }
    }

    fn root() -> String {
        common::root().display().to_string()
    }

    #[test]
    fn locate_names_the_release_and_a_key_from_the_sources() {
        let runner = Runner::new();
        let ran = runner.run("locate", &common::root(), &[("ACTION_PATH", &root())]);
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        let out = runner.outputs();
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(out["version"], version);
        assert_eq!(out["target"], "x86_64-unknown-linux-musl");
        assert_eq!(out["exe"], "");
        let key = &out["key"];
        let digest = key
            .strip_prefix(&format!("faasguard-Linux-X64-{version}-"))
            .expect("key names OS, arch and version");
        assert_eq!(digest.len(), 16, "{key}");
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
        assert_eq!(
            out["dir"],
            format!(
                "{}/faasguard/{version}-{digest}-x86_64-unknown-linux-musl",
                runner.path("tools").display()
            )
        );
        // The same sources give the same key; Windows gets the .exe and its target.
        let again = Runner::new();
        let ran = again.run(
            "locate",
            &common::root(),
            &[
                ("ACTION_PATH", &root()),
                ("RUNNER_OS", "Windows"),
                ("RUNNER_ARCH", "X64"),
            ],
        );
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        let win = again.outputs();
        assert_eq!(win["exe"], ".exe");
        assert_eq!(win["target"], "x86_64-pc-windows-msvc");
        assert_eq!(
            win["key"],
            format!("faasguard-Windows-X64-{version}-{digest}")
        );
        // No release for this runner: built from source, under its own directory.
        let other = Runner::new();
        other.run(
            "locate",
            &common::root(),
            &[("ACTION_PATH", &root()), ("RUNNER_ARCH", "ARM")],
        );
        assert_eq!(other.outputs()["target"], "");
        assert!(other.outputs()["dir"].ends_with(&format!("{digest}-source")));
    }

    /// Serves `files` (URL path → bytes) on 127.0.0.1, 404 for anything else.
    struct Release {
        base: String,
        server: Arc<tiny_http::Server>,
    }

    impl Release {
        fn serve(files: BTreeMap<String, Vec<u8>>) -> Release {
            let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
            let port = server.server_addr().to_ip().expect("IP").port();
            let srv = Arc::clone(&server);
            std::thread::spawn(move || {
                for mut req in srv.incoming_requests() {
                    let mut sink = Vec::new();
                    let _ = req.as_reader().read_to_end(&mut sink);
                    let reply = match files.get(req.url()) {
                        Some(body) => tiny_http::Response::from_data(body.clone()),
                        None => tiny_http::Response::from_data(b"Not Found".to_vec())
                            .with_status_code(404),
                    };
                    let _ = req.respond(reply);
                }
            });
            Release {
                base: format!("http://127.0.0.1:{port}"),
                server,
            }
        }
    }

    impl Drop for Release {
        fn drop(&mut self) {
            self.server.unblock();
        }
    }

    const ASSET: &str = "faasguard-v0.1.0-x86_64-unknown-linux-musl.tar.gz";

    /// A release archive as the release workflow makes it (the binary at the
    /// top), and its SHA-256.
    fn asset(dir: &Path) -> (Vec<u8>, String) {
        let stage = dir.join("stage");
        std::fs::create_dir_all(&stage).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_faasguard"), stage.join("faasguard")).unwrap();
        let archive = dir.join(ASSET);
        let ok = std::process::Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&stage)
            .arg("faasguard")
            .status()
            .unwrap();
        assert!(ok.success());
        let sum = std::process::Command::new("sha256sum")
            .arg(&archive)
            .output()
            .unwrap();
        let sum = String::from_utf8(sum.stdout).unwrap();
        let hex = sum.split_whitespace().next().unwrap().to_owned();
        (std::fs::read(&archive).unwrap(), hex)
    }

    /// `locate`, then `install` against `release`; returns the runner and the install step.
    fn install(release: &Release, path: &str) -> (Runner, Ran) {
        let runner = Runner::new();
        let ran = runner.run("locate", &common::root(), &[("ACTION_PATH", &root())]);
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        let out = runner.outputs();
        let ran = runner.run(
            "install",
            &common::root(),
            &[
                ("ACTION_PATH", &root()),
                ("VERSION", "0.1.0"),
                ("TARGET", &out["target"]),
                ("EXE", ""),
                ("DIR", &out["dir"]),
                ("RELEASES", &release.base),
                ("PATH", path),
            ],
        );
        (runner, ran)
    }

    fn system_path() -> String {
        std::env::var("PATH").unwrap_or_default()
    }

    #[test]
    fn install_downloads_the_release_and_checks_its_sum() {
        let work = tempfile::tempdir().unwrap();
        let (archive, sum) = asset(work.path());
        let release = Release::serve(BTreeMap::from([
            (format!("/v0.1.0/{ASSET}"), archive.clone()),
            (
                "/v0.1.0/SHA256SUMS".to_owned(),
                format!("0000  other.zip\n{sum}  {ASSET}\n").into_bytes(),
            ),
        ]));
        let (runner, ran) = install(&release, &system_path());
        assert_eq!(ran.code, Some(0), "{}{}", ran.stdout, ran.stderr);
        let dir = runner.outputs()["dir"].clone();
        let bin = format!("{dir}/bin/faasguard");
        assert_eq!(runner.outputs()["bin"], bin);
        assert_eq!(runner.read("path"), format!("{dir}/bin\n"));
        assert!(
            ran.stdout.contains(&format!(
                "installed faasguard 0.1.0 (x86_64-unknown-linux-musl) from {}/v0.1.0/{ASSET} (SHA-256 {sum})\n",
                release.base
            )),
            "{}",
            ran.stdout
        );
        assert!(ran.stdout.ends_with("faasguard 0.1.0\n"), "{}", ran.stdout);
        assert_eq!(
            std::fs::read(&bin).unwrap(),
            std::fs::read(env!("CARGO_BIN_EXE_faasguard")).unwrap()
        );
    }

    #[test]
    fn install_refuses_a_download_whose_sum_differs() {
        let work = tempfile::tempdir().unwrap();
        let (archive, sum) = asset(work.path());
        let wrong = format!(
            "{}{}",
            &sum[..63],
            if sum.ends_with('0') { '1' } else { '0' }
        );
        for sums in [
            Some(format!("{wrong}  {ASSET}\n")),
            Some("abc  x.zip\n".into()),
            None,
        ] {
            let mut files = BTreeMap::from([(format!("/v0.1.0/{ASSET}"), archive.clone())]);
            if let Some(s) = &sums {
                files.insert("/v0.1.0/SHA256SUMS".to_owned(), s.clone().into_bytes());
            }
            let release = Release::serve(files);
            let (runner, ran) = install(&release, &system_path());
            assert_eq!(ran.code, Some(1), "{sums:?}: {}{}", ran.stdout, ran.stderr);
            let expected = match sums.as_deref() {
                None => format!(
                    "::error::{}/v0.1.0/SHA256SUMS could not be downloaded; not installing an unverified binary\n",
                    release.base
                ),
                Some(s) if s.starts_with("abc") => format!(
                    "::error::checksum mismatch for {ASSET}: SHA256SUMS has 'nothing', the download is {sum}\n"
                ),
                Some(_) => format!(
                    "::error::checksum mismatch for {ASSET}: SHA256SUMS has '{wrong}', the download is {sum}\n"
                ),
            };
            assert_eq!(ran.stdout, expected);
            let dir = runner.outputs()["dir"].clone();
            assert!(!Path::new(&format!("{dir}/bin/faasguard")).exists());
            assert!(!runner.outputs().contains_key("bin"));
        }
    }

    #[test]
    fn install_builds_from_source_only_when_no_release_matches() {
        // A `cargo` first on PATH that records how it was called and installs
        // the binary this suite built where `cargo install --root` would.
        let work = tempfile::tempdir().unwrap();
        let fake = work.path().join("fake-bin");
        std::fs::create_dir_all(&fake).unwrap();
        let log = work.path().join("cargo.log");
        let cargo = fake.join("cargo");
        std::fs::write(
            &cargo,
            format!(
                "#!/bin/sh\necho \"$@\" > '{log}'\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\ncp '{bin}' \"$2/bin/faasguard\"\n",
                log = log.display(),
                bin = env!("CARGO_BIN_EXE_faasguard"),
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let release = Release::serve(BTreeMap::new());
        let path = format!("{}:{}", fake.display(), system_path());
        let (runner, ran) = install(&release, &path);
        assert_eq!(ran.code, Some(0), "{}{}", ran.stdout, ran.stderr);
        let dir = runner.outputs()["dir"].clone();
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            format!("install --locked --path {} --root {dir}\n", root())
        );
        assert!(ran.stdout.starts_with(
            "::notice::no faasguard v0.1.0 release for x86_64-unknown-linux-musl; building it from source"
        ));
        assert_eq!(runner.outputs()["bin"], format!("{dir}/bin/faasguard"));
    }

    const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 901\n";

    /// A `faasguard` that logs each command line (one per line) before
    /// running the real one: how many scans a step runs, and with what.
    fn logging_faasguard(dir: &Path) -> (PathBuf, PathBuf) {
        let log = dir.join("calls.log");
        let wrapper = dir.join("faasguard-logged");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\necho \"$*\" >> '{log}'\nexec '{bin}' \"$@\"\n",
                log = log.display(),
                bin = env!("CARGO_BIN_EXE_faasguard"),
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        (wrapper, log)
    }

    /// Every code fence of the summary is closed.
    fn assert_fences_closed(summary: &str) {
        let fences = summary
            .lines()
            .filter(|l| l.trim_start().starts_with("```"))
            .count();
        assert_eq!(fences % 2, 0, "an open code fence:\n{summary}");
    }

    #[allow(clippy::too_many_arguments)]
    fn scan_step(
        runner: &Runner,
        cwd: &Path,
        faasguard: &Path,
        scan_path: &str,
        fail_on: &str,
        format: &str,
        output: &str,
        advisory_db: &str,
    ) -> Ran {
        runner.run(
            "scan",
            cwd,
            &[
                ("FAASGUARD", &faasguard.display().to_string()),
                ("SCAN_PATH", scan_path),
                ("CONFIG", ""),
                ("FAIL_ON", fail_on),
                ("FORMAT", format),
                ("OUTPUT", output),
                ("ADVISORY_DB", advisory_db),
            ],
        )
    }

    /// git in `dir`, with no user or system configuration.
    fn git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// On a pull request the scan compares with the base commit: the job
    /// fails on the finding the pull request adds, not on the one already
    /// there; a shallow checkout gets the base commit fetched.
    #[test]
    fn pull_requests_fail_only_on_new_findings() {
        let work = tempfile::tempdir().unwrap();
        let origin = work.path().join("origin");
        std::fs::create_dir_all(origin.join("infra")).unwrap();
        std::fs::write(origin.join("infra/template.yaml"), TEMPLATE).unwrap();
        git(&origin, &["init", "-q", "-b", "main"]);
        git(&origin, &["add", "-A"]);
        git(&origin, &["commit", "-q", "-m", "base"]);
        let base = git(&origin, &["rev-parse", "HEAD"]);
        let added = format!("{TEMPLATE}  Fn2:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 0\n");
        std::fs::write(origin.join("infra/template.yaml"), added).unwrap();
        git(&origin, &["commit", "-q", "-am", "pr"]);
        // actions/checkout's default: depth 1, the base commit absent.
        let url = format!("file://{}", origin.display());
        git(work.path(), &["clone", "-q", "--depth", "1", &url, "repo"]);
        let repo = work.path().join("repo");
        let (faasguard, log) = logging_faasguard(work.path());
        let json_path =
            |runner: &Runner| format!("{}/faasguard.json", runner.path("temp").display());
        for (event, expected, new) in [("pull_request", "1", Some(3)), ("push", "1", None)] {
            let _ = std::fs::remove_file(&log);
            let runner = Runner::new();
            let ran = runner.run(
                "scan",
                &repo,
                &[
                    ("FAASGUARD", &faasguard.display().to_string()),
                    ("SCAN_PATH", "infra"),
                    ("FAIL_ON", "medium"),
                    ("FORMAT", "sarif"),
                    ("OUTPUT", "faasguard.sarif"),
                    ("EVENT_NAME", event),
                    ("PR_BASE_SHA", &base),
                    ("GIT_CONFIG_GLOBAL", "/dev/null"),
                    ("GIT_CONFIG_NOSYSTEM", "1"),
                ],
            );
            assert_eq!(ran.code, Some(0), "{}{}", ran.stdout, ran.stderr);
            let out = runner.outputs();
            assert_eq!(out["exit-code"], expected, "{event}: {}", ran.stderr);
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(json_path(&runner)).unwrap())
                    .unwrap();
            // The timeout rule's findings (Fn2 also adds a low tracing one and a
            // low code signing one: three new in all).
            let findings: Vec<&serde_json::Value> = json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["rule_id"] == "FG-TMO-001")
                .collect();
            assert_eq!(findings.len(), 2, "{json:#}");
            let summary = runner.read("summary");
            let calls = std::fs::read_to_string(&log).unwrap();
            if let Some(new) = new {
                assert_eq!(json["baseline_commit"]["new"], new);
                assert_eq!(json["baseline_commit"]["commit"], base.as_str());
                let states: Vec<(&str, u64)> = findings
                    .iter()
                    .map(|f| {
                        (
                            f["baseline"].as_str().unwrap(),
                            f["start"]["line"].as_u64().unwrap(),
                        )
                    })
                    .collect();
                assert_eq!(states, [("unchanged", 6), ("new", 10)]);
                assert!(
                    calls.starts_with(&format!(
                        "scan infra --format json --output {} --sarif-output faasguard.sarif \
                         --fail-on medium --baseline-commit {base}\n",
                        json_path(&runner)
                    )),
                    "{calls}"
                );
                assert!(
                    ran.stdout.contains(&format!("::notice::fetching {base}")),
                    "{}",
                    ran.stdout
                );
                let verdict = format!(
                    "findings new since {} at or above medium: the job fails",
                    &base[..12]
                );
                assert!(summary.contains(&verdict), "{summary}");
            } else {
                assert!(json.get("baseline_commit").is_none());
                assert!(!calls.contains("--baseline-commit"), "{calls}");
                assert!(
                    summary.contains("findings at or above medium: the job fails"),
                    "{summary}"
                );
            }
        }
    }

    fn fail_step(runner: &Runner, code: &str, fail_on: &str) -> Ran {
        runner.run(
            "fail",
            &common::root(),
            &[("CODE", code), ("FAIL_ON", fail_on)],
        )
    }

    #[test]
    fn scan_runs_once_and_fail_on_decides_the_exit_code() {
        let work = tempfile::tempdir().unwrap();
        let repo = work.path().join("repo");
        std::fs::create_dir_all(repo.join("infra")).unwrap();
        std::fs::write(repo.join("infra/template.yaml"), TEMPLATE).unwrap();
        let (faasguard, log) = logging_faasguard(work.path());
        for (fail_on, expected) in [("low", 1), ("medium", 1), ("high", 0), ("critical", 0)] {
            let _ = std::fs::remove_file(&log);
            let runner = Runner::new();
            let ran = scan_step(
                &runner,
                &repo,
                &faasguard,
                "infra",
                fail_on,
                "sarif",
                "faasguard.sarif",
                "",
            );
            // Findings never fail the scan step itself: the SARIF upload comes first.
            assert_eq!(ran.code, Some(0), "{fail_on}: {}{}", ran.stdout, ran.stderr);
            let out = runner.outputs();
            assert_eq!(out["exit-code"], expected.to_string(), "{fail_on}");
            assert_eq!(out["sarif"], "faasguard.sarif");
            let json_path = format!("{}/faasguard.json", runner.path("temp").display());
            assert_eq!(out["json"], json_path);
            // One scan; the summary is made from its JSON.
            assert_eq!(
                std::fs::read_to_string(&log).unwrap(),
                format!(
                    "scan infra --format json --output {json_path} --sarif-output faasguard.sarif --fail-on {fail_on}\n\
                     report --input {json_path} --format markdown --output {}/faasguard-summary.md\n",
                    runner.path("temp").display()
                )
            );
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
            let sarif: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(repo.join("faasguard.sarif")).unwrap(),
            )
            .unwrap();
            assert_eq!(
                sarif["runs"][0]["results"].as_array().map(Vec::len),
                json["findings"].as_array().map(Vec::len)
            );
            let summary = runner.read("summary");
            let verdict = if expected == 1 {
                format!("findings at or above {fail_on}: the job fails")
            } else {
                format!("no finding at or above {fail_on}")
            };
            assert!(
                summary.starts_with(&format!("### faasguard\n\n```text\n{verdict}\n```\n\n")),
                "{summary}"
            );
            assert!(summary.contains("FG-TMO-001"), "{summary}");
            assert!(summary.contains("infra/template.yaml"), "{summary}");
            assert_fences_closed(&summary);
            // The last step turns the recorded code into the job's result.
            let fail = fail_step(&runner, &out["exit-code"], fail_on);
            assert_eq!(fail.code, Some(expected), "{fail_on}: {}", fail.stdout);
        }
    }

    #[test]
    fn a_scan_that_cannot_run_still_closes_the_summary_and_fails_with_2() {
        let work = tempfile::tempdir().unwrap();
        let (faasguard, _) = logging_faasguard(work.path());
        let runner = Runner::new();
        let ran = scan_step(
            &runner,
            work.path(),
            &faasguard,
            "infra typo",
            "low",
            "sarif",
            "faasguard.sarif",
            "",
        );
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        assert!(
            ran.stderr.contains(
                "error: infra: no such file or directory\nerror: typo: no such file or directory\n"
            ),
            "{}",
            ran.stderr
        );
        let out = runner.outputs();
        assert_eq!(out["exit-code"], "2");
        assert!(
            !out.contains_key("sarif") && !out.contains_key("json"),
            "{out:?}"
        );
        assert_eq!(
            runner.read("summary"),
            "### faasguard\n\n```text\nfaasguard could not complete the scan (exit 2): see the step log\n```\n\n"
        );
        let fail = fail_step(&runner, "2", "low");
        assert_eq!(fail.code, Some(2));
        assert_eq!(
            fail.stdout,
            "::error::faasguard exited with 2 (2: usage, configuration, policy or input error)\n"
        );
        // An unknown format is refused before any scan.
        let runner = Runner::new();
        let ran = scan_step(
            &runner,
            work.path(),
            &faasguard,
            ".",
            "low",
            "junit",
            "x.xml",
            "",
        );
        assert_eq!(ran.code, Some(0));
        assert_eq!(
            ran.stdout,
            "::error::format 'junit' is not one of sarif, json, markdown, html\n"
        );
        assert_eq!(runner.outputs()["exit-code"], "2");
    }

    #[test]
    fn other_formats_and_the_advisory_db_come_from_the_same_scan() {
        let work = tempfile::tempdir().unwrap();
        let (faasguard, log) = logging_faasguard(work.path());
        let root = common::root();
        let db = root.join("fixtures/deps/advisory-db").display().to_string();
        let runner = Runner::new();
        let ran = scan_step(
            &runner,
            &root,
            &faasguard,
            "fixtures/deps",
            "critical",
            "markdown",
            &work.path().join("report.md").display().to_string(),
            &db,
        );
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        let calls = std::fs::read_to_string(&log).unwrap();
        let scans: Vec<&str> = calls.lines().filter(|l| l.starts_with("scan ")).collect();
        assert_eq!(scans.len(), 1, "{calls}");
        assert!(
            scans[0].ends_with(&format!("--fail-on critical --advisory-db {db}")),
            "{calls}"
        );
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(runner.path("temp/faasguard.json")).unwrap(),
        )
        .unwrap();
        // The database was used: the vulnerable package is reported.
        assert!(
            json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule_id"] == "FG-DEP-001"),
            "{json:#}"
        );
        let report = std::fs::read_to_string(work.path().join("report.md")).unwrap();
        assert!(report.contains("FG-DEP-001"));
        assert_eq!(
            runner.outputs()["sarif"],
            format!("{}/faasguard.sarif", runner.path("temp").display())
        );
        assert_fences_closed(&runner.read("summary"));
    }
}

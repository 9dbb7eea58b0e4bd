//! The rule fixtures under `fixtures/rules/<ID>/` and what they promise.
//!
//! Each entry whose name starts with `pass` or `fail` is one fixture: a file
//! (`*.sam.yaml`, `*.cfn.yaml`, `*.cfn.json`, `*.tf`, `*.tf.json`,
//! `*.plan.json` for `terraform show -json` output, `*.serverless.yml`) or a
//! directory scanned as a whole (a Terraform module with its local modules, a
//! service with the files it reads). Every fixture stands alone: scanned by
//! itself, a `pass*` fixture gets no finding of its rule, and a `fail*`
//! fixture gets findings of its rule at exactly the expected positions (other
//! rules may fire).
//!
//! The expected positions have one source: `expected.toml` and the
//! per-format `expected.<format>.toml` files beside the fixtures (merged; a
//! fixture may be listed once). For a file, `lines` and `columns` pair by
//! index, one entry per finding, so `lines` alone stays readable by tools
//! that only compare lines; a directory lists `path:line:column` in `at`:
//!
//! ```toml
//! allowed_regions = ["eu"]        # optional settings for the scan
//! [files."fail.sam.yaml"]
//! lines = [21, 30]
//! columns = [9, 17]               # findings at 21:9 and 30:17
//! [files."fail-module"]
//! at = ["main.tf:12:5", "modules/fn/main.tf:3:13"]
//! ```
//!
//! A fixture whose rule cannot decide (its value is unknown: a variable
//! without a default, an `Fn::If`, a `${ssm:}` lookup) lists where the rule
//! says so in `undecided`, as positions like `at`'s or `line:column` for a
//! file; every other fixture must leave its rule nothing undecided. Such a
//! fixture is a `pass*` one (no finding on an unknown value), usually named
//! `pass-unknown*`:
//!
//! ```toml
//! [files."pass-unknown.tf"]
//! undecided = ["9:19"]            # the variable's use
//! ```
//!
//! Fixtures in one folder also live together: scanning the folder whole (one
//! Terraform module for all its `.tf`/`.tf.json` files, so pass and fail
//! fixtures declare different addresses) gives no finding of the rule in a
//! `pass*` fixture and the same positions in each `fail*` fixture as alone.
//! Finally each built-in rule has a passing and a failing fixture in every
//! format it applies to (its metadata's `formats`; none declared means all).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use faasguard::scan::Outcome;

use crate::common;

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expected {
    #[serde(default)]
    pub(crate) allowed_regions: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, FileExpectation>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileExpectation {
    /// Line of each finding in the fixture file.
    #[serde(default)]
    lines: Vec<u32>,
    /// Column of each finding, paired with `lines` by index.
    #[serde(default)]
    columns: Vec<u32>,
    /// `path:line:column` of each finding inside a fixture directory.
    #[serde(default)]
    at: Vec<String>,
    /// Where the rule records an undecided check (`line:column` in a file,
    /// `path:line:column` in a directory).
    #[serde(default)]
    undecided: Vec<String>,
}

/// One rule's fixture folder.
pub(crate) struct RuleDir {
    pub(crate) rule: String,
    pub(crate) dir: PathBuf,
    pub(crate) expected: Expected,
    /// The `pass*`/`fail*` entries, sorted by name.
    pub(crate) fixtures: Vec<String>,
}

/// Every `fixtures/rules/<ID>` folder, sorted by id.
pub(crate) fn rule_dirs() -> Vec<RuleDir> {
    let root = common::root().join("fixtures/rules");
    let mut out = Vec::new();
    for rule in sorted_names(&root) {
        let dir = root.join(&rule);
        let expected = expectations(&rule, &dir);
        let fixtures = sorted_names(&dir)
            .into_iter()
            .filter(|n| !n.starts_with("expected"))
            .inspect(|n| {
                assert!(
                    n.starts_with("pass") || n.starts_with("fail"),
                    "{rule}/{n}: fixture names start with pass or fail"
                );
            })
            .collect();
        out.push(RuleDir {
            rule,
            dir,
            expected,
            fixtures,
        });
    }
    assert!(out.len() > 30, "only {} rule folders", out.len());
    out
}

fn sorted_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// `expected.toml` and every `expected.<format>.toml` of a rule, merged.
fn expectations(rule: &str, dir: &Path) -> Expected {
    let mut merged = Expected::default();
    for name in sorted_names(dir) {
        if !(name.starts_with("expected") && name.ends_with(".toml")) {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(&name)).expect("read");
        let e: Expected = toml::from_str(&text).unwrap_or_else(|e| panic!("{rule}/{name}: {e}"));
        if !e.allowed_regions.is_empty() {
            merged.allowed_regions = e.allowed_regions;
        }
        for (file, exp) in e.files {
            assert!(
                merged.files.insert(file.clone(), exp).is_none(),
                "{rule}: {file} expected twice"
            );
        }
    }
    merged
}

/// Scan `path` (a fixture, or a whole rule folder) with the folder's settings.
pub(crate) fn scan(path: &Path, expected: &Expected) -> Outcome {
    let mut settings = common::settings(&[path]);
    settings.allowed_regions = expected.allowed_regions.clone();
    common::scan_with(&settings)
}

/// Where `rule` fired in a scan of `scanned`, as `line:column` when it is a
/// file and `path:line:column` (relative to it) when it is a directory.
pub(crate) fn positions(rule: &str, scanned: &Path, outcome: &Outcome) -> Vec<String> {
    let spans = outcome
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| f.span);
    places(spans, scanned, outcome)
}

/// Where `rule` recorded an undecided check, in the form of [`positions`].
pub(crate) fn undecided_positions(rule: &str, scanned: &Path, outcome: &Outcome) -> Vec<String> {
    let spans = outcome
        .undecided
        .iter()
        .filter(|u| u.rule_id == rule)
        .map(|u| u.span);
    places(spans, scanned, outcome)
}

/// Each span's start as [`positions`] writes it, sorted.
fn places(
    spans: impl Iterator<Item = faasguard::source::Span>,
    scanned: &Path,
    outcome: &Outcome,
) -> Vec<String> {
    let mut out: Vec<String> = spans
        .map(|span| {
            let source = outcome.sources.get(span.file).expect("the span's file");
            let at = source.line_col(span.start);
            if scanned.is_dir() {
                format!(
                    "{}:{}:{}",
                    relative(&source.path, scanned),
                    at.line,
                    at.column
                )
            } else {
                format!("{}:{}", at.line, at.column)
            }
        })
        .collect();
    out.sort_unstable();
    out
}

/// The undecided checks `expected*.toml` promises for a fixture (none when
/// it lists none).
fn expected_undecided(dir: &RuleDir, name: &str) -> Vec<String> {
    let mut want = dir
        .expected
        .files
        .get(name)
        .map(|e| e.undecided.clone())
        .unwrap_or_default();
    want.sort_unstable();
    want
}

/// `path` relative to the scanned directory, with `/` separators.
fn relative(path: &Path, scanned: &Path) -> String {
    let p = path.strip_prefix(scanned).unwrap_or(path);
    p.to_string_lossy().replace('\\', "/")
}

/// The positions `expected*.toml` promises for a failing fixture.
fn expected_positions(dir: &RuleDir, name: &str) -> Result<Vec<String>, String> {
    let e = dir
        .expected
        .files
        .get(name)
        .ok_or_else(|| format!("{}: no expectation for {name}", dir.rule))?;
    let mut want: Vec<String> = if dir.dir.join(name).is_dir() {
        e.at.clone()
    } else {
        if e.lines.len() != e.columns.len() || !e.at.is_empty() {
            return Err(format!(
                "{}/{name}: give `lines` and `columns` of the same length (one per finding), no `at`",
                dir.rule
            ));
        }
        e.lines
            .iter()
            .zip(&e.columns)
            .map(|(l, c)| format!("{l}:{c}"))
            .collect()
    };
    if want.is_empty() {
        return Err(format!(
            "{}/{name}: a failing fixture expects no finding",
            dir.rule
        ));
    }
    want.sort_unstable();
    Ok(want)
}

#[test]
fn every_fixture_alone_gives_exactly_its_expected_positions() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for dir in rule_dirs() {
        for (name, e) in &dir.expected.files {
            let only_undecided = e.lines.is_empty() && e.columns.is_empty() && e.at.is_empty();
            let known_kind =
                name.starts_with("fail") || (name.starts_with("pass") && only_undecided);
            if !known_kind || !dir.fixtures.contains(name) {
                problems.push(format!(
                    "{}: expectation for {name}, which is not a failing fixture (or a passing one with only `undecided`) here",
                    dir.rule
                ));
            }
        }
        for name in &dir.fixtures {
            let path = dir.dir.join(name);
            let outcome = scan(&path, &dir.expected);
            if !outcome.diagnostics.is_empty() {
                problems.push(format!(
                    "{}/{name}: diagnostics {:?}",
                    dir.rule, outcome.diagnostics
                ));
            }
            let got = positions(&dir.rule, &path, &outcome);
            let want = if name.starts_with("pass") {
                Vec::new()
            } else {
                match expected_positions(&dir, name) {
                    Ok(w) => w,
                    Err(e) => {
                        problems.push(e);
                        continue;
                    }
                }
            };
            if got != want {
                problems.push(format!(
                    "{}/{name}: expected {} at {want:?}, got {got:?}",
                    dir.rule, dir.rule
                ));
            }
            let got = undecided_positions(&dir.rule, &path, &outcome);
            let want = expected_undecided(&dir, name);
            if got != want {
                problems.push(format!(
                    "{}/{name}: expected {} undecided at {want:?}, got {got:?}",
                    dir.rule, dir.rule
                ));
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert!(checked > 400, "only {checked} fixtures");
}

#[test]
fn every_rule_folder_scanned_whole_keeps_each_fixture_its_own_result() {
    let mut problems = Vec::new();
    for dir in rule_dirs() {
        let outcome = scan(&dir.dir, &dir.expected);
        if !outcome.diagnostics.is_empty() {
            problems.push(format!(
                "{} whole: diagnostics {:?}",
                dir.rule, outcome.diagnostics
            ));
        }
        // `fail.tf:3:5` → fixture `fail.tf`, position `3:5`;
        // `fail-module/main.tf:4:13` → `fail-module`, `main.tf:4:13`.
        let mut by_fixture: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in positions(&dir.rule, &dir.dir, &outcome) {
            let (fixture, at) = match p.split_once('/') {
                Some((first, rest)) if dir.dir.join(first).is_dir() => {
                    (first.to_string(), rest.to_string())
                }
                _ => {
                    let (file, at) = p.split_once(':').expect("path:line:column");
                    (file.to_string(), at.to_string())
                }
            };
            by_fixture.entry(fixture).or_default().push(at);
        }
        for (fixture, got) in by_fixture.iter_mut() {
            got.sort_unstable();
            if fixture.starts_with("pass") {
                problems.push(format!(
                    "{} whole: {} fires in {fixture} at {got:?}",
                    dir.rule, dir.rule
                ));
            }
        }
        for name in dir.fixtures.iter().filter(|n| n.starts_with("fail")) {
            let want = expected_positions(&dir, name).unwrap_or_default();
            let got = by_fixture.get(name).cloned().unwrap_or_default();
            if got != want {
                problems.push(format!(
                    "{} whole: {name} expected at {want:?}, got {got:?}",
                    dir.rule
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The formats a fixture can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Format {
    /// `*.sam.yaml`, `*.cfn.yaml`.
    CloudFormationYaml,
    /// `*.cfn.json`.
    CloudFormationJson,
    /// `*.tf`, or a directory of them.
    Terraform,
    /// `*.tf.json`.
    TerraformJson,
    /// `*.plan.json`: `terraform show -json` of a plan.
    TerraformPlan,
    /// `*.serverless.yml`, or a directory with a `serverless.yml`.
    Serverless,
}

impl Format {
    fn of(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?;
        if path.is_dir() {
            let inner = sorted_names(path);
            return if inner.iter().any(|n| n.starts_with("serverless.")) {
                Some(Format::Serverless)
            } else if inner.iter().any(|n| n.ends_with(".tf")) {
                Some(Format::Terraform)
            } else if inner.iter().any(|n| n.ends_with(".tf.json")) {
                Some(Format::TerraformJson)
            } else {
                None
            };
        }
        [
            (".plan.json", Format::TerraformPlan),
            (".tf.json", Format::TerraformJson),
            (".cfn.json", Format::CloudFormationJson),
            (".tf", Format::Terraform),
            (".sam.yaml", Format::CloudFormationYaml),
            (".cfn.yaml", Format::CloudFormationYaml),
            (".serverless.yml", Format::Serverless),
        ]
        .into_iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map(|(_, f)| f)
    }

    /// The fixture formats a metadata `formats` entry stands for.
    fn declared(name: &str) -> Option<&'static [Format]> {
        match name {
            "cloudformation" | "sam" => {
                Some(&[Format::CloudFormationYaml, Format::CloudFormationJson])
            }
            "terraform" => Some(&[
                Format::Terraform,
                Format::TerraformJson,
                Format::TerraformPlan,
            ]),
            "serverless" => Some(&[Format::Serverless]),
            _ => None,
        }
    }

    const ALL: [Format; 6] = [
        Format::CloudFormationYaml,
        Format::CloudFormationJson,
        Format::Terraform,
        Format::TerraformJson,
        Format::TerraformPlan,
        Format::Serverless,
    ];
}

/// For each built-in rule, a passing and a failing fixture in each format its
/// metadata declares (all of them when it declares none), and no fixture in a
/// format it says it does not read.
/// A rule that can say "undecided" shows it in a fixture: the promise of
/// `lib.undecided` is tested where it is made.
#[test]
fn every_rule_that_lists_undecided_checks_has_a_fixture_showing_one() {
    let id = regex::Regex::new(r#""id":\s*"(FG-[A-Z]+-[0-9]+)""#).unwrap();
    let mut rules = BTreeSet::new();
    for area in sorted_names(&common::root().join("policies")) {
        let dir = common::root().join("policies").join(&area);
        for name in sorted_names(&dir)
            .into_iter()
            .filter(|n| n.ends_with(".rego"))
        {
            let text = std::fs::read_to_string(dir.join(&name)).expect("read");
            if text.contains("\nundecided contains") {
                if let Some(c) = id.captures(&text) {
                    rules.insert(c[1].to_string());
                }
            }
        }
    }
    assert!(rules.len() >= 9, "only {rules:?}");
    let shown: BTreeSet<String> = rule_dirs()
        .into_iter()
        .filter(|d| d.expected.files.values().any(|e| !e.undecided.is_empty()))
        .map(|d| d.rule)
        .collect();
    let missing: Vec<&String> = rules.difference(&shown).collect();
    assert!(
        missing.is_empty(),
        "rules listing undecided checks without a fixture showing one: {missing:?}"
    );
}

#[test]
fn every_declared_format_has_a_passing_and_a_failing_fixture() {
    let settings = common::settings(&[]);
    let engine = faasguard::scan::load_engine(&settings).expect("policies load");
    let dirs: BTreeMap<String, RuleDir> = rule_dirs()
        .into_iter()
        .map(|d| (d.rule.clone(), d))
        .collect();
    let mut problems = Vec::new();
    let mut pairs = 0;
    for rule in engine.rules() {
        let id = &rule.meta.id;
        let mut declared = BTreeSet::new();
        for name in &rule.meta.formats {
            match Format::declared(name) {
                Some(fs) => declared.extend(fs.iter().copied()),
                None => problems.push(format!("{id}: unknown format `{name}` in metadata")),
            }
        }
        if rule.meta.formats.is_empty() {
            declared.extend(Format::ALL);
        }
        let Some(dir) = dirs.get(id) else {
            problems.push(format!("{id}: no fixtures/rules/{id}"));
            continue;
        };
        let mut have: BTreeMap<(Format, bool), Vec<&str>> = BTreeMap::new();
        for name in &dir.fixtures {
            match Format::of(&dir.dir.join(name)) {
                Some(f) => have
                    .entry((f, name.starts_with("pass")))
                    .or_default()
                    .push(name),
                None => problems.push(format!("{id}/{name}: format not recognised")),
            }
        }
        for f in &declared {
            for (passing, kind) in [(true, "passing"), (false, "failing")] {
                if have.contains_key(&(*f, passing)) {
                    pairs += 1;
                } else {
                    problems.push(format!("{id}: no {kind} {f:?} fixture"));
                }
            }
        }
        for ((f, _), names) in &have {
            if !declared.contains(f) {
                problems.push(format!(
                    "{id}: {names:?} are {f:?}, which the rule's formats leave out"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert!(pairs > 400, "only {pairs}");
}

#[test]
fn every_builtin_rule_has_passing_and_failing_fixtures() {
    let settings = common::settings(&[]);
    let mut engine = faasguard::scan::load_engine(&settings).expect("policies load");
    // The load-time checks a user's policies get on every run.
    faasguard::engine::Engine::check(&faasguard::scan::builtin_policies())
        .expect("every call in the built-in policies is a known builtin or function");
    engine
        .dry_run()
        .expect("every built-in rule runs on an empty model");
    let mut missing = Vec::new();
    for rule in engine.rules() {
        let dir = common::root().join("fixtures/rules").join(&rule.meta.id);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
        if !has("pass") || !has("fail") {
            missing.push(rule.meta.id.clone());
        }
        for section in ["What it does", "Why is this bad?", "Example", "Use instead"] {
            if faasguard::rule::section(&rule.doc, section).is_empty() {
                missing.push(format!("{}: doc section `{section}`", rule.meta.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without fixtures or docs: {missing:?}"
    );
}

/// Rules whose input collections are all empty in a template are skipped;
/// on every fixture template that must give exactly what evaluating every
/// rule gives.
#[test]
fn skipping_rules_with_nothing_to_read_changes_no_result() {
    let settings = common::settings(&[]);
    let mut fast = faasguard::scan::load_engine(&settings).expect("policies load");
    let mut full = fast.clone();
    full.set_skip_empty(false);
    let mut files = Vec::new();
    let mut stack = vec![common::root().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut checked = 0;
    for f in files {
        let Ok(model) = faasguard::scan::model_json(&f) else {
            continue;
        };
        let input = regorus::Value::from_json_str(&model.to_string()).unwrap();
        let key = |mut v: Vec<faasguard::engine::RawResult>| {
            v.sort_by(|a, b| {
                (a.rule, &a.resource, &a.path, &a.message).cmp(&(
                    b.rule,
                    &b.resource,
                    &b.path,
                    &b.message,
                ))
            });
            v
        };
        let a = key(fast.eval(input.clone()).unwrap());
        let b = key(full.eval(input).unwrap());
        assert_eq!(a, b, "{}", f.display());
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

/// FG-IAM-015 writes out the services of the actions its paths need, so that a template
/// granting none of them skips the path tables: the list must name exactly those services.
#[test]
fn privilege_escalation_needed_services_match_its_paths() {
    let mut e = regorus::Engine::new();
    for p in [
        "policies/lib/lib.rego",
        "policies/iam/lib.rego",
        "policies/iam/privilege_escalation_path.rego",
    ] {
        e.add_policy_from_file(common::root().join(p)).unwrap();
    }
    e.add_policy(
        "agree.rego".into(),
        "package agree\n\nimport rego.v1\n\nimport data.faasguard.rules.iam.privilege_escalation_path as p\n\n\
         services := {split(a, \":\")[0] | some a in p.needed}\n\n\
         agree if p.needed_services == services\n"
            .into(),
    )
    .unwrap();
    let services = e.eval_rule("data.agree.services".into()).unwrap();
    assert_eq!(
        e.eval_rule("data.agree.agree".into()).unwrap(),
        regorus::Value::from(true),
        "needed_services should be {services}"
    );
}

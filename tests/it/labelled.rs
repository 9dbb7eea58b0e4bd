//! How faasguard compares with its peers' labelled test cases
//! (`../shared/corpus/labelled`, mapped in `tests/labelled.toml`): KICS
//! queries and Checkov checks for CloudFormation, Terraform and the
//! Serverless Framework. For each format it counts the labelled positives
//! caught (KICS: at the labelled line, elsewhere in the resource KICS names,
//! or on a policy linked to it; Checkov: on the failing resource or file) and
//! the negatives left quiet. The figures are printed
//! (`cargo test --test it labelled -- --nocapture`) raw and with the labels
//! faasguard disagrees with set apart (`[disagree]` in `tests/labelled.toml`,
//! each with its reason, checked to still disagree; the long form in
//! `docs/labelled.md`); the latter must not fall below the floors here.
//! Without `../shared` the tests skip.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common;

/// Peer query or check id → the faasguard rules that answer it, per platform.
type RuleMap = BTreeMap<String, BTreeMap<String, Vec<String>>>;
/// Peer query or check id → why faasguard does not answer it, per platform.
type Reasons = BTreeMap<String, BTreeMap<String, String>>;

#[derive(serde::Deserialize)]
struct Map {
    kics: RuleMap,
    checkov: RuleMap,
    out_of_scope: OutOfScope,
    #[serde(default)]
    disagree: Disagreements,
}

/// Labels faasguard disagrees with, per peer and platform: the case as the
/// tally names it (`query/file:line` for a KICS positive, `query/file` for a
/// negative, `CHECK resource` for Checkov) → why the label is wrong for
/// faasguard (docs/labelled.md, "Disagreements we keep").
#[derive(serde::Deserialize, Default)]
struct Disagreements {
    #[serde(default)]
    kics: Reasons,
    #[serde(default)]
    checkov: Reasons,
}

#[derive(serde::Deserialize)]
struct OutOfScope {
    kics: Reasons,
    checkov: Reasons,
}

fn map() -> Map {
    let text = std::fs::read_to_string(common::root().join("tests/labelled.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

/// The mapping of one platform (`[kics.terraform]`), empty when absent.
fn section(m: &RuleMap, platform: &str) -> BTreeMap<String, Vec<String>> {
    m.get(platform).cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Locating findings in the source, as the peers label them.

/// One finding of a scan, with what is needed to compare it with a label.
#[derive(Debug, Clone)]
struct Located {
    rule: String,
    /// 1-based line where the finding's span starts.
    line: u32,
    /// The source resource of the finding's model item: the part of the item
    /// id before `/` (CloudFormation logical id, Terraform address).
    item: String,
    /// The lines of that resource's block in the finding's file.
    block: Option<(u32, u32)>,
}

/// Scan `paths` together (one Terraform module per directory) and locate
/// every finding.
fn scan(paths: &[&Path]) -> Vec<Located> {
    let outcome = common::scan_with(&common::settings(paths));
    outcome
        .findings
        .iter()
        .map(|f| {
            let src = outcome.sources.get(f.span.file);
            let item = f
                .resource
                .as_deref()
                .unwrap_or("")
                .split('/')
                .next()
                .unwrap_or("")
                .to_string();
            Located {
                rule: f.rule_id.clone(),
                line: src.map_or(0, |s| s.line_col(f.span.start).line),
                block: src.and_then(|s| block_lines(&s.path, &s.text, &item)),
                item,
            }
        })
        .collect()
}

/// The findings of `rules` only.
fn of_rules(found: Vec<Located>, rules: &[String]) -> Vec<Located> {
    found
        .into_iter()
        .filter(|f| rules.contains(&f.rule))
        .collect()
}

/// The lines of the block that declares `item` in a file: a Terraform
/// `resource`/`data` block, or a YAML/JSON `LogicalId:` entry.
fn block_lines(path: &Path, text: &str, item: &str) -> Option<(u32, u32)> {
    if is_hcl(path) {
        tf_blocks(text)
            .into_iter()
            .find(|(address, _, _)| address == item)
            .map(|(_, a, b)| (a, b))
    } else {
        yaml_block(text, item)
    }
}

fn is_hcl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tf")
}

/// The lines of a YAML or JSON entry `key:`: from its header to the line
/// before the next key at the same indentation (or less).
fn yaml_block(text: &str, key: &str) -> Option<(u32, u32)> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |t: &str| t.len() - t.trim_start().len();
    let header = lines.iter().position(|l| {
        let t = l.trim_start();
        let t = t.strip_prefix('"').unwrap_or(t);
        t.strip_prefix(key).is_some_and(|rest| {
            let rest = rest.strip_prefix('"').unwrap_or(rest);
            rest.trim_start().starts_with(':')
        })
    })?;
    let level = indent(lines.get(header)?);
    let end = lines
        .iter()
        .enumerate()
        .skip(header + 1)
        .find(|(_, t)| {
            !t.trim().is_empty() && indent(t) <= level && !t.trim_start().starts_with(['}', ']'])
        })
        .map_or(lines.len(), |(n, _)| n);
    Some((header as u32 + 1, end as u32))
}

/// Top-level Terraform `resource "T" "N"` and `data "T" "N"` blocks of a
/// `.tf` file: (address, first line, last line). A block ends at the first
/// later line that starts with `}` (Terraform style puts the closing brace
/// of a top-level block at column 0).
pub(crate) fn tf_blocks(text: &str) -> Vec<(String, u32, u32)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let (kind, rest) = if let Some(r) = line.strip_prefix("resource") {
            ("", r)
        } else if let Some(r) = line.strip_prefix("data") {
            ("data.", r)
        } else {
            continue;
        };
        let labels: Vec<&str> = rest.split('"').collect();
        let (Some(ty), Some(name)) = (labels.get(1), labels.get(3)) else {
            continue;
        };
        let end = if rest.trim_end().ends_with('}') {
            n
        } else {
            (n + 1..lines.len())
                .find(|&m| lines.get(m).is_some_and(|l| l.starts_with('}')))
                .unwrap_or(lines.len().saturating_sub(1))
        };
        out.push((format!("{kind}{ty}.{name}"), n as u32 + 1, end as u32 + 1));
    }
    out
}

/// Which model items of a Terraform unit are linked: a policy and the
/// principals it is attached to, a function and its role. KICS names the
/// role, user or function; faasguard reports the policy that grants.
fn model_links(path: &Path) -> BTreeSet<(String, String)> {
    let Ok(model) = faasguard::scan::model_json(path) else {
        return BTreeSet::new();
    };
    let head = |v: &Value| {
        v.as_str()
            .map(|s| s.split('/').next().unwrap_or("").to_string())
    };
    let mut links = BTreeSet::new();
    let mut link = |a: Option<String>, b: Option<String>| {
        if let (Some(a), Some(b)) = (a, b) {
            links.insert((a.clone(), b.clone()));
            links.insert((b, a));
        }
    };
    for p in model["policies"].as_array().into_iter().flatten() {
        for owner in p["attached_to"].as_array().into_iter().flatten() {
            link(head(&p["id"]), head(owner));
        }
    }
    for f in model["functions"].as_array().into_iter().flatten() {
        link(head(&f["id"]), head(&f["role"]));
    }
    links
}

/// `to` is `from` or at most two links away (function → role → policy).
fn linked(links: &BTreeSet<(String, String)>, from: &str, to: &str) -> bool {
    from == to
        || links.contains(&(from.to_string(), to.to_string()))
        || links
            .iter()
            .filter(|(a, _)| a == from)
            .any(|(_, mid)| links.contains(&(mid.clone(), to.to_string())))
}

// ---------------------------------------------------------------------------
// Tallies.

#[derive(Default, Debug)]
struct Tally {
    positives: usize,
    /// Every positive caught, however it was located.
    caught: usize,
    /// KICS: caught in the resource KICS names, but further than
    /// `LINE_TOLERANCE` from its line (KICS points at a parent key or the
    /// header, we at the offending value).
    in_resource: usize,
    /// KICS: caught on a policy linked to the resource KICS names.
    linked: usize,
    negatives: usize,
    quiet: usize,
    /// Positives not caught and negatives flagged: the case's name (as
    /// `[disagree]` lists it) and what faasguard reported.
    misses: Vec<(String, String)>,
    noise: Vec<(String, String)>,
    /// Missed positives and flagged negatives whose label faasguard
    /// disagrees with, for the reason `[disagree]` gives.
    disagreed_positives: Vec<String>,
    disagreed_negatives: Vec<String>,
}

impl Tally {
    fn rate(a: usize, b: usize) -> f64 {
        if b == 0 {
            1.0
        } else {
            a as f64 / b as f64
        }
    }

    fn negative(&mut self, what: String, got: String, flagged: bool) {
        self.negatives += 1;
        if flagged {
            self.noise.push((what, got));
        } else {
            self.quiet += 1;
        }
    }

    /// Sets the documented disagreements apart. Each must still hold: a
    /// listed positive is still missed, a listed negative still flagged
    /// (else the entry is stale and the figures would hide it).
    fn set_apart(&mut self, name: &str, disagree: &BTreeMap<String, String>) {
        let mut stale = Vec::new();
        for (case, reason) in disagree {
            assert!(!reason.trim().is_empty(), "{name}: {case} needs a reason");
            if let Some(i) = self.misses.iter().position(|(m, _)| m == case) {
                self.misses.remove(i);
                self.disagreed_positives.push(case.clone());
            } else if let Some(i) = self.noise.iter().position(|(n, _)| n == case) {
                self.noise.remove(i);
                self.disagreed_negatives.push(case.clone());
            } else {
                stale.push(case.clone());
            }
        }
        assert!(
            stale.is_empty(),
            "{name}: these disagreements no longer hold (faasguard now agrees with the label, or the case is gone); remove them from [disagree] in tests/labelled.toml: {stale:?}"
        );
    }

    /// Positives caught or set apart as wrongly labelled.
    fn caught_judged(&self) -> usize {
        self.caught + self.disagreed_positives.len()
    }

    fn quiet_judged(&self) -> usize {
        self.quiet + self.disagreed_negatives.len()
    }

    fn print(&self, name: &str, lines: bool) {
        println!(
            "{name}: caught {}/{} positives ({:.0}%), missed {}; quiet on {}/{} negatives ({:.0}%)",
            self.caught,
            self.positives,
            100.0 * Self::rate(self.caught, self.positives),
            self.positives - self.caught,
            self.quiet,
            self.negatives,
            100.0 * Self::rate(self.quiet, self.negatives)
        );
        if lines {
            println!(
                "  caught at the KICS line ±{LINE_TOLERANCE}: {}; elsewhere in the resource KICS names: {}; on a policy linked to it: {}",
                self.caught - self.in_resource - self.linked,
                self.in_resource,
                self.linked
            );
        }
        if !self.disagreed_positives.is_empty() || !self.disagreed_negatives.is_empty() {
            println!(
                "  with {} positive and {} negative labels set apart as wrong (tests/labelled.toml [disagree]): caught {}/{} ({:.0}%), quiet on {}/{} ({:.0}%)",
                self.disagreed_positives.len(),
                self.disagreed_negatives.len(),
                self.caught_judged(),
                self.positives,
                100.0 * Self::rate(self.caught_judged(), self.positives),
                self.quiet_judged(),
                self.negatives,
                100.0 * Self::rate(self.quiet_judged(), self.negatives)
            );
        }
        for (m, got) in &self.misses {
            println!("  missed: {m} {got}");
        }
        for (n, got) in &self.noise {
            println!("  noisy:  {n}: {got}");
        }
    }

    fn assert_floors(&self, name: &str, caught: f64, quiet: f64) {
        assert!(self.positives > 0, "{name}: no labelled positives ran");
        // On the judged figures: a regression shows there as well, and setting
        // a case apart needs a reason in tests/labelled.toml.
        let c = Self::rate(self.caught_judged(), self.positives);
        let q = Self::rate(self.quiet_judged(), self.negatives);
        assert!(
            c >= caught,
            "{name}: catch rate fell to {c:.2} (floor {caught})"
        );
        assert!(
            q >= quiet,
            "{name}: quiet rate fell to {q:.2} (floor {quiet})"
        );
    }
}

// ---------------------------------------------------------------------------
// KICS: `<platform>/<query>/test/{positive*,negative*}` with expected lines.

#[derive(serde::Deserialize)]
struct KicsExpected {
    line: u32,
    /// Absent when the query has a single positive file.
    #[serde(rename = "fileName", alias = "filename", default)]
    file_name: Option<String>,
}

/// KICS lines point at the offending key or the resource header; allow a
/// little slack for the two conventions.
const LINE_TOLERANCE: u32 = 2;

/// The labelled lines of a query's positives: (file name, line).
fn kics_expected(text: &str, positives: &[String]) -> Vec<(String, u32)> {
    let parsed: Vec<KicsExpected> = serde_json::from_str(text).unwrap_or_default();
    let only = match positives {
        [one] => Some(one.clone()),
        _ => None,
    };
    parsed
        .into_iter()
        .filter_map(|e| Some((e.file_name.or_else(|| only.clone())?, e.line)))
        .collect()
}

fn kics(corpus: &Path, platform: &str, queries: &BTreeMap<String, Vec<String>>) -> Tally {
    let mut t = Tally::default();
    for (query, rules) in queries {
        let dir = corpus
            .join("labelled/kics")
            .join(platform)
            .join(query)
            .join("test");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        let positives: Vec<String> = names
            .iter()
            .filter(|n| n.starts_with("positive") && !n.ends_with("expected_result.json"))
            .cloned()
            .collect();
        let expected = kics_expected(
            &std::fs::read_to_string(dir.join("positive_expected_result.json")).unwrap_or_default(),
            &positives,
        );
        for name in &positives {
            let path = dir.join(name);
            let got = of_rules(scan(&[&path]), rules);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Only read the model when a label is not caught in place.
            let mut links: Option<BTreeSet<(String, String)>> = None;
            for (_, line) in expected.iter().filter(|(f, _)| f == name) {
                t.positives += 1;
                let line = *line;
                if got.iter().any(|f| f.line.abs_diff(line) <= LINE_TOLERANCE) {
                    t.caught += 1;
                } else if got
                    .iter()
                    .any(|f| f.block.is_some_and(|(a, b)| (a..=b).contains(&line)))
                {
                    t.caught += 1;
                    t.in_resource += 1;
                } else if is_hcl(&path) && on_linked_item(&path, &text, line, &got, &mut links) {
                    t.caught += 1;
                    t.linked += 1;
                } else {
                    let got: Vec<(&str, u32, &str)> = got
                        .iter()
                        .map(|f| (f.rule.as_str(), f.line, f.item.as_str()))
                        .collect();
                    t.misses
                        .push((format!("{query}/{name}:{line}"), format!("(got {got:?})")));
                }
            }
        }
        for name in names.iter().filter(|n| n.starts_with("negative")) {
            let got: Vec<(String, u32)> = of_rules(scan(&[&dir.join(name)]), rules)
                .into_iter()
                .map(|f| (f.rule, f.line))
                .collect();
            t.negative(
                format!("{query}/{name}"),
                format!("{got:?}"),
                !got.is_empty(),
            );
        }
    }
    t
}

/// A Terraform label caught on an item linked to the resource whose block
/// holds the labelled line (the model is read once per file, on demand).
fn on_linked_item(
    path: &Path,
    text: &str,
    line: u32,
    got: &[Located],
    links: &mut Option<BTreeSet<(String, String)>>,
) -> bool {
    let Some(named) = tf_blocks(text)
        .into_iter()
        .find(|(_, a, b)| (*a..=*b).contains(&line))
        .map(|(address, _, _)| address)
    else {
        return false;
    };
    let links = links.get_or_insert_with(|| model_links(path));
    got.iter().any(|f| linked(links, &named, &f.item))
}

// ---------------------------------------------------------------------------
// Checkov: `expectations/<framework>/<CHECK>__*.json` naming the failing and
// passing resources of `tests/...` example directories, or labelling whole
// files (serverless), or inline unit-test snippets (Terraform).

fn checkov(corpus: &Path, framework: &str, checks: &BTreeMap<String, Vec<String>>) -> Tally {
    let mut t = Tally::default();
    let dir = corpus.join("labelled/checkov/expectations").join(framework);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for f in files {
        let Ok(json) =
            serde_json::from_str::<Value>(&std::fs::read_to_string(&f).unwrap_or_default())
        else {
            continue;
        };
        let id = json["check_id"].as_str().unwrap_or("");
        let Some(rules) = checks.get(id) else {
            continue;
        };
        let test_dir = corpus
            .join("labelled/checkov")
            .join(json["test_dir"].as_str().unwrap_or(""));
        for case in json["cases"].as_array().into_iter().flatten() {
            if case["failing_resources"].is_array() || case["passing_resources"].is_array() {
                checkov_resources(&mut t, framework, id, rules, &test_dir, case);
            } else if let Some(hints) = case["filename_label_hints"].as_object() {
                checkov_files(&mut t, id, rules, &test_dir, hints);
            } else if framework == "terraform" {
                checkov_inline(&mut t, &json, id, rules, &test_dir, case);
            }
        }
    }
    t
}

/// A case that names failing and passing resources of its files.
fn checkov_resources(
    t: &mut Tally,
    framework: &str,
    id: &str,
    rules: &[String],
    test_dir: &Path,
    case: &Value,
) {
    let listed: Vec<PathBuf> = case["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| Some(test_dir.join(f.as_str()?)))
        .collect();
    let paths = if framework == "terraform" {
        module_files(&listed)
    } else {
        listed
    };
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let flagged: BTreeSet<String> = of_rules(scan(&refs), rules)
        .into_iter()
        .map(|f| f.item)
        .collect();
    // CloudFormation cases name `AWS::Type.LogicalId`; Terraform ones the address.
    let key = |s: &str| {
        if framework == "cloudformation" {
            s.rsplit('.').next().unwrap_or("").to_string()
        } else {
            s.to_string()
        }
    };
    for res in case["failing_resources"].as_array().into_iter().flatten() {
        let res = res.as_str().unwrap_or("");
        t.positives += 1;
        if flagged.contains(&key(res)) {
            t.caught += 1;
        } else {
            t.misses.push((format!("{id} {res}"), String::new()));
        }
    }
    for res in case["passing_resources"].as_array().into_iter().flatten() {
        let res = res.as_str().unwrap_or("");
        t.negative(
            format!("{id} {res}"),
            String::new(),
            flagged.contains(&key(res)),
        );
    }
}

/// A Terraform case is its directories' modules: the listed files and the
/// other Terraform files beside them.
fn module_files(listed: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: BTreeSet<PathBuf> = listed.iter().cloned().collect();
    for f in listed {
        let Some(dir) = f.parent() else { continue };
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if [".tf", ".tf.json", ".tfvars", ".tfvars.json"]
                .iter()
                .any(|ext| name.ends_with(ext))
            {
                out.insert(e.path());
            }
        }
    }
    out.into_iter().collect()
}

/// A case whose files are labelled as a whole (`serverless.yml` services):
/// FAILED files must have a finding, PASSED files none. Support files
/// (`customVars.yml`) are read through the service and not counted.
fn checkov_files(
    t: &mut Tally,
    id: &str,
    rules: &[String],
    test_dir: &Path,
    hints: &serde_json::Map<String, Value>,
) {
    for (file, label) in hints {
        let name = file.rsplit('/').next().unwrap_or("");
        if !name.starts_with("serverless.") {
            continue;
        }
        let got: Vec<(String, u32)> = of_rules(scan(&[&test_dir.join(file)]), rules)
            .into_iter()
            .map(|f| (f.rule, f.line))
            .collect();
        let what = format!("{id} {file}");
        if label.as_str() == Some("FAILED") {
            t.positives += 1;
            if got.is_empty() {
                t.misses.push((what, String::new()));
            } else {
                t.caught += 1;
            }
        } else {
            t.negative(what, format!("{got:?}"), !got.is_empty());
        }
    }
}

/// A Checkov unit test on one block: a `.tf` snippet, or the block's parsed
/// attributes (`*.parsed_conf.json`), rebuilt here as Terraform JSON.
fn checkov_inline(
    t: &mut Tally,
    check: &Value,
    id: &str,
    rules: &[String],
    test_dir: &Path,
    case: &Value,
) {
    let method = case["test_method"].as_str().unwrap_or("case");
    let failed = case["expected_check_result"]
        .as_array()
        .is_some_and(|r| r.iter().any(|v| v == "FAILED"));
    let supported: Vec<&str> = check["supported_resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for snippet in case["inline_snippets"].as_array().into_iter().flatten() {
        let Some(snippet) = snippet.as_str() else {
            continue;
        };
        let source = test_dir.join(snippet);
        let path = if snippet.ends_with(".parsed_conf.json") {
            let Ok(conf) = serde_json::from_str::<Value>(
                &std::fs::read_to_string(&source).unwrap_or_default(),
            ) else {
                continue;
            };
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join("labelled")
                .join(id)
                .join(method);
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("main.tf.json");
            let block = parsed_conf_to_tf_json(&conf, inline_resource_type(&supported, &conf));
            std::fs::write(&path, serde_json::to_string_pretty(&block).unwrap()).unwrap();
            path
        } else {
            source
        };
        let got: Vec<(String, u32)> = of_rules(scan(&[&path]), rules)
            .into_iter()
            .map(|f| (f.rule, f.line))
            .collect();
        let what = format!("{id} {method}");
        if failed {
            t.positives += 1;
            if got.is_empty() {
                t.misses.push((what, String::new()));
            } else {
                t.caught += 1;
            }
        } else {
            t.negative(what, format!("{got:?}"), !got.is_empty());
        }
    }
}

/// Attributes that hold an IAM policy document: a JSON string in Terraform
/// (heredoc or `jsonencode`), which python-hcl2 hands Checkov as an object.
const POLICY_ATTRIBUTES: [&str; 3] = ["policy", "inline_policy", "assume_role_policy"];

/// Checkov's parsed attributes of one block (python-hcl2 shape: each value in
/// a one-element list) as a Terraform JSON module declaring that block.
fn parsed_conf_to_tf_json(conf: &Value, resource_type: &str) -> Value {
    let mut attrs = serde_json::Map::new();
    for (k, v) in conf.as_object().into_iter().flatten() {
        let v = match v {
            Value::Array(items) if items.len() == 1 => items.first().cloned().unwrap_or_default(),
            other => other.clone(),
        };
        let v = if POLICY_ATTRIBUTES.contains(&k.as_str()) && v.is_object() {
            Value::String(v.to_string())
        } else {
            v
        };
        attrs.insert(k.clone(), v);
    }
    serde_json::json!({ "resource": { resource_type: { "test": attrs } } })
}

/// The resource type of an inline block: a check on several types (the IAM
/// policy checks) tells them apart by the attribute that names the owner.
fn inline_resource_type<'a>(supported: &[&'a str], conf: &Value) -> &'a str {
    let by_key = [
        ("user", "aws_iam_user_policy"),
        ("role", "aws_iam_role_policy"),
        ("group", "aws_iam_group_policy"),
        (
            "permission_set_arn",
            "aws_ssoadmin_permission_set_inline_policy",
        ),
    ];
    by_key
        .iter()
        .find(|(key, ty)| conf.get(*key).is_some() && supported.contains(ty))
        .and_then(|(_, ty)| supported.iter().find(|s| *s == ty).copied())
        .or_else(|| supported.first().copied())
        .unwrap_or("aws_unknown")
}

// ---------------------------------------------------------------------------
// The figures, per format.

fn disagree(r: &Reasons, platform: &str) -> BTreeMap<String, String> {
    r.get(platform).cloned().unwrap_or_default()
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn labelled_cloudformation_cases() {
    let corpus = common::corpus();
    let m = map();
    let mut k = kics(
        &corpus,
        "cloudFormation",
        &section(&m.kics, "cloudFormation"),
    );
    k.set_apart(
        "KICS CloudFormation",
        &disagree(&m.disagree.kics, "cloudFormation"),
    );
    k.print("KICS CloudFormation", true);
    let mut c = checkov(
        &corpus,
        "cloudformation",
        &section(&m.checkov, "cloudformation"),
    );
    c.set_apart(
        "Checkov CloudFormation",
        &disagree(&m.disagree.checkov, "cloudformation"),
    );
    c.print("Checkov CloudFormation", false);
    // Floors: a little under the measured figures, so a regression fails.
    k.assert_floors("KICS CloudFormation", 0.95, 0.97);
    c.assert_floors("Checkov CloudFormation", 0.95, 0.97);
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn labelled_terraform_cases() {
    let corpus = common::corpus();
    let m = map();
    let mut k = kics(&corpus, "terraform", &section(&m.kics, "terraform"));
    k.set_apart("KICS Terraform", &disagree(&m.disagree.kics, "terraform"));
    k.print("KICS Terraform", true);
    let mut c = checkov(&corpus, "terraform", &section(&m.checkov, "terraform"));
    c.set_apart(
        "Checkov Terraform",
        &disagree(&m.disagree.checkov, "terraform"),
    );
    c.print("Checkov Terraform", false);
    k.assert_floors("KICS Terraform", 0.95, 0.97);
    c.assert_floors("Checkov Terraform", 0.95, 0.97);
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn labelled_serverless_cases() {
    let corpus = common::corpus();
    let m = map();
    let mut k = kics(&corpus, "serverlessFW", &section(&m.kics, "serverlessFW"));
    k.set_apart(
        "KICS Serverless Framework",
        &disagree(&m.disagree.kics, "serverlessFW"),
    );
    k.print("KICS Serverless Framework", true);
    let mut c = checkov(&corpus, "serverless", &section(&m.checkov, "serverless"));
    c.set_apart(
        "Checkov Serverless Framework",
        &disagree(&m.disagree.checkov, "serverless"),
    );
    c.print("Checkov Serverless Framework", false);
    k.assert_floors("KICS Serverless Framework", 0.95, 0.95);
    c.assert_floors("Checkov Serverless Framework", 0.95, 0.95);
}

// ---------------------------------------------------------------------------
// The map itself.

/// Every peer case in the corpus is mapped or out of scope (not both), every
/// name in the map exists in the corpus, and every rule it names exists.
#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn labelled_map_covers_every_peer_case() {
    let corpus = common::corpus();
    let m = map();
    let mut problems = Vec::new();
    let mut check = |kind: &str, platform: &str, present: BTreeSet<String>| {
        let mapped: BTreeSet<String> = section(&m.kics_or_checkov(kind), platform)
            .into_keys()
            .collect();
        let skipped: BTreeSet<String> = m
            .reasons(kind)
            .get(platform)
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        for name in &present {
            match (mapped.contains(name), skipped.contains(name)) {
                (false, false) => problems.push(format!(
                    "{kind} {platform} {name}: neither mapped nor out of scope"
                )),
                (true, true) => problems.push(format!(
                    "{kind} {platform} {name}: both mapped and out of scope"
                )),
                _ => {}
            }
        }
        for name in mapped.union(&skipped) {
            if !present.contains(name) {
                problems.push(format!("{kind} {platform} {name}: not in the corpus"));
            }
        }
    };
    let kics_dir = corpus.join("labelled/kics");
    for platform in subdirs(&kics_dir) {
        check("kics", &platform, subdirs(&kics_dir.join(&platform)));
    }
    let checkov_dir = corpus.join("labelled/checkov/expectations");
    for framework in subdirs(&checkov_dir) {
        let ids = std::fs::read_dir(checkov_dir.join(&framework))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                Some(name.split_once("__")?.0.to_string())
            })
            .collect();
        check("checkov", &framework, ids);
    }
    let known = rule_ids();
    for rules in m.kics.values().chain(m.checkov.values()) {
        for (name, ids) in rules {
            for id in ids.iter().filter(|id| !known.contains(*id)) {
                problems.push(format!("{name}: unknown rule {id}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

impl Map {
    fn kics_or_checkov(&self, kind: &str) -> RuleMap {
        if kind == "kics" {
            self.kics.clone()
        } else {
            self.checkov.clone()
        }
    }

    fn reasons(&self, kind: &str) -> &Reasons {
        if kind == "kics" {
            &self.out_of_scope.kics
        } else {
            &self.out_of_scope.checkov
        }
    }
}

/// The names of the directories in `dir`.
fn subdirs(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect()
}

/// The ids of the built-in rules, read from their metadata objects.
fn rule_ids() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rego") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                for line in text.lines() {
                    if let Some(rest) = line.trim().strip_prefix("\"id\": \"") {
                        out.insert(rest.split('"').next().unwrap_or("").to_string());
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&common::root().join("policies"), &mut out);
    out
}

// ---------------------------------------------------------------------------
// The helpers, on small inputs (these run without ../shared).

#[test]
fn labelled_tf_blocks_give_addresses_and_lines() {
    let text = "provider \"aws\" {\n  region = \"x\"\n}\n\nresource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  tags = {\n    a = \"b\"\n  }\n}\ndata \"aws_iam_policy_document\" \"d\" {\n}\nresource \"aws_sns_topic\" \"t\" {}\n";
    assert_eq!(
        tf_blocks(text),
        [
            ("aws_iam_role.r".to_string(), 5, 10),
            ("data.aws_iam_policy_document.d".to_string(), 11, 12),
            ("aws_sns_topic.t".to_string(), 13, 13),
        ]
    );
    assert_eq!(
        block_lines(Path::new("main.tf"), text, "aws_iam_role.r"),
        Some((5, 10))
    );
    assert_eq!(block_lines(Path::new("main.tf"), text, "aws_x.y"), None);
}

#[test]
fn labelled_yaml_block_ends_before_the_next_sibling() {
    let text = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 3\n  Bucket:\n    Type: AWS::S3::Bucket\n";
    assert_eq!(yaml_block(text, "Fn"), Some((2, 5)));
    assert_eq!(yaml_block(text, "Bucket"), Some((6, 7)));
    assert_eq!(yaml_block(text, "Missing"), None);
}

#[test]
fn labelled_kics_expected_defaults_to_the_only_positive() {
    let text = r#"[{"line": 3}, {"line": 5, "filename": "positive2.tf"}]"#;
    assert_eq!(
        kics_expected(text, &["positive.tf".to_string()]),
        [
            ("positive.tf".to_string(), 3),
            ("positive2.tf".to_string(), 5)
        ]
    );
    // With several positives an unnamed label cannot be placed.
    let two = ["positive1.tf".to_string(), "positive2.tf".to_string()];
    assert_eq!(kics_expected(text, &two), [("positive2.tf".to_string(), 5)]);
}

#[test]
fn labelled_links_reach_a_policy_through_the_role() {
    let links: BTreeSet<(String, String)> = [
        ("fn", "role"),
        ("role", "fn"),
        ("policy", "role"),
        ("role", "policy"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert!(linked(&links, "fn", "policy"));
    assert!(linked(&links, "role", "policy"));
    assert!(linked(&links, "fn", "fn"));
    assert!(!linked(&links, "fn", "other"));
}

#[test]
fn labelled_parsed_conf_becomes_terraform_json() {
    let conf: Value = serde_json::json!({
        "name": ["test"],
        "user": ["${aws_iam_user.lb.name}"],
        "policy": [{"Statement": [{"Action": ["*"], "Effect": "Allow", "Resource": "abc*"}]}],
    });
    let supported = [
        "aws_iam_role_policy",
        "aws_iam_user_policy",
        "aws_iam_group_policy",
        "aws_iam_policy",
    ];
    let ty = inline_resource_type(&supported, &conf);
    assert_eq!(ty, "aws_iam_user_policy");
    assert_eq!(
        parsed_conf_to_tf_json(&conf, ty),
        serde_json::json!({"resource": {"aws_iam_user_policy": {"test": {
            "name": "test",
            "user": "${aws_iam_user.lb.name}",
            "policy": r#"{"Statement":[{"Action":["*"],"Effect":"Allow","Resource":"abc*"}]}"#,
        }}}})
    );
    let method = serde_json::json!({"authorization": ["NONE"]});
    assert_eq!(
        inline_resource_type(&["aws_api_gateway_method"], &method),
        "aws_api_gateway_method"
    );
}

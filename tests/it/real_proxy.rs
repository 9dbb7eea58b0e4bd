//! faasguard and Checkov 3.3.30 side by side on real repositories (issue
//! #16): `tests/data/real-proxy` holds whole files from public repositories
//! (`SOURCES.md`), and `checkov.json` there Checkov's verdicts on them
//! (check id, file, resource, result), so this runs without Checkov or the
//! network. A check counts when `rules/coverage.toml` maps it to a rule.
//!
//! Every resource Checkov fails must carry a finding (or an undecided entry)
//! of a mapped rule, and every resource it passes must carry none, unless
//! `disagreements.toml` lists the case with its reason; a listed case that no
//! longer disagrees fails too. A finding is on a resource when its item is
//! the resource or linked to it in the model (a policy and its role, a
//! function and its role, a Terraform `aws_iam_policy_document` and the
//! policy built from it; at most two links, but not two policies of one
//! role): where the finding's lines are does not count. A finding on a
//! resource Checkov fails by name is not noise on a linked resource that the
//! same check passes (CKV2_AWS_56 fails an `IAMFullAccess` attachment and
//! passes its role). `tools/compare-checkov.py` computes the same and re-records
//! the verdicts; `cargo test --test it real_proxy -- --nocapture` prints the
//! figures (docs/labelled.md, "Session 10").

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common;

const CORPUS: &str = "tests/data/real-proxy";

#[derive(serde::Deserialize)]
struct Verdict {
    check_id: String,
    file: String,
    resource: String,
    result: String,
}

#[derive(serde::Deserialize, Default)]
struct Disagreements {
    #[serde(default)]
    positive: Vec<Entry>,
    #[serde(default)]
    negative: Vec<Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    check: String,
    file: String,
    resource: String,
    reason: String,
}

type Key = (String, String, String);

impl Entry {
    fn key(&self) -> Key {
        (self.check.clone(), self.file.clone(), self.resource.clone())
    }
}

fn corpus() -> PathBuf {
    common::root().join(CORPUS)
}

fn is_tf(file: &str) -> bool {
    file.ends_with(".tf") || file.ends_with(".tf.json")
}

/// Where a resource name is unique: a Terraform module's directory, else
/// the file.
fn scope(file: &str) -> String {
    if is_tf(file) {
        Path::new(file)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        file.to_string()
    }
}

/// `AWS::SNS::Topic.MyTopic` → `MyTopic`; Terraform addresses and
/// serverless function names stay as they are.
fn checkov_name(resource: &str) -> &str {
    if resource.contains("::") {
        resource.rsplit('.').next().unwrap_or(resource)
    } else {
        resource
    }
}

/// An item id → its source resource, `data.` dropped (Checkov names data
/// sources without it).
fn item_name(id: &str) -> String {
    let head = id.split('/').next().unwrap_or("");
    head.strip_prefix("data.").unwrap_or(head).to_string()
}

struct Reported {
    unit: String,
    item: String,
    rule: String,
}

fn reported(report: &Value, kind: &str) -> Vec<Reported> {
    let prefix = format!("{CORPUS}/");
    report[kind]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or("");
            let file = file.strip_prefix(&prefix).unwrap_or(file);
            Reported {
                unit: scope(file),
                item: item_name(f["resource"].as_str().unwrap_or("")),
                rule: f["rule_id"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect()
}

/// The links of one scan unit: linked item pairs (a policy and what it is
/// attached to, a function and its role), and the items that are policies.
#[derive(Default)]
struct Links {
    pairs: BTreeSet<(String, String)>,
    policies: BTreeSet<String>,
}

fn links(unit: &Path) -> Links {
    let Ok(model) = faasguard::scan::model_json(unit) else {
        return Links::default();
    };
    let mut out = Links::default();
    let mut link = |a: Option<&str>, b: Option<&str>| {
        if let (Some(a), Some(b)) = (a, b) {
            out.pairs.insert((item_name(a), item_name(b)));
            out.pairs.insert((item_name(b), item_name(a)));
        }
    };
    for p in model["policies"].as_array().into_iter().flatten() {
        for owner in p["attached_to"].as_array().into_iter().flatten() {
            link(p["id"].as_str(), owner.as_str());
        }
    }
    for f in model["functions"].as_array().into_iter().flatten() {
        link(f["id"].as_str(), f["role"].as_str());
    }
    for p in model["policies"].as_array().into_iter().flatten() {
        if let Some(id) = p["id"].as_str() {
            out.policies.insert(item_name(id));
        }
    }
    for (document, policy) in documents(unit) {
        out.pairs.insert((document.clone(), policy.clone()));
        out.pairs.insert((policy, document));
    }
    out
}

/// A Terraform unit's `aws_iam_policy_document` data sources and the
/// resources whose `policy` is built from them: Checkov names the document,
/// faasguard's finding names the policy its statements became. A document
/// used as a trust policy (`assume_role_policy`) is not linked to the role:
/// the role's other policies say nothing about it.
fn documents(unit: &Path) -> Vec<(String, String)> {
    const DATA: &str = "data.aws_iam_policy_document.";
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir(unit) else {
        return out;
    };
    for path in dir.flatten().map(|e| e.path()) {
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (address, first, last) in crate::labelled::tf_blocks(&text) {
            if address.starts_with("data.") {
                continue;
            }
            let body = lines.get(first as usize..last as usize).unwrap_or_default();
            for line in body.iter().map(|l| l.trim_start()) {
                let Some(at) = line.find(DATA) else { continue };
                if !(line.starts_with("policy ") || line.starts_with("policy=")) {
                    continue;
                }
                let name: String = line[at + DATA.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                out.push((format!("aws_iam_policy_document.{name}"), address.clone()));
            }
        }
    }
    out
}

/// `a` is `b`, or one link away, or two (a function, its role, the role's
/// policy). Two policies of one role are not linked: Checkov judges each
/// policy (and each attachment) on its own, and a finding on one says
/// nothing about its sibling.
fn linked(links: &Links, a: &str, b: &str) -> bool {
    let pairs = &links.pairs;
    a == b
        || pairs.contains(&(a.to_string(), b.to_string()))
        || (!(links.policies.contains(a) && links.policies.contains(b))
            && pairs
                .iter()
                .filter(|(x, _)| x == a)
                .any(|(_, mid)| pairs.contains(&(mid.clone(), b.to_string()))))
}

#[derive(Default)]
struct Tally {
    positives: usize,
    caught: usize,
    undecided: usize,
    negatives: usize,
    quiet: usize,
    set_apart_positives: usize,
    set_apart_negatives: usize,
    unmapped: usize,
    problems: Vec<String>,
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

fn compare() -> Tally {
    let verdicts: Vec<Verdict> =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("checkov.json")).unwrap())
            .unwrap();
    let disagree: Disagreements =
        toml::from_str(&std::fs::read_to_string(corpus().join("disagreements.toml")).unwrap())
            .unwrap();
    let positive: BTreeMap<Key, &Entry> = disagree.positive.iter().map(|e| (e.key(), e)).collect();
    let negative: BTreeMap<Key, &Entry> = disagree.negative.iter().map(|e| (e.key(), e)).collect();
    for e in disagree.positive.iter().chain(&disagree.negative) {
        assert!(
            e.reason.len() > 40,
            "{} {} {}: a disagreement needs its reason",
            e.check,
            e.file,
            e.resource
        );
    }
    let rules = crate::coverage::checkov_rules();
    let (_, report) = common::json_run(&["scan", CORPUS, "--format", "json"], &[]);
    let findings = reported(&report, "findings");
    let unknowns = reported(&report, "unknowns");
    let mut unit_links: BTreeMap<String, Links> = BTreeMap::new();
    // The resources Checkov fails by name, per check and unit: a finding
    // there is that failure's, not noise on a linked resource it passes.
    let failed: BTreeSet<(&str, String, &str)> = verdicts
        .iter()
        .filter(|v| v.result == "FAILED")
        .map(|v| {
            (
                v.check_id.as_str(),
                scope(&v.file),
                checkov_name(&v.resource),
            )
        })
        .collect();
    let mut used: BTreeSet<Key> = BTreeSet::new();
    let mut seen: BTreeSet<(Key, String)> = BTreeSet::new();
    let mut t = Tally::default();
    for v in &verdicts {
        let Some(want) = rules.get(&v.check_id) else {
            t.unmapped += 1;
            continue;
        };
        let key = (v.check_id.clone(), v.file.clone(), v.resource.clone());
        if !seen.insert((key.clone(), v.result.clone())) {
            continue;
        }
        let unit = scope(&v.file);
        let name = checkov_name(&v.resource);
        let pairs = unit_links
            .entry(unit.clone())
            .or_insert_with(|| links(&corpus().join(&unit)));
        let on =
            |r: &Reported| want.contains(&r.rule) && r.unit == unit && linked(pairs, name, &r.item);
        let claimed = |r: &Reported| {
            r.item != name && failed.contains(&(v.check_id.as_str(), unit.clone(), r.item.as_str()))
        };
        let got: BTreeSet<&str> = findings
            .iter()
            .filter(|r| on(r) && (v.result == "FAILED" || !claimed(r)))
            .map(|r| r.rule.as_str())
            .collect();
        if v.result == "FAILED" {
            t.positives += 1;
            if !got.is_empty() {
                t.caught += 1;
            } else if unknowns.iter().any(on) {
                t.caught += 1;
                t.undecided += 1;
            } else if positive.contains_key(&key) {
                t.set_apart_positives += 1;
                used.insert(key);
            } else {
                t.problems.push(format!(
                    "missed: Checkov fails {} on {} in {}, no {} finding there",
                    v.check_id,
                    v.resource,
                    v.file,
                    want.iter().cloned().collect::<Vec<_>>().join("/")
                ));
            }
        } else {
            t.negatives += 1;
            if got.is_empty() {
                t.quiet += 1;
            } else if negative.contains_key(&key) {
                t.set_apart_negatives += 1;
                used.insert(key);
            } else {
                t.problems.push(format!(
                    "noise: Checkov passes {} on {} in {}, faasguard reports {}",
                    v.check_id,
                    v.resource,
                    v.file,
                    got.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    for (key, e) in positive.iter().chain(&negative) {
        if !used.contains(key) {
            t.problems.push(format!(
                "stale disagreement: {} {} {} no longer disagrees ({})",
                e.check, e.file, e.resource, e.reason
            ));
        }
    }
    t
}

#[test]
fn real_proxy_checkov_failures_caught_and_passes_quiet_or_disagreed() {
    let t = compare();
    println!(
        "real proxy: {} mapped verdicts ({} failing, {} passing), {} unmapped",
        t.positives + t.negatives,
        t.positives,
        t.negatives,
        t.unmapped
    );
    println!(
        "  raw: caught in the right resource {}/{} = {:.1}% (undecided {}), quiet {}/{} = {:.1}%",
        t.caught,
        t.positives,
        pct(t.caught, t.positives),
        t.undecided,
        t.quiet,
        t.negatives,
        pct(t.quiet, t.negatives)
    );
    let (p, n) = (
        t.positives - t.set_apart_positives,
        t.negatives - t.set_apart_negatives,
    );
    println!(
        "  with {} failing and {} passing verdicts set apart (disagreements.toml): caught {:.1}%, quiet {:.1}%",
        t.set_apart_positives,
        t.set_apart_negatives,
        pct(t.caught, p),
        pct(t.quiet, n)
    );
    assert!(
        t.positives > 100 && t.negatives > 200,
        "the verdicts are read"
    );
    assert!(t.problems.is_empty(), "{}", t.problems.join("\n"));
}

#[test]
fn real_proxy_sources_list_every_file_whole() {
    let sources = std::fs::read_to_string(corpus().join("SOURCES.md")).unwrap();
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    for line in sources
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('`'))
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(repo), Some(path), Some(chars)) = (cells.get(1), cells.get(2), cells.get(4))
        else {
            continue;
        };
        let file = format!("{}/{}", repo.replace('/', "__"), path.trim_matches('`'));
        listed.insert(file, chars.parse().unwrap());
    }
    let mut found = BTreeMap::new();
    let mut stack = vec![corpus()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.parent() != Some(corpus().as_path()) {
                let rel = p
                    .strip_prefix(corpus())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let text = std::fs::read_to_string(&p).unwrap();
                found.insert(rel, text.chars().count());
            }
        }
    }
    assert_eq!(
        listed, found,
        "SOURCES.md lists each corpus file with its length"
    );
    assert!(found.len() >= 50, "the corpus is there");
}

#[test]
fn real_proxy_links_a_policy_document_to_the_policy_built_from_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "data \"aws_iam_policy_document\" \"reads\" {\n  statement {\n    actions = [\"s3:GetObject\"]\n  }\n}\n\nresource \"aws_iam_policy\" \"reads\" {\n  name   = \"reads\"\n  policy = data.aws_iam_policy_document.reads.json\n}\n\nresource \"aws_iam_role\" \"fn\" {\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\n";
    std::fs::write(dir.path().join("iam.tf"), text).expect("write");
    assert_eq!(
        documents(dir.path()),
        [(
            "aws_iam_policy_document.reads".to_string(),
            "aws_iam_policy.reads".to_string()
        )]
    );
}

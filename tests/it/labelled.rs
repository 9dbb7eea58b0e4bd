//! How faasguard compares with its peers' labelled test cases
//! (`../shared/corpus/labelled`, mapped in `tests/labelled.toml`): the share
//! of labelled positives caught at the right line (KICS) or resource
//! (Checkov), and of negatives left quiet. The figures are printed
//! (`cargo test labelled -- --nocapture`) and must not fall below the floors
//! here; disagreements judged right are listed in `docs/labelled.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common;

#[derive(serde::Deserialize)]
struct Map {
    kics: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    checkov: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

fn map() -> Map {
    let text = std::fs::read_to_string(common::root().join("tests/labelled.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

/// (rule, line, logical resource id) of every finding in one file.
fn findings(file: &Path) -> Vec<(String, u32, String)> {
    findings_with_headers(file)
        .into_iter()
        .map(|(r, l, res, _)| (r, l, res))
        .collect()
}

/// The lines of a resource's block: from its `LogicalId:` header to the line
/// before the next key at the same indentation.
fn resource_lines(s: &faasguard::source::SourceFile, logical: &str) -> Option<(u32, u32)> {
    let indent = |t: &str| t.len() - t.trim_start().len();
    let header = (1..=s.line_count()).find(|&n| {
        let t = s.line_text(n).trim_start();
        let t = t.strip_prefix('"').unwrap_or(t);
        t.strip_prefix(logical).is_some_and(|rest| {
            let rest = rest.strip_prefix('"').unwrap_or(rest);
            rest.trim_start().starts_with(':')
        })
    })?;
    let level = indent(s.line_text(header));
    let end = (header + 1..=s.line_count())
        .find(|&n| {
            let t = s.line_text(n);
            !t.trim().is_empty() && indent(t) <= level && !t.trim_start().starts_with(['}', ']'])
        })
        .unwrap_or(s.line_count() + 1);
    Some((header, end - 1))
}

/// Also the line of the finding's resource header (`LogicalId:`), which is
/// where KICS puts findings about a property that is missing.
/// (rule, line, logical id, the resource's line range).
type Located = (String, u32, String, Option<(u32, u32)>);

fn findings_with_headers(file: &Path) -> Vec<Located> {
    let outcome = common::scan_with(&common::settings(&[file]));
    outcome
        .findings
        .iter()
        .map(|f| {
            let src = outcome.sources.get(f.span.file);
            let line = src.map_or(0, |s| s.line_col(f.span.start).line);
            let res = f.resource.clone().unwrap_or_default();
            let logical = res.split('/').next().unwrap_or("").to_string();
            let header = src.and_then(|s| resource_lines(s, &logical));
            (f.rule_id.clone(), line, logical, header)
        })
        .collect()
}

#[derive(Default, Debug)]
struct Tally {
    positives: usize,
    caught: usize,
    negatives: usize,
    quiet: usize,
    /// Caught in the resource KICS names, but not within the line tolerance
    /// (KICS points at a parent key or the header, we at the value).
    at_resource: usize,
    misses: Vec<String>,
    noise: Vec<String>,
}

impl Tally {
    fn rate(a: usize, b: usize) -> f64 {
        if b == 0 {
            1.0
        } else {
            a as f64 / b as f64
        }
    }
    fn print(&self, name: &str) {
        println!(
            "{name}: caught {}/{} positives ({:.0}%), quiet on {}/{} negatives ({:.0}%)",
            self.caught,
            self.positives,
            100.0 * Self::rate(self.caught, self.positives),
            self.quiet,
            self.negatives,
            100.0 * Self::rate(self.quiet, self.negatives)
        );
        if self.at_resource > 0 {
            println!(
                "  ({} of the caught are more than {LINE_TOLERANCE} lines from the KICS line, at the offending value inside the resource whose key KICS names)",
                self.at_resource
            );
        }
        for m in &self.misses {
            println!("  missed: {m}");
        }
        for n in &self.noise {
            println!("  noisy:  {n}");
        }
    }
}

#[derive(serde::Deserialize)]
struct KicsExpected {
    line: u32,
    #[serde(rename = "fileName", alias = "filename")]
    file_name: String,
}

/// KICS lines point at the offending key or the resource header; allow a
/// little slack for the two conventions.
const LINE_TOLERANCE: u32 = 2;

fn kics(corpus: &Path, platform: &str, queries: &BTreeMap<String, Vec<String>>) -> Tally {
    let mut t = Tally::default();
    for (query, rules) in queries {
        let dir = corpus
            .join("labelled/kics")
            .join(platform)
            .join(query)
            .join("test");
        let expected: Vec<KicsExpected> =
            std::fs::read_to_string(dir.join("positive_expected_result.json"))
                .ok()
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            if name.starts_with("positive") && name != "positive_expected_result.json" {
                let got: Vec<(u32, Option<(u32, u32)>)> = findings_with_headers(&path)
                    .into_iter()
                    .filter(|(r, _, _, _)| rules.contains(r))
                    .map(|(_, l, _, h)| (l, h))
                    .collect();
                for e in expected.iter().filter(|e| e.file_name == name) {
                    t.positives += 1;
                    let near = |l: u32| l.abs_diff(e.line) <= LINE_TOLERANCE;
                    if got.iter().any(|(l, _)| near(*l)) {
                        t.caught += 1;
                    } else if got
                        .iter()
                        .any(|(_, r)| r.is_some_and(|(a, b)| (a..=b).contains(&e.line)))
                    {
                        // We point at the offending value, KICS at a key of
                        // the resource it sits in (often its header): the
                        // same finding, counted apart.
                        t.caught += 1;
                        t.at_resource += 1;
                    } else {
                        t.misses
                            .push(format!("{query}/{name}:{} (got {got:?})", e.line));
                    }
                }
            } else if name.starts_with("negative") {
                t.negatives += 1;
                let got: Vec<(String, u32)> = findings(&path)
                    .into_iter()
                    .filter(|(r, _, _)| rules.contains(r))
                    .map(|(r, l, _)| (r, l))
                    .collect();
                if got.is_empty() {
                    t.quiet += 1;
                } else {
                    t.noise.push(format!("{query}/{name}: {got:?}"));
                }
            }
        }
    }
    t
}

fn checkov(corpus: &Path, framework: &str, checks: &BTreeMap<String, Vec<String>>) -> Tally {
    let mut t = Tally::default();
    let dir = corpus.join("labelled/checkov/expectations").join(framework);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    files.sort_by_key(|e: &std::fs::DirEntry| e.file_name());
    for f in files {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f.path()).unwrap()).unwrap();
        let id = json["check_id"].as_str().unwrap_or("");
        let Some(rules) = checks.get(id) else {
            continue;
        };
        let test_dir = corpus
            .join("labelled/checkov")
            .join(json["test_dir"].as_str().unwrap_or(""));
        for case in json["cases"].as_array().into_iter().flatten() {
            let mut flagged: BTreeSet<String> = BTreeSet::new();
            for file in case["files"].as_array().into_iter().flatten() {
                let path = test_dir.join(file.as_str().unwrap_or(""));
                for (r, _, res) in findings(&path) {
                    if rules.contains(&r) {
                        flagged.insert(res);
                    }
                }
            }
            let logical = |s: &str| s.rsplit('.').next().unwrap_or("").to_string();
            for res in case["failing_resources"].as_array().into_iter().flatten() {
                let res = res.as_str().unwrap_or("");
                t.positives += 1;
                if flagged.contains(&logical(res)) {
                    t.caught += 1;
                } else {
                    t.misses.push(format!("{id} {res}"));
                }
            }
            for res in case["passing_resources"].as_array().into_iter().flatten() {
                let res = res.as_str().unwrap_or("");
                t.negatives += 1;
                if flagged.contains(&logical(res)) {
                    t.noise.push(format!("{id} {res}"));
                } else {
                    t.quiet += 1;
                }
            }
        }
    }
    t
}

#[test]
fn labelled_cloudformation_cases() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let m = map();
    let k = kics(&corpus, "cloudFormation", &m.kics["cloudFormation"]);
    k.print("KICS CloudFormation");
    let c = checkov(&corpus, "cloudformation", &m.checkov["cloudformation"]);
    c.print("Checkov CloudFormation");
    // Floors: the measured figures at the time of writing, so a regression fails.
    assert!(k.positives > 0 && c.positives > 0);
    assert!(
        Tally::rate(k.caught, k.positives) >= FLOOR_KICS_CAUGHT,
        "KICS catch rate fell"
    );
    assert!(
        Tally::rate(k.quiet, k.negatives) >= FLOOR_KICS_QUIET,
        "KICS quiet rate fell"
    );
    assert!(
        Tally::rate(c.caught, c.positives) >= FLOOR_CHECKOV_CAUGHT,
        "Checkov catch rate fell"
    );
    assert!(
        Tally::rate(c.quiet, c.negatives) >= FLOOR_CHECKOV_QUIET,
        "Checkov quiet rate fell"
    );
}

const FLOOR_KICS_CAUGHT: f64 = 0.85;
const FLOOR_KICS_QUIET: f64 = 0.70;
const FLOOR_CHECKOV_CAUGHT: f64 = 0.75;
const FLOOR_CHECKOV_QUIET: f64 = 0.95;

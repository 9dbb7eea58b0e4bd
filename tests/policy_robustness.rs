//! No built-in rule fails at runtime on a model the adapters can produce.
//!
//! A rule that errors on a unit (regorus' "function produced multiple
//! outputs" when two values reach a function, a built-in given an unknown
//! where it expects a string) loses every finding it had on that unit: the
//! scan says so in a diagnostic, but the findings are gone. The fixtures hold
//! one resource of each shape; real templates hold two grants on one
//! service, a value only known at deploy time where the fixture wrote a
//! string, an empty list where the fixture had one element. So each rule
//! fixture's model, and each file's of the real-repository proxy
//! (`tests/data/real-proxy`), is evaluated as written and in variants of
//! those shapes:
//!
//! - every item doubled (a copy with its own id, the same references);
//! - values made unknown, the way the model writes a value it cannot know
//!   (`{"unknown": true, ...}`), chosen by a fixed seed;
//! - lists emptied, or given a second element like their first, or an
//!   unknown element.
//!
//! `ROBUST_SEEDS=N` draws N scrambled variants per file instead of 3 (15,
//! 25,884 models, found nothing more when this test was written).
//!
//! A variant keeps the model's types (a field is its type or an unknown), so
//! an error is a rule bug, not a malformed input.
//! It is its own test binary: it evaluates every rule thousands of times.
// Outside the library: a panic is how a test reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// A small deterministic generator: the variants are the same on every run.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn chance(&mut self, in_hundred: u64) -> bool {
        self.next() % 100 < in_hundred
    }
}

fn unknown() -> Value {
    json!({"unknown": true, "reason": "known after apply"})
}

/// Fields that name the item or tie it to others: changing them makes a
/// different model, not a different value.
fn structural(key: &str) -> bool {
    matches!(key, "id" | "name" | "type" | "cloud" | "file" | "format")
}

/// Replace values by unknowns, empty or widen lists, at random.
fn scramble(v: &mut Value, rng: &mut Seeded) {
    match v {
        Value::Object(map) => {
            if map.get("unknown") == Some(&Value::Bool(true)) {
                return;
            }
            for (k, child) in map.iter_mut() {
                if structural(k) {
                    continue;
                }
                if rng.chance(15) {
                    *child = unknown();
                } else {
                    scramble(child, rng);
                }
            }
        }
        Value::Array(items) => {
            if !items.is_empty() && rng.chance(10) {
                items.clear();
            } else if let Some(first) = items.first().cloned() {
                if rng.chance(15) {
                    items.push(first);
                } else if rng.chance(10) {
                    items.push(unknown());
                }
            }
            for item in items.iter_mut() {
                scramble(item, rng);
            }
        }
        _ => {}
    }
}

/// Every collection's items twice: the copy has its own id.
fn doubled(model: &Value) -> Value {
    let mut out = model.clone();
    if let Value::Object(map) = &mut out {
        for (_, v) in map.iter_mut() {
            if let Value::Array(items) = v {
                let copies: Vec<Value> = items
                    .iter()
                    .map(|item| {
                        let mut c = item.clone();
                        if let Some(Value::String(id)) = c.get_mut("id") {
                            id.push_str("~2");
                        }
                        c
                    })
                    .collect();
                items.extend(copies);
            }
        }
    }
    out
}

/// Each collection item scrambled, top-level layout kept.
fn scrambled(model: &Value, seed: u64) -> Value {
    let mut out = model.clone();
    let mut rng = Seeded(seed);
    if let Value::Object(map) = &mut out {
        for (_, v) in map.iter_mut() {
            if let Value::Array(items) = v {
                for item in items.iter_mut() {
                    scramble(item, &mut rng);
                }
            }
        }
    }
    out
}

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            // A directory fixture is one unit.
            if name.starts_with("fail") || name.starts_with("pass") {
                out.push(p);
            } else {
                fixture_files(&p, out);
            }
        } else if (name.starts_with("fail") || name.starts_with("pass")) && !name.ends_with(".toml")
        {
            out.push(p);
        }
    }
}

/// Every template and Terraform file of a corpus folder, each on its own.
fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            corpus_files(&p, out);
        } else if name != "checkov.json"
            && [".yaml", ".yml", ".json", ".tf"]
                .iter()
                .any(|e| name.ends_with(e))
        {
            out.push(p);
        }
    }
}

#[test]
fn no_rule_errors_on_variants_of_the_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    fixture_files(&root.join("fixtures/rules"), &mut paths);
    assert!(paths.len() > 1000, "only {} fixtures found", paths.len());
    let fixtures = paths.len();
    corpus_files(&root.join("tests/data/real-proxy"), &mut paths);
    assert!(
        paths.len() > fixtures + 50,
        "the real-repository proxy is missing"
    );
    let settings = faasguard::scan::Settings::default();
    let mut engine = faasguard::scan::load_engine(&settings).unwrap();
    let ids: Vec<String> = engine.rules().iter().map(|r| r.meta.id.clone()).collect();
    // rule -> (variant, first error)
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut evaluated = 0usize;
    for (n, path) in paths.iter().enumerate() {
        let Ok(model) = faasguard::scan::model_json(path) else {
            continue;
        };
        let mut variants = vec![
            ("as written".to_string(), model.clone()),
            ("doubled".to_string(), doubled(&model)),
        ];
        let seeds: u64 = std::env::var("ROBUST_SEEDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3);
        for seed in 1..=seeds {
            let seed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (n as u64 + 1);
            variants.push((format!("scrambled {seed:#x}"), scrambled(&model, seed)));
        }
        variants.push((
            "doubled and scrambled".to_string(),
            scrambled(&doubled(&model), n as u64 + 7),
        ));
        for (name, variant) in variants {
            let input = regorus::Value::from_json_str(&variant.to_string()).unwrap();
            engine.eval(input).unwrap();
            evaluated += 1;
            let failed = engine.take_failed();
            if !failed.is_empty() && std::env::var_os("ROBUST_DUMP").is_some() {
                // `ROBUST_DUMP=1`: the last failing model, to reproduce the error outside.
                std::fs::write(
                    std::env::temp_dir().join("robust-failing.json"),
                    variant.to_string(),
                )
                .unwrap();
            }
            for (rule, e) in failed {
                let list = errors.entry(ids[rule].clone()).or_default();
                if list.len() < 3 {
                    let shown = path.strip_prefix(root).unwrap_or(path);
                    list.push(format!("{} ({name}): {e}", shown.display()));
                }
            }
        }
    }
    println!("{evaluated} models evaluated");
    assert!(
        errors.is_empty(),
        "rules that failed at runtime: {errors:#?}"
    );
}

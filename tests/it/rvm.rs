//! regorus' compiled mode (RVM) against its interpreter (ADR 0038, 0050).
//!
//! The scan evaluates the built-in rules of `faasguard::engine::rvm::USABLE`
//! on the RVM. `usable_rules_answer_as_the_interpreter` checks that each of
//! them gives the interpreter's `deny` and `undecided` on the model of every
//! rule fixture, and of every file and Terraform directory of
//! `../shared/corpus/labelled` and `real` (skipped, saying so, when absent).
//!
//! `every_rule_on_the_rvm` (ignored; `cargo test --release --test it
//! every_rule_on_the_rvm -- --ignored --nocapture`) compiles every built-in
//! rule and prints, per rule, whether it compiled, whether it matched on
//! every input, and both evaluators' times: how a rule is found for
//! `USABLE`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use faasguard::engine::rvm::USABLE;

use crate::common;

fn files(dir: &Path, out: &mut Vec<PathBuf>, tf_dirs: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    let mut has_tf = false;
    for p in entries {
        if p.is_dir() {
            files(&p, out, tf_dirs);
        } else if let Some(e) = p.extension().and_then(|e| e.to_str()) {
            if matches!(e, "json" | "tf" | "yaml" | "yml") {
                has_tf |= e == "tf";
                out.push(p);
            }
        }
    }
    if has_tf {
        tf_dirs.push(dir.to_path_buf());
    }
}

/// Every input: the model of each rule fixture, and of each file and
/// Terraform directory (its module as a unit) of the corpora present.
fn inputs() -> Vec<(String, regorus::Value)> {
    let root = common::root();
    let mut paths = Vec::new();
    let mut dirs = Vec::new();
    files(&root.join("fixtures/rules"), &mut paths, &mut Vec::new());
    for corpus in ["labelled", "real"] {
        let dir = root.join("../shared/corpus").join(corpus);
        if dir.is_dir() {
            files(&dir, &mut paths, &mut dirs);
        } else {
            eprintln!("rvm: ../shared/corpus/{corpus} is absent: not compared there");
        }
    }
    paths
        .iter()
        .chain(&dirs)
        .filter_map(|p| {
            let model = faasguard::scan::model_json(p).ok()?;
            let value = regorus::Value::from_json_str(&model.to_string()).ok()?;
            Some((p.display().to_string(), value))
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    mismatches: Vec<String>,
    interpreter: Duration,
    rvm: Duration,
}

/// Both evaluators on every input, per rule package.
fn compare(
    engine: &mut faasguard::engine::Engine,
    inputs: &[(String, regorus::Value)],
) -> BTreeMap<String, Tally> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for i in engine.rvm_rules() {
        tallies
            .entry(engine.rules()[i].package.clone())
            .or_default();
    }
    for (name, input) in inputs {
        for c in engine.rvm_compare(input.clone()) {
            let pkg = engine
                .rules()
                .get(c.rule)
                .map_or("(the machine)".to_string(), |r| r.package.clone());
            let t = tallies.entry(pkg).or_default();
            t.interpreter += c.interpreter;
            t.rvm += c.rvm;
            if let Some(m) = c.mismatch {
                t.mismatches.push(format!("{name}: {m}"));
            }
        }
    }
    tallies
}

fn engine() -> faasguard::engine::Engine {
    faasguard::scan::load_engine(&faasguard::settings::Settings::default()).unwrap()
}

#[test]
fn usable_rules_answer_as_the_interpreter() {
    let mut engine = engine();
    // Every package of the list is a rule, and compiled.
    let on: Vec<String> = engine
        .rvm_rules()
        .into_iter()
        .map(|i| engine.rules()[i].package.clone())
        .collect();
    for pkg in USABLE {
        assert!(
            on.iter().any(|p| p == &format!("data.{pkg}")),
            "{pkg} is in USABLE but not evaluated on the RVM (not a rule, or it does not compile)"
        );
    }
    assert_eq!(on.len(), USABLE.len(), "{on:?}");
    if USABLE.is_empty() {
        return;
    }
    let inputs = inputs();
    let tallies = compare(&mut engine, &inputs);
    let bad: Vec<String> = tallies
        .iter()
        .filter(|(_, t)| !t.mismatches.is_empty())
        .map(|(pkg, t)| {
            format!(
                "{pkg}: {} inputs differ; first: {}",
                t.mismatches.len(),
                t.mismatches[0]
            )
        })
        .collect();
    assert!(
        bad.is_empty(),
        "rules on the RVM answer otherwise than the interpreter (take them out of USABLE, src/engine/rvm.rs):\n{}",
        bad.join("\n")
    );
}

#[test]
#[ignore = "slow: run in release to find the rules USABLE may hold"]
fn every_rule_on_the_rvm() {
    let mut engine = engine();
    let packages: Vec<String> = engine
        .rules()
        .iter()
        .filter(|r| r.package.starts_with("data.faasguard.rules."))
        .map(|r| r.package.clone())
        .collect();
    let refs: Vec<&str> = packages.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let failed = engine.use_rvm(&refs);
    let compile = started.elapsed();
    let inputs = inputs();
    println!("{} rules, {} inputs", packages.len(), inputs.len());
    let tallies = compare(&mut engine, &inputs);
    let (mut ti, mut tr) = (Duration::ZERO, Duration::ZERO);
    let mut matching = Vec::new();
    for (pkg, e) in &failed {
        let id = pkg.trim_start_matches("data.faasguard.rules.");
        println!(
            "{id:<44} does not compile: {}",
            e.lines().next().unwrap_or("")
        );
    }
    for (pkg, t) in &tallies {
        let id = pkg.trim_start_matches("data.faasguard.rules.");
        ti += t.interpreter;
        tr += t.rvm;
        let verdict = if t.mismatches.is_empty() {
            matching.push(id.to_string());
            "matches".to_string()
        } else {
            let mut first = t.mismatches[0].clone();
            first.truncate(600);
            format!("{} inputs differ; first: {first}", t.mismatches.len())
        };
        println!(
            "{id:<44} interpreter {:>8.1} ms  rvm {:>8.1} ms  {verdict}",
            t.interpreter.as_secs_f64() * 1e3,
            t.rvm.as_secs_f64() * 1e3
        );
    }
    println!(
        "compiled {} of {} rules in {:.1} ms; {} match on every input; \
         on the compiled rules: interpreter {:.1} ms, rvm {:.1} ms",
        tallies.len(),
        packages.len(),
        compile.as_secs_f64() * 1e3,
        matching.len(),
        ti.as_secs_f64() * 1e3,
        tr.as_secs_f64() * 1e3
    );
    println!("USABLE candidates:");
    for id in &matching {
        println!("    \"faasguard.rules.{id}\",");
    }
}

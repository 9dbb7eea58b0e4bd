//! regorus' compiled mode (RVM) against its interpreter, on every built-in
//! rule: each rule is compiled to an RVM program, and both evaluate its
//! `deny` on the model of every rule fixture, of `../shared/corpus/labelled`
//! and of `../shared/corpus/real` (when present). Prints, per rule, whether
//! it compiled, whether the answers matched on every input, and both times;
//! ADR 0038 records the outcome. Needs the `rvm` feature:
//! `cargo test --release --features rvm --test rvm -- --nocapture`.
//!
//! What it asserts is what the scan relies on: the scan keeps the
//! interpreter for every rule ([`USABLE`] is empty), so nothing is asserted
//! about speed; a rule may join [`USABLE`] only if it compiles and matches on
//! every input, which this test then checks.
#![cfg(feature = "rvm")]
// Outside the library: a panic is how a test reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;

/// Rules the scan may evaluate with the RVM: none (ADR 0038).
const USABLE: &[&str] = &[];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "tf" | "yaml" | "yml"))
        {
            out.push(p);
        }
    }
}

/// Every input: the model of each file the scan reads on its own.
fn inputs() -> Vec<(String, regorus::Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("fixtures/rules"), &mut paths);
    for corpus in ["labelled", "real"] {
        files(&root.join("../shared/corpus").join(corpus), &mut paths);
    }
    paths
        .iter()
        .filter_map(|p| {
            let model = faasguard::scan::model_json(p).ok()?;
            let value = regorus::Value::from_json_str(&model.to_string()).ok()?;
            Some((p.display().to_string(), value))
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    compiled: Option<String>,
    mismatches: Vec<String>,
    errors: Vec<String>,
    interpreter: Duration,
    rvm: Duration,
}

#[test]
fn rvm_against_the_interpreter_on_every_rule_and_input() {
    let policies = faasguard::scan::builtin_policies();
    let data = faasguard::scan::rule_data(&faasguard::scan::Settings::default());
    let data = regorus::Value::from_json_str(&data.to_string()).unwrap();
    let mut engine = regorus::Engine::new();
    engine.set_strict_builtin_errors(false);
    let mut packages = Vec::new();
    for p in &policies {
        let pkg = engine.add_policy(p.path.clone(), p.text.clone()).unwrap();
        if pkg.starts_with("data.faasguard.rules.") && !packages.contains(&pkg) {
            packages.push(pkg);
        }
    }
    engine.add_data(data.clone()).unwrap();
    let inputs = inputs();
    println!("{} rules, {} inputs", packages.len(), inputs.len());

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut compile_time, mut compiled_count) = (Duration::ZERO, 0);
    for pkg in &packages {
        let entry = format!("{pkg}.deny");
        let tally = tallies.entry(pkg.clone()).or_default();
        let started = Instant::now();
        let program = engine
            .compile_with_entrypoint(&regorus::Rc::from(entry.as_str()))
            .map_err(|e| format!("{e:#}"))
            .and_then(|policy| {
                Compiler::compile_from_policy(&policy, &[entry.as_str()]).map_err(|e| e.to_string())
            });
        compile_time += started.elapsed();
        let program = match program {
            Ok(p) => {
                compiled_count += 1;
                p
            }
            Err(e) => {
                tally.compiled = Some(e);
                continue;
            }
        };
        let mut vm = RegoVM::new();
        vm.load_program(program);
        vm.set_data(data.clone()).unwrap();
        for (name, input) in &inputs {
            engine.set_input(input.clone());
            let t = Instant::now();
            let want = engine.eval_rule(entry.clone());
            tally.interpreter += t.elapsed();
            vm.set_input(input.clone());
            let t = Instant::now();
            let got = vm.execute();
            tally.rvm += t.elapsed();
            match (want, got) {
                (Ok(w), Ok(g)) => {
                    // An empty set and undefined mean the same: no finding.
                    let empty = |v: &regorus::Value| {
                        *v == regorus::Value::Undefined || v.as_set().is_ok_and(|s| s.is_empty())
                    };
                    if w != g && !(empty(&w) && empty(&g)) {
                        tally
                            .mismatches
                            .push(format!("{name}: interpreter {w} / rvm {g}"));
                    }
                }
                (Ok(_), Err(e)) => tally.errors.push(format!("{name}: {e}")),
                (Err(_), _) => {}
            }
        }
    }

    let (mut ti, mut tr) = (Duration::ZERO, Duration::ZERO);
    let mut matching = Vec::new();
    for (pkg, t) in &tallies {
        let id = pkg.trim_start_matches("data.faasguard.rules.");
        match &t.compiled {
            Some(e) => println!(
                "{id:<40} does not compile: {}",
                e.lines().next().unwrap_or("")
            ),
            None => {
                ti += t.interpreter;
                tr += t.rvm;
                let verdict = if t.mismatches.is_empty() && t.errors.is_empty() {
                    matching.push(pkg.clone());
                    "matches".to_string()
                } else {
                    format!(
                        "{} mismatches, {} errors; first: {}",
                        t.mismatches.len(),
                        t.errors.len(),
                        t.mismatches
                            .first()
                            .or(t.errors.first())
                            .map_or("", |s| s.as_str())
                    )
                };
                println!(
                    "{id:<40} interpreter {:>9.1} ms  rvm {:>9.1} ms  {verdict}",
                    t.interpreter.as_secs_f64() * 1e3,
                    t.rvm.as_secs_f64() * 1e3
                );
            }
        }
    }
    println!(
        "compiled {compiled_count} of {} rules in {:.1} ms; {} match on every input; \
         on the compiled rules: interpreter {:.1} ms, rvm {:.1} ms",
        packages.len(),
        compile_time.as_secs_f64() * 1e3,
        matching.len(),
        ti.as_secs_f64() * 1e3,
        tr.as_secs_f64() * 1e3
    );
    for id in USABLE {
        assert!(
            matching.iter().any(|p| p.ends_with(id)),
            "{id} is used with the RVM but does not match the interpreter"
        );
    }
}

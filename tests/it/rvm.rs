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

/// Where a policy uses a construct regorus 0.14's RVM compiles wrongly
/// (ADR 0053): a rule or function body that iterates (`some`, `x[_]`, a
/// reference indexed by a variable it does not bind first) followed by
/// `else` (the RVM never reaches the `else` when the iteration finds
/// nothing: `v := "found" if { some x in xs; x == 1 } else := "none"` is
/// undefined on `xs = [2]`), and multi-value rules (`a[k] contains v`,
/// compiled as a plain set, losing `k`). Comprehensions and `every` are
/// compiled right and not reported. Each entry: `file:line: what`.
fn rvm_hazards(path: &str, text: &str) -> Vec<String> {
    use regorus::unstable::{Expr, Parser, Rule, RuleHead, Source};
    let source = Source::from_contents(path.to_string(), text.to_string()).unwrap();
    let module = Parser::new(&source).unwrap().parse().unwrap();
    let mut out = Vec::new();
    for rule in &module.policy {
        let Rule::Spec { head, bodies, span } = rule.as_ref() else {
            continue;
        };
        let mut args: Vec<String> = Vec::new();
        match head {
            RuleHead::Set { refr, .. } if matches!(refr.as_ref(), Expr::RefBrack { .. }) => {
                let head = span.text().lines().next().unwrap_or("");
                out.push(format!("{path}:{}: multi-value rule `{head}`", span.line));
            }
            RuleHead::Func { args: a, .. } => {
                args = a.iter().map(|e| e.span().text().to_string()).collect();
            }
            _ => {}
        }
        for pair in bodies.windows(2) {
            if !pair[1].is_else {
                continue;
            }
            let body = pair[0].query.span.text();
            if let Some(what) = iterates(&without_comprehensions(body), &args) {
                out.push(format!(
                    "{path}:{}: `else` after a body that iterates ({what})",
                    span.line
                ));
            }
        }
    }
    out
}

/// The text with every comprehension (`[x | ...]`, `{x | ...}`,
/// `{k: v | ...}`) and string blanked out: their iteration is their own.
fn without_comprehensions(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    // Strings first, so that their brackets and bars do not count.
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            for c in chars.iter_mut().take((i + 1).min(text.len())).skip(start) {
                *c = ' ';
            }
        }
        i += 1;
    }
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '[' || chars[i] == '{' {
            let (mut depth, mut bar, mut j) = (0i32, false, i);
            while j < chars.len() {
                match chars[j] {
                    '[' | '{' | '(' => depth += 1,
                    ']' | '}' | ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    '|' if depth == 1 => bar = true,
                    _ => {}
                }
                j += 1;
            }
            if bar {
                for c in chars.iter_mut().take((j + 1).min(text.len())).skip(i) {
                    *c = ' ';
                }
                i = j;
            }
        }
        i += 1;
    }
    chars.into_iter().collect()
}

/// Whether a body (comprehensions blanked) iterates: `some`, `[_]`, or a
/// reference indexed by a name that is neither an argument nor assigned
/// (`:=`) in the body.
fn iterates(body: &str, args: &[String]) -> Option<String> {
    let words: Vec<&str> = body
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .collect();
    if words.contains(&"some") {
        return Some("`some`".to_string());
    }
    let mut rest = body;
    while let Some(at) = rest.find('[') {
        let inner = &rest[at + 1..];
        let end = inner.find(']').unwrap_or(inner.len());
        let index = inner[..end].trim();
        let is_name = !index.is_empty()
            && index.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !index.chars().next().is_some_and(|c| c.is_ascii_digit());
        if index == "_" {
            return Some("`[_]`".to_string());
        }
        if is_name
            && !args.iter().any(|a| a == index)
            && !body.contains(&format!("{index} :="))
            && !body.contains(&format!("{index} ="))
        {
            return Some(format!("`[{index}]`"));
        }
        rest = &inner[end.min(inner.len())..];
    }
    None
}

#[test]
fn usable_rules_avoid_what_the_rvm_compiles_wrongly() {
    let mut policies = Vec::new();
    let mut dirs = vec![common::root().join("policies")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rego") {
                let text = std::fs::read_to_string(&p).unwrap();
                policies.push((p.display().to_string(), text));
            }
        }
    }
    policies.sort();
    let package = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("package "))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let mut checked = 0;
    let mut bad = Vec::new();
    for (path, text) in &policies {
        let pkg = package(text);
        // A rule on the RVM, or a library any rule may call.
        if !(USABLE.contains(&pkg.as_str()) || pkg.starts_with("faasguard.lib")) {
            continue;
        }
        checked += 1;
        bad.extend(rvm_hazards(path, text));
    }
    assert!(checked > USABLE.len(), "{checked} files checked");
    assert!(
        bad.is_empty(),
        "policies evaluated on the RVM use constructs it compiles wrongly (rewrite them, or take \
         the rule out of USABLE, src/engine/rvm_usable.in):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_hazard_check_sees_the_constructs() {
    let text = "package t\nimport rego.v1\n\
        a := 1 if {\n\tsome x in input.xs\n\tx == 1\n} else := 2\n\
        b := 1 if {\n\tinput.xs[_] == 1\n} else := 2\n\
        c(xs) := 1 if {\n\txs[i] == 1\n} else := 2\n\
        d[k] contains v if {\n\tsome k, v in input.m\n}\n\
        ok1 := 1 if {\n\tcount([x | some x in input.xs; x == 1]) > 0\n} else := 2\n\
        ok2(xs, i) := 1 if {\n\txs[i] == 1\n} else := 2\n\
        ok3 := 1 if {\n\tevery x in input.xs { x == 1 }\n} else := 2\n\
        ok4 contains x if {\n\tsome x in input.xs\n}\n\
        ok5 := 1 if {\n\tinput.xs[\"[k]\"] == 1\n} else := 2\n";
    let found = rvm_hazards("t.rego", text);
    let lines: Vec<&str> = found
        .iter()
        .map(|f| f.split(':').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(lines, ["3", "7", "10", "13"], "{found:#?}");
}

/// Without user policies the interpreter is not given the rules on the RVM
/// at start (ADR 0053); when it has to answer for them (here the RVM turned
/// off), it is given them then, and answers as the RVM did.
#[test]
fn the_interpreter_answers_for_rules_it_was_not_given_at_start() {
    let root = common::root();
    let engine = engine();
    let on_rvm = engine.rvm_rules();
    assert!(!on_rvm.is_empty());
    let mut seen_on_rvm = 0;
    for fixture in [
        "fixtures/rules/FG-IAM-001/fail.cfn.yaml",
        "fixtures/rules/FG-NET-008/fail.cfn.json",
        "fixtures/rules/FG-ENC-002/fail.tf",
    ] {
        let model = faasguard::scan::model_json(&root.join(fixture)).unwrap();
        let input = regorus::Value::from_json_str(&model.to_string()).unwrap();
        let mut rvm = engine.clone();
        let with_rvm = rvm.eval(input.clone()).unwrap();
        let mut interpreter = engine.clone();
        interpreter.set_rvm(false);
        let without = interpreter.eval(input).unwrap();
        assert!(interpreter.take_failed().is_empty(), "{fixture}");
        let shown = |r: &[faasguard::engine::RawResult]| -> Vec<String> {
            r.iter()
                .map(|r| format!("{} {:?} {:?} {}", r.rule, r.resource, r.path, r.message))
                .collect()
        };
        assert!(!with_rvm.is_empty(), "{fixture}");
        assert_eq!(shown(&with_rvm), shown(&without), "{fixture}");
        seen_on_rvm += with_rvm.iter().filter(|r| on_rvm.contains(&r.rule)).count();
    }
    assert!(
        seen_on_rvm >= 3,
        "{seen_on_rvm} results of rules on the RVM"
    );
}

/// A unit whose rules to evaluate are all the interpreter's own does not give
/// the interpreter the rules held back for the RVM (parsing them all cost
/// more than the scan of most units); a unit with rules on the RVM does not
/// either, unless the RVM cannot answer.
#[test]
fn the_held_back_rules_stay_held_back_while_the_rvm_answers() {
    let engine = engine();
    assert!(!engine.interpreter_has_every_policy());
    let on_rvm = engine.rvm_rules();
    // An input with one collection that only interpreter rules read (the
    // first of these that is so).
    let collections = [
        "state_machines",
        "access_keys",
        "users",
        "queues",
        "functions",
    ];
    let mut interpreter_only = None;
    for c in collections {
        let input = regorus::Value::from_json_str(&format!(
            r#"{{"format": "cloudformation", "{c}": [{{"id": "x", "type": "t", "name": "x", "cloud": "aws"}}]}}"#
        ))
        .unwrap();
        let wanted = engine.evaluated_on(&input);
        let rvm_wanted = engine
            .rules()
            .iter()
            .enumerate()
            .filter(|(i, r)| on_rvm.contains(i) && wanted.contains(&r.meta.id.as_str()))
            .count();
        if !wanted.is_empty() && rvm_wanted == 0 {
            interpreter_only = Some(input);
            break;
        }
    }
    let input = interpreter_only.expect("a collection only interpreter rules read");
    let mut e = engine.clone();
    e.eval(input).unwrap();
    assert!(!e.interpreter_has_every_policy());
    // With rules on the RVM, likewise.
    let model = faasguard::scan::model_json(
        &common::root().join("fixtures/rules/FG-IAM-001/fail.cfn.yaml"),
    )
    .unwrap();
    let mut e = engine.clone();
    e.eval(regorus::Value::from_json_str(&model.to_string()).unwrap())
        .unwrap();
    assert!(!e.interpreter_has_every_policy());
    // With the RVM off, the interpreter answers for every rule.
    let mut e = engine.clone();
    e.set_rvm(false);
    e.eval(regorus::Value::from_json_str(&model.to_string()).unwrap())
        .unwrap();
    assert!(e.interpreter_has_every_policy());
}

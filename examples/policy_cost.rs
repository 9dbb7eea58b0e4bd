//! One rule's evaluation cost on one template, with the policies read from
//! disk (no rebuild between edits of a policy):
//! `RULES=FG-IAM-015 cargo run --release --example policy_cost -- policies PATH...`
//! prints, for each rule (default: every rule), the best of five (`ROUNDS`)
//! evaluations on each template found under the paths, summed, and a digest of
//! its results, so that a faster policy can be checked to give the same answer.
// Outside the library: a panic is how an example reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hash::{Hash, Hasher};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, paths) = match args.as_slice() {
        [dir, rest @ ..] if !rest.is_empty() => (dir, rest),
        _ => panic!("usage: policy_cost POLICY_DIR TEMPLATE|DIR... (RULES=FG-IAM-015,...)"),
    };
    let wanted: Vec<String> = std::env::var("RULES")
        .map(|r| r.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let settings = faasguard::scan::Settings::default();
    let policies = faasguard::engine::load_policy_files(&[dir.into()], false).expect("policies");
    let mut engine =
        faasguard::engine::Engine::new(&policies, faasguard::scan::rule_data(&settings))
            .expect("policies load");
    let mut files = Vec::new();
    for p in paths {
        for e in ignore::WalkBuilder::new(p)
            .standard_filters(false)
            .build()
            .flatten()
        {
            if e.path().is_file() {
                files.push(e.path().to_path_buf());
            }
        }
    }
    files.sort();
    let mut inputs = Vec::new();
    for f in &files {
        if let Ok(model) = faasguard::scan::model_json(f) {
            let v = regorus::Value::from_json_str(&model.to_string()).expect("json");
            inputs.push((f.display().to_string(), v));
        }
    }
    let verbose = std::env::var_os("VERBOSE").is_some();
    let mut total = 0.0;
    for i in 0..engine.rules().len() {
        let id = engine.rules()[i].meta.id.clone();
        if !wanted.is_empty() && !wanted.contains(&id) {
            continue;
        }
        let mut time = 0.0;
        let mut all = std::collections::hash_map::DefaultHasher::new();
        let mut n = 0;
        for (name, input) in &inputs {
            let mut best = f64::MAX;
            let mut out = Vec::new();
            for _ in 0..rounds {
                let t = Instant::now();
                out = engine.eval_single(i, input.clone()).expect("rule runs");
                best = best.min(t.elapsed().as_secs_f64() * 1000.0);
            }
            time += best;
            let text = format!("{out:?}");
            text.hash(&mut all);
            n += out.len();
            if verbose {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                text.hash(&mut h);
                println!("  {id} {name} {} {:016x} {best:.3}", out.len(), h.finish());
            }
        }
        total += time;
        println!("{id}  {time:9.3} ms  {n:6} results  {:016x}", all.finish());
    }
    println!("total  {total:.3} ms  ({} inputs)", inputs.len());
}

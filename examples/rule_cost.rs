//! Per-rule evaluation cost: `cargo run --release --example rule_cost -- DIR`
//! evaluates every built-in rule on the templates directly in DIR (default:
//! the benchmark's `target/bench-data/k1/svc000`) and prints the slowest
//! rules, the per-template cost of the one aggregate query the scanner
//! runs, and of evaluating the rules one by one.
// Outside the library: a panic is how an example reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench-data/k1/svc000".into());
    let settings = faasguard::scan::Settings::default();
    let mut engine = faasguard::scan::load_engine(&settings).expect("policies load");
    let mut inputs = Vec::new();
    for e in std::fs::read_dir(&dir)
        .expect("a directory of templates")
        .flatten()
    {
        let Ok(v) = faasguard::scan::model_json(&e.path()) else {
            continue;
        };
        inputs.push(regorus::Value::from_json_str(&v.to_string()).expect("json"));
    }
    if inputs.is_empty() {
        eprintln!("no templates in {dir} (run `cargo bench --bench scan` to generate them)");
        return;
    }
    let n = engine.rules().len();
    let per = |t: Instant| t.elapsed().as_secs_f64() * 1000.0 / inputs.len() as f64;
    let mut costs = Vec::new();
    for i in 0..n {
        let t = Instant::now();
        for inp in &inputs {
            engine.eval_single(i, inp.clone()).expect("rule runs");
        }
        costs.push((per(t), engine.rules()[i].meta.id.clone()));
        if std::env::var_os("RULE_COST_VERBOSE").is_some() {
            eprintln!("  {}  {:.3} ms", engine.rules()[i].meta.id, per(t));
        }
    }
    println!("{} templates", inputs.len());
    let t = Instant::now();
    for inp in &inputs {
        engine.eval(inp.clone()).expect("rules run");
    }
    println!("aggregate query  {:.3} ms/template", per(t));
    let empty = faasguard::model::Model::new(
        faasguard::model::Format::CloudFormation,
        faasguard::source::FileId(0),
    )
    .to_input("");
    let t = Instant::now();
    for _ in &inputs {
        engine.eval(empty.clone()).expect("rules run");
    }
    println!(
        "empty model      {:.3} ms/evaluation (the fixed cost)",
        per(t)
    );
    let t = Instant::now();
    for inp in &inputs {
        for i in 0..n {
            engine.eval_single(i, inp.clone()).expect("rule runs");
        }
    }
    println!("rule by rule     {:.3} ms/template", per(t));
    costs.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (c, id) in costs.iter().take(10) {
        println!("  {id}  {c:.3} ms");
    }
}

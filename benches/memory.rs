//! `cargo bench --bench memory [-- PATH]`: where a scan's heap goes. A
//! counting allocator (over mimalloc, the binary's own) records live and
//! peak heap bytes at each stage: the compiled policies, one more engine
//! (what each rayon worker holds), and a scan of PATH (default
//! `../shared/corpus/real`) at 1 and 2 threads, with what stays live once it
//! returns (the `Outcome` the reports are written from). Peak RSS of the
//! whole process is `/usr/bin/time -v faasguard scan`: this says which part
//! of it is whose.
//!
//! `-- --size N` instead breaks one generated unit of N functions (the
//! `scale` benchmark's SAM YAML template, its one-line JSON form, and its
//! Terraform module) into stages, in process: the text, the parsed tree,
//! the model adapted from it, the policy input (a regorus `Value`, built as
//! the scan builds it: the items move into it and the model keeps their
//! spans), the evaluation's peak above all that, and the results; each is
//! the heap it holds (live bytes after the stage) and its peak.
//! `FAASGUARD_CENSUS=1` adds each collection's share of the model and of the
//! input. Nothing is asserted.
// Outside the library: a panic is how a bench reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "common/generate.rs"]
mod generate;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to mimalloc unchanged; the counters are
// only arithmetic on the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn mb(n: usize) -> f64 {
    n as f64 / (1024.0 * 1024.0)
}

/// Live bytes now, and the peak since the last call (then reset to now).
fn mark() -> (usize, usize) {
    let live = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.swap(live, Ordering::Relaxed);
    (live, peak)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--size") {
        let n = args
            .get(at + 1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(16_000);
        stages(n);
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/real"));
    if !path.exists() {
        println!("skipped: {} is absent", path.display());
        return;
    }
    let (start, _) = mark();
    let settings = faasguard::scan::Settings::default();
    let engine = faasguard::scan::load_engine(&settings).expect("policies load");
    let (live, peak) = mark();
    println!(
        "compiled policies:      live {:7.1} MB  (peak while loading {:7.1} MB)",
        mb(live - start),
        mb(peak - start)
    );
    let copy = engine.clone();
    let (after, _) = mark();
    println!("one more engine clone:  live {:7.1} MB", mb(after - live));
    drop(copy);
    drop(engine);
    for threads in [1, 2] {
        let (before, _) = mark();
        let settings = faasguard::scan::Settings {
            paths: vec![path.clone()],
            threads,
            ..faasguard::scan::Settings::default()
        };
        let outcome = faasguard::scan::scan(&settings).expect("scan runs");
        let (live, peak) = mark();
        println!(
            "scan, {threads} thread(s):       peak {:7.1} MB, live after {:7.1} MB ({} findings, {} files) of {}",
            mb(peak - before),
            mb(live - before),
            outcome.findings.len(),
            outcome.stats.files_scanned,
            path.display()
        );
        drop(outcome);
    }
}

/// One stage's line: what it adds to the live heap (negative: what it
/// gives back), and its peak above what was live before it.
fn stage(name: &str, before: usize, n: usize) -> usize {
    let (live, peak) = mark();
    let added = live as f64 - before as f64;
    println!(
        "  {name:<28} live {:+8.1} MB ({:+6.0} B/function)  peak {:8.1} MB",
        added / (1024.0 * 1024.0),
        added / n as f64,
        mb(peak.saturating_sub(before)),
    );
    live
}

/// The heap of each stage of one unit of `n` functions.
fn stages(n: usize) {
    use faasguard::source::FileId;
    let settings = faasguard::scan::Settings::default();
    let mut engine = faasguard::scan::load_engine(&settings).expect("policies load");
    for (name, text, json) in [
        ("SAM YAML", generate::sam_yaml(n), false),
        ("SAM JSON one line", generate::sam_json(n), true),
    ] {
        println!("{name}, {n} functions ({:.1} MB of text):", mb(text.len()));
        let _ = mark();
        let at = LIVE.load(Ordering::Relaxed);
        let syntax = if json {
            faasguard::parse::Syntax::Json
        } else {
            faasguard::parse::Syntax::Yaml
        };
        let docs = faasguard::parse::parse(&text, syntax, FileId(0)).expect("parses");
        let at = stage("parsed tree", at, n);
        let env = faasguard::adapt::cloudformation::Env::default();
        let (mut model, _secrets) =
            faasguard::adapt::cloudformation::adapt(&docs[0], FileId(0), &env);
        let at = stage("model", at, n);
        model.compact();
        let at = stage("model compacted", at, n);
        after_model(&mut engine, &mut model, at, n);
        drop(model);
        drop(docs);
        drop(text);
    }
    let text: std::sync::Arc<str> = std::sync::Arc::from(generate::terraform(n));
    println!(
        "Terraform for_each, {n} functions ({:.1} MB of text):",
        mb(text.len())
    );
    let _ = mark();
    let at = LIVE.load(Ordering::Relaxed);
    let dir = PathBuf::from("/bench/tf");
    let mut files = faasguard::terraform::FileSet::default();
    files
        .files
        .insert(dir.join("main.tf"), (FileId(0), text.clone()));
    let unit = faasguard::terraform::load_module(&dir, &files, &Default::default());
    let at = stage("parsed and evaluated HCL", at, n);
    let (mut model, _secrets) = faasguard::adapt::terraform::adapt(&unit);
    let at = stage("model", at, n);
    model.compact();
    let at = stage("model compacted", at, n);
    after_model(&mut engine, &mut model, at, n);
}

/// The policy input built from `model` as the scan builds it (its items
/// move into the input, their keys and spans stay), then its evaluation.
fn after_model(
    engine: &mut faasguard::engine::Engine,
    model: &mut faasguard::model::Model,
    at: usize,
    n: usize,
) {
    if std::env::var_os("FAASGUARD_CENSUS").is_some() {
        census(model, n);
    }
    let input = model.take_input("bench");
    let at = stage("input, model keeps spans", at, n);
    let results = engine.eval(input).expect("evaluates");
    stage("evaluation, results", at, n);
    println!("  ({} results)", results.len());
}

/// `FAASGUARD_CENSUS=1`: each collection's share of the model (a copy of
/// its items) and of the policy input (what dropping it from the input
/// gives back; strings it shares with other collections stay).
fn census(model: &faasguard::model::Model, n: usize) {
    for name in faasguard::model::COLLECTIONS {
        let items = model.items(name);
        if items.is_empty() {
            continue;
        }
        let (before, _) = mark();
        let copy = items.to_vec();
        let (after, _) = mark();
        drop(copy);
        println!(
            "    model {name:<24} {:6} items {:+8.0} B/function",
            items.len(),
            (after - before) as f64 / n as f64
        );
    }
    // Nodes in sequences, map entries, and the bytes of strings (values and keys).
    fn walk(n: &faasguard::parse::Node, c: &mut [usize; 5]) {
        use faasguard::parse::Value;
        match &n.value {
            Value::String(s) => c[2] += s.capacity(),
            Value::Seq(items) => {
                c[0] += items.len();
                items.iter().for_each(|i| walk(i, c));
            }
            Value::Map(m) => {
                c[1] += m.entries.len();
                for e in &m.entries {
                    c[3] += e.key.capacity();
                    c[4] += 1;
                    walk(&e.value, c);
                }
            }
            Value::Unknown(_) => c[4] += 0,
            _ => {}
        }
    }
    let mut c = [0usize; 5];
    for name in faasguard::model::COLLECTIONS {
        for item in model.items(name) {
            c[0] += 1;
            walk(item, &mut c);
        }
    }
    println!(
        "    per function: {:.1} nodes in sequences or items, {:.1} entries, {:.0} B of value strings, {:.0} B of keys",
        c[0] as f64 / n as f64,
        c[1] as f64 / n as f64,
        c[2] as f64 / n as f64,
        c[3] as f64 / n as f64
    );
    let mut input = model.to_input("bench");
    for name in faasguard::model::COLLECTIONS {
        if model.items(name).is_empty() {
            continue;
        }
        let (before, _) = mark();
        input
            .as_object_mut()
            .unwrap()
            .remove(&regorus::Value::from(*name));
        let (after, _) = mark();
        println!(
            "    input {name:<24} {:+8.0} B/function",
            (before - after) as f64 / n as f64
        );
    }
}

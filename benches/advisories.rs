//! `cargo bench --bench advisories`: the time to load the shared corpus's
//! advisories (RustSec native + RustSec OSV + PyPI OSV, and npm's five
//! records) and to match a synthetic 2,000-package lockfile (PyPI and
//! crates.io names drawn from the database) against them. Prints the best
//! and median of several runs; targets (release, 2 cores): load < 300 ms,
//! match < 100 ms. Nothing here asserts on time.
// Outside the library: a panic is how a bench reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use faasguard::advisory::{Advisory, Database, Event};
use faasguard::lockfile::{Ecosystem, Package};
use faasguard::source::Span;

// The allocator the faasguard binary ships with, so the numbers are its.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 7;

fn stats(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let best = times.first().copied().unwrap_or_default();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    (ms(best), ms(median))
}

/// A version near the advisory's boundaries, so matching does real work:
/// the n-th event's version, or 1.0.0.
fn version_for(a: &Advisory, n: usize) -> String {
    let events: Vec<&String> = a
        .affected
        .iter()
        .flat_map(|aff| &aff.ranges)
        .flat_map(|r| &r.events)
        .map(|e| match e {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        })
        .filter(|v| v.as_str() != "0")
        .collect();
    match events.get(n % events.len().max(1)) {
        Some(v) => v.to_string(),
        None => "1.0.0".to_string(),
    }
}

/// 2,000 packages, alternating PyPI and crates.io, cycling through the
/// database's package names.
fn lockfile(db: &Database) -> Vec<Package> {
    let pick = |eco: Ecosystem| -> Vec<(String, String)> {
        db.advisories()
            .iter()
            .enumerate()
            .flat_map(|(i, a)| {
                a.affected
                    .iter()
                    .filter(|aff| aff.ecosystem == eco)
                    .map(move |aff| (aff.name.clone(), version_for(a, i)))
            })
            .collect()
    };
    let pypi = pick(Ecosystem::PyPI);
    let crates = pick(Ecosystem::CratesIo);
    (0..2000)
        .filter_map(|i| {
            let (eco, list) = if i % 2 == 0 {
                (Ecosystem::PyPI, &pypi)
            } else {
                (Ecosystem::CratesIo, &crates)
            };
            let (name, version) = list.get((i * 7) % list.len().max(1))?;
            Some(Package {
                name: name.clone(),
                version: version.clone(),
                ecosystem: eco,
                dev: false,
                span: Span::default(),
            })
        })
        .collect()
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/advisories");
    if !corpus.is_dir() {
        println!("skipped: {} is absent", corpus.display());
        return;
    }
    println!("threads: {}", rayon::current_num_threads());
    for sub in ["rustsec-native", "rustsec-osv", "pypi-osv"] {
        let dir = corpus.join(sub);
        let times: Vec<Duration> = (0..RUNS)
            .filter_map(|_| {
                let t = Instant::now();
                Database::load(&dir).ok()?;
                Some(t.elapsed())
            })
            .collect();
        let (best, median) = stats(times);
        println!("load {sub:<15} best {best:7.1} ms  median {median:7.1} ms");
    }
    let mut db = None;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        match Database::load(&corpus) {
            Ok(d) => {
                times.push(t.elapsed());
                db = Some(d);
            }
            Err(e) => {
                println!("load failed: {e}");
                return;
            }
        }
    }
    let Some(db) = db else { return };
    let (best, median) = stats(times);
    let m = db.metadata();
    println!(
        "load all ({} advisories: {:?})  best {best:7.1} ms  median {median:7.1} ms  (target < 300 ms)",
        m.total, m.counts
    );

    // Entries are prepared for matching on first use: the first match on a
    // fresh database ("cold") pays for that, later ones ("warm") do not.
    let packages = lockfile(&db);
    let mut found = 0;
    // [sequential cold, sequential warm, parallel cold, parallel warm]
    let mut times: [Vec<Duration>; 4] = Default::default();
    for _ in 0..RUNS {
        for parallel in [false, true] {
            let Ok(fresh) = Database::load(&corpus) else {
                return;
            };
            for warm in [false, true] {
                let t = Instant::now();
                found = if parallel {
                    packages
                        .par_iter()
                        .map(|p| fresh.matches(p).len())
                        .sum::<usize>()
                } else {
                    packages
                        .iter()
                        .map(|p| fresh.matches(p).len())
                        .sum::<usize>()
                };
                if let Some(slot) = times.get_mut(usize::from(parallel) * 2 + usize::from(warm)) {
                    slot.push(t.elapsed());
                }
            }
        }
    }
    let n = packages.len();
    println!("match {n} packages ({found} matches; target < 100 ms):");
    let labels = [
        "1 thread, cold",
        "1 thread, warm",
        "rayon, cold",
        "rayon, warm",
    ];
    for (label, t) in labels.iter().zip(times) {
        let (best, median) = stats(t);
        println!("  {label:<15} best {best:7.1} ms  median {median:7.1} ms");
    }
}

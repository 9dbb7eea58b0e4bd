//! `cargo bench --bench scale`: cost at size. One SAM template with 1k, 2k,
//! 4k and 16k functions (each with an `Api` event and an `S3ReadPolicy`
//! policy template), one Terraform module with 1k and 16k functions from
//! `for_each` (each with its role, an inline policy and an API Gateway
//! permission: three resources per function), and one 150k-function
//! single-line JSON template, each scanned once by the release binary;
//! prints wall time, time per function and peak RSS (max RSS of the child,
//! from `/usr/bin/time`). The targets (issue 17: per-function cost at 16k at
//! most 1.5x that at 1k, 16k under 10 s on 2 cores; 150k finishes under
//! 2 GB) are read from the output, never asserted: timing asserts fail on a
//! busy machine. `-- WORD...` runs only the cases whose name holds a word;
//! `FAASGUARD_BIN=path` measures that binary instead of this
//! build's. Results: docs/performance.md.
// Outside the library: a panic is how a bench reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "common/generate.rs"]
mod generate;
use generate::{sam_json, sam_yaml, terraform};

/// Wall seconds, peak RSS (KiB) and whether the scan finished normally
/// (exit 0 or 1: findings).
fn run(bin: &Path, file: &Path) -> (f64, u64, bool) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(bin)
        .args(["scan", "--format", "json"])
        .arg(file)
        .output()
        .or_else(|_| {
            Command::new(bin)
                .args(["scan", "--format", "json"])
                .arg(file)
                .output()
        })
        .expect("run faasguard");
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rss = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    // Under /usr/bin/time the child's code is time's own when it fails.
    let ok = matches!(out.status.code(), Some(0 | 1)) && !out.stdout.is_empty();
    (secs, rss, ok)
}

fn main() {
    // FAASGUARD_BIN: measure another build (another checkout's release
    // binary, in the same minutes) on the same generated inputs.
    let bin = std::env::var_os("FAASGUARD_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_faasguard")));
    println!("binary: {}", bin.display());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("target/bench-data/scale");
    std::fs::create_dir_all(&data).expect("bench data directory");
    println!("faasguard scale benchmark (one run each; peak = max RSS)");
    // The 1k cost of each family (SAM, Terraform); the 150k JSON template
    // is compared with SAM's.
    let mut first_per: std::collections::BTreeMap<&str, f64> = Default::default();
    let mut cases: Vec<(String, usize, PathBuf)> = Vec::new();
    for n in [1_000, 2_000, 4_000, 16_000] {
        let path = data.join(format!("sam-{n}.yaml"));
        std::fs::write(&path, sam_yaml(n)).expect("write template");
        cases.push((format!("SAM YAML, {n} functions"), n, path));
    }
    for n in [1_000, 16_000] {
        let dir = data.join(format!("tf-{n}"));
        std::fs::create_dir_all(&dir).expect("module directory");
        std::fs::write(dir.join("main.tf"), terraform(n)).expect("write module");
        cases.push((format!("Terraform for_each, {n} functions"), n, dir));
    }
    let n = 150_000;
    let path = data.join(format!("sam-{n}.json"));
    std::fs::write(&path, sam_json(n)).expect("write template");
    cases.push((format!("SAM JSON one line, {n} functions"), n, path));
    // `-- WORD...`: only the cases whose name holds one of the words
    // (`SAM`, `Terraform`, `JSON`, `16000`).
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for (name, n, path) in cases {
        if !only.is_empty() && !only.iter().any(|w| name.contains(w.as_str())) {
            continue;
        }
        let (secs, rss, ok) = run(&bin, &path);
        let per = secs / n as f64 * 1e6;
        let family = if name.starts_with("Terraform") {
            "tf"
        } else {
            "sam"
        };
        let base = *first_per.entry(family).or_insert(per);
        println!(
            "{name:<36} {secs:>8.2} s  {per:>7.1} µs/function  ({:.2}x the 1k cost)  peak {:>7.1} MB{}",
            per / base,
            rss as f64 / 1024.0,
            if ok { "" } else { "  (did not finish normally)" }
        );
    }
}

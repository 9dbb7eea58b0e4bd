//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

use faasguard::scan::{self, Outcome, Settings};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus`. A test that calls it carries
/// `#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]`, so it
/// shows as ignored without it (see `src/shared.rs`).
pub fn corpus() -> PathBuf {
    faasguard::shared::path("corpus")
}

/// Settings for a deterministic scan of `paths`.
pub fn settings(paths: &[&Path]) -> Settings {
    Settings {
        paths: paths.iter().map(|p| p.to_path_buf()).collect(),
        today: "2026-11-23".into(),
        threads: 1,
        ..Settings::default()
    }
}

pub fn scan_with(settings: &Settings) -> Outcome {
    scan::scan(settings).expect("scan runs")
}

/// Run the binary from the crate root with `args` (a `scan ... --format
/// json` command line) and parse its JSON report.
pub fn json_run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, serde_json::Value) {
    let mut cmd = assert_cmd::Command::cargo_bin("faasguard").expect("binary");
    cmd.current_dir(root())
        .args(args)
        .env("FAASGUARD_TODAY", "2026-11-23");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run faasguard");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

/// `(rule_id, file, line, message)` of every finding of a JSON report.
pub fn findings_of(report: &serde_json::Value) -> Vec<(String, String, u64, String)> {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["rule_id"].as_str().unwrap_or("").to_string(),
                        f["file"].as_str().unwrap_or("").to_string(),
                        f["start"]["line"].as_u64().unwrap_or(0),
                        f["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `file:line:col` of a JSON report's finding or unknown, as tests compare it.
pub fn at(item: &serde_json::Value) -> String {
    format!(
        "{}:{}:{}",
        item["file"].as_str().unwrap_or(""),
        item["start"]["line"],
        item["start"]["column"]
    )
}

//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

use faasguard::scan::{self, Outcome, Settings};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus`, or None (tests skip cleanly without it).
pub fn corpus() -> Option<PathBuf> {
    let p = root().join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("note: ../shared/corpus is absent; skipping");
        None
    }
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

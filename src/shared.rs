//! The material beside the repository that some tests read (`../shared`:
//! the public corpus, the SARIF schema). It is not part of the crate, so a
//! fresh clone has none of it; those tests then must not pass silently.
//!
//! `build.rs` sets the `shared_absent` cfg when `../shared` is missing and
//! `FAASGUARD_REQUIRE_SHARED=1` is not set; each such test carries
//! `#[cfg_attr(shared_absent, ignore = "...")]`, so `cargo test` lists it as
//! `ignored, needs ../shared` and counts it in its `N ignored` total. With
//! `FAASGUARD_REQUIRE_SHARED=1` (what `.ci/run` sets) the tests run and
//! [`path`] fails them. See `docs/adr/0014-rule-registry.md`.

use std::path::{Path, PathBuf};

/// The variable that turns a missing `../shared` into failing tests.
pub const REQUIRE_ENV: &str = "FAASGUARD_REQUIRE_SHARED";

/// `../shared/<rel>`. Panics, naming the path and why, when it is absent:
/// a test only calls this when `../shared` was present at build time or is
/// required.
// Test material only (no scan calls it): the panic is the failing test's
// report, which is what a missing `../shared` must give.
#[allow(clippy::panic)]
pub fn path(rel: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if p.exists() {
        return p;
    }
    let why = if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
        format!("{REQUIRE_ENV}=1 requires it")
    } else {
        "it was there when the tests were built (run `cargo clean -p faasguard` after removing it)"
            .to_string()
    };
    panic!("{} is absent, but {why}", p.display());
}

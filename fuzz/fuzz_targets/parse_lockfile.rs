//! Lockfile parsers: no panics on any input, valid spans, and each package's
//! span on the line naming it. The first byte picks the lockfile kind.
//! The check itself lives in `fuzz/checks.rs`, shared with `tests/it/fuzz_smoke.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::parse_lockfile(data));

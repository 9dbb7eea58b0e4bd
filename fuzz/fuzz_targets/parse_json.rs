//! JSON parser: no panics, valid spans, and agreement with serde_json.
//! The check itself lives in `fuzz/checks.rs`, shared with `tests/it/fuzz_smoke.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::parse_json(data));

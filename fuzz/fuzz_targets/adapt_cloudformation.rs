//! CloudFormation/SAM adapter over any parsed document: no panics, model spans valid.
//! The check itself lives in `fuzz/checks.rs`, shared with `tests/it/fuzz_smoke.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::adapt_cloudformation(data));

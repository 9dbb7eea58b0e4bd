//! Serverless Framework adapter over any parsed document: no panics or
//! hangs, and every span the model carries lies inside the text.
//! The check itself lives in `fuzz/checks.rs`, shared with `tests/it/fuzz_smoke.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::adapt_serverless(data));

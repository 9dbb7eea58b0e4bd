//! Terraform HCL: `load_module` never panics on any UTF-8 `main.tf`, and
//! every span it returns is a valid, char-aligned range of the text.
//! The check itself lives in `fuzz/checks.rs`, shared with `tests/it/fuzz_smoke.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::parse_hcl(data));

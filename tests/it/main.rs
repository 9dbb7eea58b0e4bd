//! Integration tests: one binary, a module per topic.

mod bad_input;
mod cli;
mod common;
mod corpus;
mod determinism;
mod fuzz_smoke;
mod labelled;
mod props;
mod residency;
mod rule_fixtures;
mod sarif;
mod snapshots;

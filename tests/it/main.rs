//! Integration tests: one binary, a module per topic.

mod advisory_net;
mod audit;
mod bad_input;
mod baseline;
mod cli;
mod common;
mod config;
mod corpus;
mod determinism;
mod exit_codes;
mod fixes;
mod formats;
mod fuzz_smoke;
mod labelled;
mod perf;
mod policies;
mod props;
mod residency;
mod rule_fixtures;
mod sarif;
mod snapshots;
mod suppress;
mod workflow;

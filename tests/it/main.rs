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
mod fixes;
mod formats;
mod fuzz_smoke;
mod labelled;
mod policies;
mod promises;
mod props;
mod registry;
mod residency;
mod rule_fixtures;
mod sarif;
mod snapshots;
mod suppress;
mod workflow;

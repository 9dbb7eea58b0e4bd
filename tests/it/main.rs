//! Integration tests: one binary, a module per topic.
// Outside the library: a panic is how a test reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod advisory_net;
mod architecture;
mod audit;
mod bad_input;
mod baseline;
mod cfn_fidelity;
mod cli;
mod common;
mod config;
mod conftest_compat;
mod conftest_inputs;
mod corpus;
mod coverage;
mod determinism;
mod exit_codes;
mod fixes;
mod formats;
mod fuzz_smoke;
mod hostile;
mod labelled;
mod outputs;
mod perf;
mod policies;
mod pr_mode;
mod pr_mode_fix;
mod pr_mode_reports;
mod pr_mode_unknown;
mod promises;
mod props;
mod real_proxy;
mod registry;
mod report_type;
mod residency;
mod rule_fixtures;
mod rvm;
mod same_output;
mod sarif;
mod serverless_fidelity;
mod snapshots;
mod suppress;
mod terraform_fidelity;
mod workflow;

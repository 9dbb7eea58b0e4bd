//! Integration tests: one binary, a module per topic.

mod common;
mod rule_fixtures;

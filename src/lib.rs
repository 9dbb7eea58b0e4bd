//! faasguard: a policy-as-code governance scanner for serverless
//! infrastructure-as-code.
//!
//! The pipeline flows one way, one module per stage:
//! [`discover`] → [`parse`] → [`adapt`] → [`model`] → [`engine`] → [`finding`] → [`suppress`]
//! (with [`baseline`]) → [`report`].
//! [`scan`] orders the stages; the binary (`src/main.rs`, `src/cli/`) turns
//! arguments into [`settings::Settings`] and an [`outcome::Outcome`] into output.
//! `docs/architecture.md` draws the whole.

// Every public item says what it is (ADR 0043): `.ci/run`'s clippy `-D warnings`
// makes this a hard error. An item with nothing to say is `pub(crate)`.
#![warn(missing_docs)]

pub mod adapt;
pub mod advisory;
pub mod allocator;
pub mod baseline;
pub mod config;
pub mod conftest;
pub mod date;
pub(crate) mod deadline;
pub mod deps;
pub mod discover;
mod embedded;
pub mod engine;
pub mod finding;
pub mod fix;
pub mod lockfile;
pub mod merge;
pub mod model;
pub mod outcome;
pub mod parse;
pub mod policytest;
pub mod pr;
pub mod registry;
pub mod report;
pub mod rule;
pub mod scan;
pub(crate) mod scope;
pub mod secret;
pub mod settings;
#[doc(hidden)]
pub mod shared;
pub mod source;
pub mod suppress;
pub mod terraform;
pub(crate) mod undecided;

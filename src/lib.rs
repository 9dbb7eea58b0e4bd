//! faasguard: a policy-as-code governance scanner for serverless
//! infrastructure-as-code.
//!
//! The pipeline flows one way, one module per stage:
//! [`discover`] → [`parse`] → [`adapt`] → [`model`] → [`engine`] → [`finding`] → [`report`].
//! [`scan`] wires the stages together; the binary only parses arguments.

pub mod adapt;
pub mod model;
pub mod discover;
mod embedded;
pub mod engine;
pub mod parse;
pub mod rule;
pub mod secret;
pub mod source;

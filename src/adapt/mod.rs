//! Adapt stage: one adapter per format turns parsed documents into the
//! normalized model (see `docs/model.md`).

pub mod cloudformation;
pub mod iam;
pub mod managed_policy;
pub mod sam_policy;
pub mod secrets;
pub mod serverless;
pub mod terraform;

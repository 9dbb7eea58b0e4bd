//! Adapt stage: one adapter per format turns parsed documents into the
//! normalized model (see `docs/model.md`).

pub mod cloudformation;
pub mod iam;
pub mod managed_policy;
pub(crate) mod rotation;
pub mod sam_policy;
pub mod secrets;
pub mod serverless;
pub mod terraform;

/// Service principals whose invocations of a function are asynchronous (a
/// permission for one makes the function `async_invoked`), in every format.
pub(crate) const ASYNC_SERVICES: &[&str] = &[
    "s3.amazonaws.com",
    "sns.amazonaws.com",
    "events.amazonaws.com",
    "scheduler.amazonaws.com",
    "iot.amazonaws.com",
    "ses.amazonaws.com",
    "logs.amazonaws.com",
    "codecommit.amazonaws.com",
    "cloudformation.amazonaws.com",
    "config.amazonaws.com",
];

/// A transit-encryption switch (AppSync's `TransitEncryptionEnabled`) in the
/// `caches` items' `endpoint_encryption` terms, `TLS` or `NONE`, so DAX and
/// AppSync caches answer the same question the same way; an unknown stays
/// unknown.
pub(crate) fn tls_or_none(n: Option<crate::parse::Node>) -> Option<crate::parse::Node> {
    use crate::parse::Node;
    let n = n?;
    Some(match n.as_bool() {
        Some(true) => Node::string("TLS", n.span),
        Some(false) => Node::string("NONE", n.span),
        None => n,
    })
}

//! Adapt stage: one adapter per format turns parsed documents into the
//! normalized model (see `docs/model.md`).

pub(crate) mod arn;
pub mod cloudformation;
pub(crate) mod event_target;
pub(crate) mod iam;
pub(crate) mod json_text;
pub mod managed_policy;
pub(crate) mod rotation;
pub mod sam_policy;
pub(crate) mod secrets;
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

/// Record a region in use: `source` says how the adapter learned it
/// (`provider`, `arn`, `replica`, ...), `resource` which item uses it.
pub(crate) fn push_region(
    model: &mut crate::model::Model,
    cloud: &'static str,
    region: &str,
    source: &str,
    resource: Option<&str>,
    span: crate::source::Span,
) {
    use crate::model::collections::{Head, Region};
    use crate::parse::Node;
    let id = format!("region:{}", model.items("regions").len());
    let mut item = Region::new(Head::new(&id, region, "region", cloud, span));
    item.region = Some(Node::string(region, span));
    item.source = Some(Node::string(source, span));
    item.resource = resource.map(|r| Node::string(r, span));
    model.add(item);
}

/// A region in use whose value is unknown (a parameter, a variable, an
/// unresolved `${env:}`): the residency rule lists it as undecided rather
/// than passing it in silence.
pub(crate) fn push_unknown_region(
    model: &mut crate::model::Model,
    cloud: &'static str,
    region: &crate::parse::Node,
    source: &str,
    resource: Option<&str>,
) {
    use crate::model::collections::{Head, Region};
    use crate::parse::Node;
    let id = format!("region:{}", model.items("regions").len());
    let mut item = Region::new(Head::new(&id, "unknown", "region", cloud, region.span));
    item.region = Some(region.clone());
    item.source = Some(Node::string(source, region.span));
    item.resource = resource.map(|r| Node::string(r, region.span));
    model.add(item);
}

/// The function that `function` (a linked id) names is invoked
/// asynchronously: a bucket notification, a subscription, a rule target or
/// an invoke config points at it.
pub(crate) fn async_invoked(function: &crate::parse::Node) -> crate::model::collections::Update {
    use crate::model::collections::update;
    let id = function.as_str().unwrap_or_default();
    let yes = crate::parse::Node::bool(true, function.span);
    update!(Function, id, async_invoked, yes)
}

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

/// Where a distribution's viewer certificate comes from, as CloudFront's
/// API names it (`acm`, `iam`, `cloudfront` for its default certificate),
/// spanned where it is written; an unknown certificate stays unknown.
pub(crate) fn certificate_source(
    written: &[(&str, Option<&crate::parse::Node>)],
) -> Option<crate::parse::Node> {
    for (source, v) in written {
        let Some(v) = v else { continue };
        if v.is_unknown() {
            return Some((*v).clone());
        }
        let set = match *source {
            "cloudfront" => v.as_bool() == Some(true),
            _ => v.as_str().is_some_and(|s| !s.is_empty()),
        };
        if set {
            return Some(crate::parse::Node::string(*source, v.span));
        }
    }
    None
}

/// A further stage of an API (an item with `stage_of`, see `docs/model.md`)
/// takes the API's `kind` and `endpoint_type`, whichever order the template
/// declares them in: the updates that copy them (spanned at the stage).
pub(crate) fn further_stage_updates(
    model: &crate::model::Model,
) -> Vec<crate::model::collections::Update> {
    use crate::model::collections::update;
    let apis = model.items("apis");
    // Keyed once (a template may declare thousands of stages); the first
    // item of an id wins, as a search in order would find it.
    let mut by_id: std::collections::HashMap<&str, &crate::parse::Node> =
        std::collections::HashMap::new();
    for x in apis {
        if let Some(id) = crate::model::item_id(x) {
            by_id.entry(id).or_insert(x);
        }
    }
    let mut out = Vec::new();
    for s in apis {
        let (Some(id), Some(of_node)) = (crate::model::item_id(s), s.get("stage_of")) else {
            continue;
        };
        let Some(of) = of_node.as_str() else {
            continue;
        };
        let Some(api) = by_id.get(of) else {
            continue;
        };
        // Written at the stage, where a finding about this stage points.
        for (field, v) in [
            ("kind", api.get("kind")),
            ("endpoint_type", api.get("endpoint_type")),
        ] {
            let Some(v) = v else { continue };
            let mut v = v.clone();
            v.span = of_node.span;
            out.push(match field {
                "kind" => update!(Api, id, kind, v),
                _ => update!(Api, id, endpoint_type, v),
            });
        }
    }
    out
}

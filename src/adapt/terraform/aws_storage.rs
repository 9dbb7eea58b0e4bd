//! AWS data stores and delivery channels in Terraform that only the keys and
//! encryption rules read: SNS topic subscriptions, SSM parameters, Firehose
//! delivery streams, EFS file systems, DAX clusters and S3 objects, each
//! built with its typed builder.

use super::res::text;
use super::{Adapter, Res};
use crate::model::collections::{Head, SsmParameter, Subscription};
use crate::parse::Node;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_sns_topic_subscription" => {
            let mut s = Subscription::new(head(r));
            s.topic = a.link_arg(r, "topic_arn", &["aws_sns_topic"]);
            s.protocol = text(r.get("protocol")).cloned();
            s.endpoint = text(r.get("endpoint")).cloned();
            a.model.add(s);
        }
        "aws_ssm_parameter" => {
            let mut p = SsmParameter::new(head(r));
            let name = text(r.get("name"));
            p.parameter_name = name.cloned();
            p.parameter_type = text(r.get("type")).cloned();
            p.sensitive_name = name
                .and_then(Node::as_str)
                .map(|n| Node::bool(crate::adapt::secrets::names_secret(n), r.span));
            p.kms_key = text(r.get("key_id")).cloned();
            a.model.add(p);
        }
        _ => {}
    }
}

/// The head of an item named after its address.
fn head(r: &Res<'_>) -> Head {
    Head::aws(r.id, r.type_, r.span)
}

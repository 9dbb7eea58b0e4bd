//! CloudFormation data stores and delivery channels that only the keys and
//! encryption rules read: SNS subscriptions (also a topic's inline
//! `Subscription` list), SSM parameters, Firehose delivery streams, EFS file
//! systems and DAX clusters, each built with its typed builder.

use super::{Adapter, Res};
use crate::model::collections::{Head, Subscription};
use crate::parse::Node;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "AWS::SNS::Subscription" => {
            let mut s = Subscription::new(r.head());
            s.topic = a.link_or_value(r.get("TopicArn"));
            s.protocol = r.get("Protocol").cloned();
            s.endpoint = r.get("Endpoint").cloned();
            a.model.add(s);
        }
        "AWS::SNS::Topic" => topic_subscriptions(a, r),
        _ => {}
    }
}

/// A topic's inline `Subscription` list: one item per entry,
/// `<Topic>/Subscription/<i>`, spanned at the entry.
fn topic_subscriptions(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(list) = r.get("Subscription").and_then(Node::as_seq) else {
        return;
    };
    for (i, entry) in list.iter().enumerate() {
        let id = format!("{}/Subscription/{i}", r.id);
        let mut s = Subscription::new(Head::aws(&id, r.type_, entry.span));
        s.topic = Some(Node::string(r.id, entry.span));
        s.protocol = entry.get("Protocol").cloned();
        s.endpoint = entry.get("Endpoint").cloned();
        a.model.add(s);
    }
}

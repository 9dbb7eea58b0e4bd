//! CloudFormation data stores and delivery channels that only the keys and
//! encryption rules read: SNS subscriptions (also a topic's inline
//! `Subscription` list), SSM parameters, Firehose delivery streams, EFS file
//! systems, DAX clusters and AppSync API caches, and the method settings of
//! REST API stages (`AWS::ApiGateway::Stage`, a deployment's
//! `StageDescription`, SAM `AWS::Serverless::Api`), each built with its typed
//! builder.

use super::boolean;
use super::{Adapter, Res};
use crate::model::collections::{
    Cache, DeliveryStream, FileSystem, Head, MethodSetting, SsmParameter, Subscription,
};
use crate::model::map_of;
use crate::parse::{Node, Value};

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
        "AWS::ApiGateway::Stage" => {
            let api = a.link_or_value(r.get("RestApiId"));
            let stage = r.get("StageName").cloned();
            method_settings(
                a,
                r,
                r.get("MethodSettings"),
                "MethodSettings",
                &api,
                &stage,
            );
        }
        "AWS::Serverless::Api" => {
            let api = Some(Node::string(r.id, r.span));
            let stage = r.get("StageName").cloned();
            method_settings(
                a,
                r,
                r.get("MethodSettings"),
                "MethodSettings",
                &api,
                &stage,
            );
        }
        "AWS::ApiGateway::Deployment" => {
            let Some(desc) = r.get("StageDescription").filter(|d| !d.is_unknown()) else {
                return;
            };
            let api = a.link_or_value(r.get("RestApiId"));
            let stage = r.get("StageName").cloned();
            // The description's own settings apply to every method (`/*/*`).
            let id = format!("{}/StageDescription", r.id);
            let mut m = MethodSetting::new(Head::aws(&id, r.type_, desc.span));
            m.api = api.clone();
            m.stage = stage.clone();
            m.resource_path = Some(Node::string("/*", desc.span));
            m.http_method = Some(Node::string("*", desc.span));
            settings_of(&mut m, desc);
            a.model.add(m);
            let path = "StageDescription/MethodSettings";
            method_settings(a, r, desc.get("MethodSettings"), path, &api, &stage);
        }
        "AWS::AppSync::ApiCache" => {
            let mut c = Cache::new(r.head());
            c.kind = Some(Node::string("appsync", r.span));
            c.encryption_at_rest = boolean(r.get("AtRestEncryptionEnabled"));
            c.endpoint_encryption =
                crate::adapt::tls_or_none(boolean(r.get("TransitEncryptionEnabled")));
            a.model.add(c);
        }
        "AWS::DAX::Cluster" => {
            let mut c = Cache::new(r.head());
            c.kind = Some(Node::string("dax", r.span));
            // A whole block decided at deploy time is unknown, not absent.
            c.encryption_at_rest = match r.get("SSESpecification") {
                Some(sse) if sse.is_unknown() => Some(sse.clone()),
                Some(sse) => boolean(sse.get("SSEEnabled")),
                None => None,
            };
            c.endpoint_encryption = r.get("ClusterEndpointEncryptionType").cloned();
            a.model.add(c);
        }
        "AWS::EFS::FileSystem" => {
            let mut f = FileSystem::new(r.head());
            f.encrypted = boolean(r.get("Encrypted"));
            f.kms_key = r.get("KmsKeyId").cloned();
            a.model.add(f);
        }
        "AWS::KinesisFirehose::DeliveryStream" => {
            let mut d = DeliveryStream::new(r.head());
            d.stream_type = r.get("DeliveryStreamType").cloned();
            d.source_stream =
                a.link_or_value(r.path(&["KinesisStreamSourceConfiguration", "KinesisStreamARN"]));
            // The block is the switch: present means encrypted (KeyType is
            // required in it); a block decided at deploy time is unknown.
            d.encryption = r
                .get("DeliveryStreamEncryptionConfigurationInput")
                .map(|enc| {
                    if enc.is_unknown() {
                        return enc.clone();
                    }
                    let mut fields = vec![("enabled", Node::bool(true, enc.span))];
                    if let Some(t) = enc.get("KeyType") {
                        fields.push(("key_type", t.clone()));
                    }
                    if let Some(k) = enc.get("KeyARN") {
                        fields.push(("kms_key", k.clone()));
                    }
                    map_of(fields, enc.span)
                });
            a.model.add(d);
        }
        "AWS::SSM::Parameter" => {
            let mut p = SsmParameter::new(r.head());
            p.parameter_name = r.get("Name").cloned();
            p.parameter_type = r.get("Type").cloned();
            p.sensitive_name = parameter_name_text(r)
                .map(|name| Node::bool(crate::adapt::secrets::names_secret(&name), r.span));
            a.model.add(p);
        }
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

/// The text of an SSM parameter's `Name`: the resolved string, or the
/// template of a `!Sub` that cannot be resolved (`/${AWS::StackName}/db/password`
/// still ends in `password`). `None` without a name.
fn parameter_name_text(r: &Res<'_>) -> Option<String> {
    if let Some(s) = r.get("Name").and_then(Node::as_str) {
        return Some(s.to_string());
    }
    let raw = r.def.get_path(&["Properties", "Name", "Fn::Sub"])?;
    let template = match &raw.value {
        Value::Seq(items) => items.first()?,
        _ => raw,
    };
    template.as_str().map(str::to_string)
}

/// One `method_settings` item per entry of a `MethodSettings` list,
/// `<Resource>/<path>/<i>`, spanned at the entry.
fn method_settings(
    a: &mut Adapter<'_, '_>,
    r: &Res<'_>,
    list: Option<&Node>,
    path: &str,
    api: &Option<Node>,
    stage: &Option<Node>,
) {
    let Some(list) = list.and_then(Node::as_seq) else {
        return;
    };
    for (i, entry) in list.iter().enumerate() {
        let id = format!("{}/{path}/{i}", r.id);
        let mut m = MethodSetting::new(Head::aws(&id, r.type_, entry.span));
        m.api = api.clone();
        m.stage = stage.clone();
        m.resource_path = entry.get("ResourcePath").cloned();
        m.http_method = entry.get("HttpMethod").cloned();
        settings_of(&mut m, entry);
        a.model.add(m);
    }
}

/// The settings CloudFormation writes the same way in a `MethodSettings`
/// entry and in a deployment's `StageDescription`.
pub(crate) fn settings_of(m: &mut MethodSetting, n: &Node) {
    m.caching_enabled = boolean(n.get("CachingEnabled"));
    m.cache_data_encrypted = boolean(n.get("CacheDataEncrypted"));
    m.logging_level = n.get("LoggingLevel").cloned();
    m.data_trace = boolean(n.get("DataTraceEnabled"));
    m.metrics_enabled = boolean(n.get("MetricsEnabled"));
    m.throttling_burst_limit = super::num(n.get("ThrottlingBurstLimit"));
    m.throttling_rate_limit = super::num(n.get("ThrottlingRateLimit"));
}

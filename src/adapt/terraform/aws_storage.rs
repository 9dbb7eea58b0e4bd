//! AWS data stores and delivery channels in Terraform that only the keys and
//! encryption rules read: SNS topic subscriptions, SSM parameters, Firehose
//! delivery streams, EFS file systems, DAX clusters, AppSync API caches, S3
//! objects and REST API method settings, each built with its typed builder.

use super::res::{boolean, num, text, walk};
use super::{Adapter, Res};
use crate::model::collections::{
    Cache, DeliveryStream, FileSystem, Head, MethodSetting, Object, SsmParameter, Subscription,
};
use crate::model::map_of;
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
        "aws_kinesis_firehose_delivery_stream" => {
            let mut d = DeliveryStream::new(head(r));
            let source = r.path(&["kinesis_source_configuration", "kinesis_stream_arn"]);
            if let Some(arn) = source {
                d.stream_type = Some(Node::string("KinesisStreamAsSource", arn.span));
                d.source_stream = a
                    .link(
                        r,
                        "kinesis_source_configuration",
                        Some(arn),
                        &["aws_kinesis_stream"],
                    )
                    .or_else(|| Some(arn.clone()));
            } else if let Some(msk) = r.get("msk_source_configuration") {
                d.stream_type = Some(Node::string("MSKAsSource", msk.span));
            }
            d.encryption = firehose_encryption(r);
            a.model.add(d);
        }
        "aws_api_gateway_method_settings" => {
            let mut m = MethodSetting::new(head(r));
            m.api = a.link_arg(r, "rest_api_id", &["aws_api_gateway_rest_api"]);
            m.stage = text(r.get("stage_name")).cloned();
            // `method_path` is `{resource_path}/{http_method}`, `*/*` for all.
            if let Some(p) = text(r.get("method_path")) {
                match p.as_str().and_then(|s| s.rsplit_once('/')) {
                    Some((path, method)) => {
                        let path = format!("/{}", path.trim_start_matches('/'));
                        m.resource_path = Some(Node::string(path, p.span));
                        m.http_method = Some(Node::string(method, p.span));
                    }
                    None => m.resource_path = Some(p.clone()),
                }
            }
            let s = |k: &str| walk(&r.r.values, &["settings", k]);
            m.caching_enabled = boolean(s("caching_enabled"));
            m.cache_data_encrypted = boolean(s("cache_data_encrypted"));
            m.logging_level = text(s("logging_level")).cloned();
            m.data_trace = boolean(s("data_trace_enabled"));
            m.metrics_enabled = boolean(s("metrics_enabled"));
            // -1 is the provider's "not set" for the throttling limits.
            let limit = |k: &str| num(s(k)).filter(|n| n.as_f64() != Some(-1.0));
            m.throttling_burst_limit = limit("throttling_burst_limit");
            m.throttling_rate_limit = limit("throttling_rate_limit");
            a.model.add(m);
        }
        "aws_appsync_api_cache" => {
            let mut c = Cache::new(head(r));
            c.kind = Some(Node::string("appsync", r.span));
            c.encryption_at_rest = boolean(r.get("at_rest_encryption_enabled"));
            c.endpoint_encryption =
                crate::adapt::tls_or_none(boolean(r.get("transit_encryption_enabled")));
            a.model.add(c);
        }
        "aws_dax_cluster" => {
            let mut c = Cache::new(head(r));
            c.kind = Some(Node::string("dax", r.span));
            // `enabled` defaults to false: an empty block leaves data unencrypted.
            c.encryption_at_rest = walk(&r.r.values, &["server_side_encryption"]).map(|sse| {
                if sse.is_unknown() {
                    return sse.clone();
                }
                boolean(walk(sse, &["enabled"])).unwrap_or_else(|| Node::bool(false, sse.span))
            });
            c.endpoint_encryption = text(r.get("cluster_endpoint_encryption_type")).cloned();
            a.model.add(c);
        }
        "aws_s3_object" | "aws_s3_bucket_object" | "aws_s3_object_copy" => {
            let mut o = Object::new(head(r));
            o.bucket = a.link_arg(r, "bucket", &["aws_s3_bucket"]);
            o.key = text(r.get("key")).cloned();
            o.encryption = text(r.get("server_side_encryption")).cloned();
            o.kms_key = text(r.get("kms_key_id")).cloned();
            a.model.add(o);
        }
        "aws_efs_file_system" => {
            let mut f = FileSystem::new(head(r));
            f.encrypted = boolean(r.get("encrypted"));
            f.kms_key = text(r.get("kms_key_id")).cloned();
            a.model.add(f);
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

/// `server_side_encryption {enabled, key_type, key_arn}` in the model's
/// shape; `enabled` defaults to false in the provider, so a block without it
/// is off.
fn firehose_encryption(r: &Res<'_>) -> Option<Node> {
    let sse = walk(&r.r.values, &["server_side_encryption"])?;
    if sse.is_unknown() {
        return Some(sse.clone());
    }
    let enabled = boolean(walk(sse, &["enabled"])).unwrap_or_else(|| Node::bool(false, sse.span));
    let mut fields = vec![("enabled", enabled)];
    if let Some(t) = text(walk(sse, &["key_type"])) {
        fields.push(("key_type", t.clone()));
    }
    if let Some(k) = text(walk(sse, &["key_arn"])) {
        fields.push(("kms_key", k.clone()));
    }
    Some(map_of(fields, sse.span))
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::parse::json as pjson;
    use crate::source::FileId;
    use crate::terraform::plan;
    use serde_json::{json, Value};

    /// The model of a plan holding these `(address, values)`.
    fn model_of(resources: &[(&str, Value)]) -> Model {
        let res: Vec<Value> = resources
            .iter()
            .map(|(addr, values)| {
                let (t, n) = addr.split_once('.').unwrap();
                json!({"address": addr, "mode": "managed", "type": t, "name": n, "values": values})
            })
            .collect();
        let text = json!({
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": res}},
        })
        .to_string();
        let doc = pjson::parse(&text, FileId(0)).unwrap();
        super::super::adapt(&plan::read(&doc, FileId(0))).0
    }

    fn item(m: &Model, collection: &str, id: &str) -> Value {
        m.item(collection, id).unwrap().to_json()
    }

    #[test]
    fn method_paths_split_into_resource_and_method_and_unset_limits_are_absent() {
        let m = model_of(&[
            (
                "aws_api_gateway_method_settings.one",
                json!({"rest_api_id": "a1", "stage_name": "prod", "method_path": "orders/items/GET",
                       "settings": [{"caching_enabled": true, "logging_level": "INFO",
                                     "throttling_burst_limit": -1, "throttling_rate_limit": 50}]}),
            ),
            (
                "aws_api_gateway_method_settings.all",
                json!({"rest_api_id": "a1", "stage_name": "prod", "method_path": "*/*",
                       "settings": [{"data_trace_enabled": true}]}),
            ),
        ]);
        assert_eq!(
            item(&m, "method_settings", "aws_api_gateway_method_settings.one"),
            json!({"id": "aws_api_gateway_method_settings.one",
                   "name": "aws_api_gateway_method_settings.one",
                   "type": "aws_api_gateway_method_settings", "cloud": "aws",
                   "api": "a1", "stage": "prod", "resource_path": "/orders/items",
                   "http_method": "GET", "caching_enabled": true, "logging_level": "INFO",
                   "throttling_rate_limit": 50})
        );
        let all = item(&m, "method_settings", "aws_api_gateway_method_settings.all");
        assert_eq!(
            (&all["resource_path"], &all["http_method"]),
            (&json!("/*"), &json!("*"))
        );
        assert_eq!(all["data_trace"], json!(true));
    }

    #[test]
    fn empty_encryption_blocks_are_off_and_sources_set_the_stream_type() {
        let m = model_of(&[
            (
                "aws_dax_cluster.c",
                json!({"cluster_name": "c", "server_side_encryption": [{}]}),
            ),
            (
                "aws_kinesis_firehose_delivery_stream.f",
                json!({"name": "f", "server_side_encryption": [{"key_type": "AWS_OWNED_CMK"}],
                       "kinesis_source_configuration": [{"kinesis_stream_arn": "arn:aws:kinesis:eu-west-1:1:stream/s"}]}),
            ),
        ]);
        let c = item(&m, "caches", "aws_dax_cluster.c");
        assert_eq!(
            (&c["kind"], &c["encryption_at_rest"]),
            (&json!("dax"), &json!(false))
        );
        assert!(c.get("endpoint_encryption").is_none());
        let f = item(
            &m,
            "delivery_streams",
            "aws_kinesis_firehose_delivery_stream.f",
        );
        assert_eq!(f["stream_type"], json!("KinesisStreamAsSource"));
        assert_eq!(
            f["source_stream"],
            json!("arn:aws:kinesis:eu-west-1:1:stream/s")
        );
        assert_eq!(
            f["encryption"],
            json!({"enabled": false, "key_type": "AWS_OWNED_CMK"})
        );
    }
}

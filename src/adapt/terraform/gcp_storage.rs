//! Google Cloud storage and messaging in Terraform: Cloud Storage buckets as
//! `buckets` items and Pub/Sub topics as `topics` items (`cloud: gcp`), in
//! the meaning the S3 and SNS items give the shared fields (ADR 0035).

use super::res::{boolean, text};
use super::{Adapter, Res};
use crate::model::collections::{Bucket, Topic};
use crate::model::map_of;
use crate::parse::Node;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "google_storage_bucket" => {
            let mut b = Bucket::new(r.head());
            b.bucket_name = text(r.get("name")).cloned();
            // The same meaning as S3's: versioning on, access logs written.
            b.versioning = boolean(r.path(&["versioning", "enabled"]));
            // As for S3 (ADR 0033): where the usage logs go, so the log
            // bucket itself is not asked to log (matched by its name).
            b.logging =
                r.path(&["logging"])
                    .map(|l| match text(r.path(&["logging", "log_bucket"])) {
                        Some(target) => map_of(vec![("target_bucket", target.clone())], l.span),
                        None => Node::bool(true, l.span),
                    });
            // Google provider 2 and 3 also spell it `bucket_policy_only`
            // (removed in 4.0; a plan then shows the new name as computed):
            // its `true` counts, a `false` is reported as not set, with the
            // argument's current name.
            let uniform = boolean(r.get("uniform_bucket_level_access"));
            let legacy = boolean(r.get("bucket_policy_only")).filter(|n| n.as_bool() == Some(true));
            b.uniform_access = match uniform {
                Some(u) if !u.is_unknown() => Some(u),
                u => legacy.or(u),
            };
            b.public_access_prevention = text(r.get("public_access_prevention")).cloned();
            b.encryption = text(r.path(&["encryption", "default_kms_key_name"]))
                .map(|k| map_of(vec![("kms_key", k.clone())], k.span));
            a.model.add(b);
        }
        "google_pubsub_topic" => {
            let mut t = Topic::new(r.head());
            t.kms_key = text(r.get("kms_key_name")).cloned();
            a.model.add(t);
        }
        _ => {}
    }
}

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
            b.uniform_access = boolean(r.get("uniform_bucket_level_access"));
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

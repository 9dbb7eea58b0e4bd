# Cloud Function, Cloud Run service, bucket or Pub/Sub topic without a customer-managed key (CMEK)
#
# ## What it does
# Flags Google Cloud resources whose data at rest is encrypted only with
# Google-managed keys:
# - Cloud Functions (`google_cloudfunctions_function`,
#   `google_cloudfunctions2_function`) without `kms_key_name` (it encrypts
#   the function's source and image);
# - Cloud Run services without an encryption key (`template.encryption_key`,
#   the v1 `run.googleapis.com/encryption-key` annotation);
# - Cloud Storage buckets without `encryption.default_kms_key_name`;
# - Pub/Sub topics without `kms_key_name`.
#
# The finding points at the resource. A key the scanner cannot resolve is
# not reported (it is set).
#
# ## Why is this bad?
# Google encrypts everything at rest, but with keys only Google controls:
# revoking access to the data, proving who used the key, or crypto-shredding
# it at the end of its life needs a Cloud KMS key you own. Regulated data
# (PCI DSS, HIPAA) and many customer contracts ask for customer-managed keys,
# and the key's IAM policy becomes a second gate in front of the data.
#
# ## Example
# ```hcl
# resource "google_pubsub_topic" "orders" {
#   name = "orders"
# }
# ```
#
# ## Use instead
# ```hcl
#   kms_key_name = google_kms_crypto_key.orders.id
# ```
#
# ## References
# - https://cloud.google.com/kms/docs/cmek
# - https://cloud.google.com/functions/docs/securing/cmek
# - https://cloud.google.com/run/docs/securing/using-cmek
# - https://cloud.google.com/storage/docs/encryption/customer-managed-keys
# - https://cloud.google.com/pubsub/docs/encryption
package faasguard.rules.enc.gcp_without_cmek

import rego.v1

metadata := {
	"id": "FG-ENC-024",
	"title": "Cloud Function, Cloud Run service, bucket or Pub/Sub topic without a customer-managed key (CMEK)",
	"severity": "low",
	"area": "ENC",
	"formats": ["terraform"],
	"remediation": "Encrypt the resource with a Cloud KMS key you manage (CMEK), and grant the service agent the CryptoKey Encrypter/Decrypter role on it.",
	"fixes": {"terraform": "Set `kms_key_name` on the `google_cloudfunctions_function`, `google_cloudfunctions2_function` or `google_pubsub_topic`; `template.encryption_key` on the `google_cloud_run_v2_service` (the `run.googleapis.com/encryption-key` annotation in `template.metadata` of a `google_cloud_run_service`); `encryption { default_kms_key_name = ... }` on the `google_storage_bucket`; each to a `google_kms_crypto_key`."},
}

deny contains {
	"resource": f.id,
	"path": "",
	"message": sprintf("%s %s has no customer-managed key: %s; set %s to a Cloud KMS key", [kind[f.type], f.id, what[f.type], setting[f.type]]),
} if {
	some f in input.functions
	f.cloud == "gcp"
	not has(f, "kms_key")
}

deny contains {
	"resource": b.id,
	"path": "",
	"message": sprintf("Cloud Storage bucket %s has no customer-managed key: its objects are encrypted with Google-managed keys only; set encryption.default_kms_key_name to a Cloud KMS key", [b.id]),
} if {
	some b in input.buckets
	b.cloud == "gcp"
	not has(object.get(b, "encryption", {}), "kms_key")
}

deny contains {
	"resource": t.id,
	"path": "",
	"message": sprintf("Pub/Sub topic %s has no customer-managed key: its messages are encrypted with Google-managed keys only; set kms_key_name to a Cloud KMS key", [t.id]),
} if {
	some t in input.topics
	t.cloud == "gcp"
	not has(t, "kms_key")
}

has(x, f) if _ = x[f]

kind := {
	"google_cloudfunctions_function": "Cloud Function",
	"google_cloudfunctions2_function": "Cloud Function",
	"google_cloud_run_service": "Cloud Run service",
	"google_cloud_run_v2_service": "Cloud Run service",
}

what := {
	"google_cloudfunctions_function": "its source and image are encrypted with Google-managed keys only",
	"google_cloudfunctions2_function": "its source and image are encrypted with Google-managed keys only",
	"google_cloud_run_service": "its container image and environment are encrypted with Google-managed keys only",
	"google_cloud_run_v2_service": "its container image and environment are encrypted with Google-managed keys only",
}

setting := {
	"google_cloudfunctions_function": "kms_key_name",
	"google_cloudfunctions2_function": "kms_key_name",
	"google_cloud_run_service": "the run.googleapis.com/encryption-key annotation in template.metadata",
	"google_cloud_run_v2_service": "template.encryption_key",
}

# Google Cloud resource IAM grants a role to allUsers or allAuthenticatedUsers
#
# ## What it does
# Flags IAM grants (`google_*_iam_member`, `_iam_binding`, and the bindings of
# a `_iam_policy`) that give a role on a Cloud Storage bucket, a Cloud KMS key
# or key ring, a Pub/Sub topic, or a project, folder or organization to
# `allUsers` (anyone on the internet) or `allAuthenticatedUsers` (anyone with
# a Google account). The finding points at the member.
#
# Invoker grants on Cloud Functions and Cloud Run services are FG-NET-001's
# (a public function is a function URL without authentication). A member the
# scanner cannot resolve is not reported.
#
# ## Why is this bad?
# `allAuthenticatedUsers` is not "our users": it is every Google account in
# the world. Either member makes the resource public: a bucket's objects can
# be listed and downloaded by anyone (the most common cause of cloud data
# leaks), a key can be used to decrypt by anyone who holds ciphertext, a
# topic accepts or hands out messages to strangers. Google's public access
# prevention on buckets exists to stop exactly this grant.
#
# ## Example
# ```hcl
# resource "google_storage_bucket_iam_member" "public" {
#   bucket = google_storage_bucket.exports.name
#   role   = "roles/storage.objectViewer"
#   member = "allUsers"
# }
# ```
#
# ## Use instead
# ```hcl
#   member = "group:analysts@example.com"
# ```
# Share single objects with signed URLs; serve public web content through an
# external Application Load Balancer with Cloud CDN.
#
# ## References
# - https://cloud.google.com/storage/docs/access-control/iam#special-identifiers
# - https://cloud.google.com/storage/docs/public-access-prevention
# - https://cloud.google.com/kms/docs/iam
# - https://cloud.google.com/pubsub/docs/access-control
package faasguard.rules.iam.gcp_resource_public_iam

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-IAM-022",
	"title": "Google Cloud resource IAM grants allUsers or allAuthenticatedUsers (buckets, KMS keys and key rings, Pub/Sub topics)",
	"severity": "critical",
	"area": "IAM",
	"formats": ["terraform"],
	"remediation": "Grant the role to named members (a group, a service account) instead of allUsers or allAuthenticatedUsers.",
	"fixes": {"terraform": "Replace `allUsers` / `allAuthenticatedUsers` in the `member` or `members` of the `google_*_iam_member`, `google_*_iam_binding` or the `data \"google_iam_policy\"` binding with named `group:`, `serviceAccount:` or `user:` members; share single objects with signed URLs, and set `public_access_prevention = \"enforced\"` on the `google_storage_bucket`."},
}

deny contains {
	"resource": b.id,
	"path": sprintf("members.%d", [k]),
	"message": sprintf("%s grants %s on %s %s to %s: %s holds it; grant it to named members", [b.id, role(b), noun[b.resource_kind], target(b), m, anyone[m]]),
} if {
	some b in input.iam_bindings
	noun[b.resource_kind]
	some k, m in b.members
	anyone[m]
}

anyone := {"allUsers": "anyone on the internet", "allAuthenticatedUsers": "anyone with a Google account"}

# Functions and Cloud Run services are FG-NET-001's.
noun := {
	"bucket": "bucket",
	"kms_crypto_key": "KMS key",
	"kms_key_ring": "KMS key ring",
	"pubsub_topic": "Pub/Sub topic",
	"project": "project",
	"folder": "folder",
	"organization": "organization",
}

role(b) := b.role if is_string(b.role)

else := "a role"

target(b) := b.resource if is_string(b.resource)

else := "(known at apply)"

undecided contains lib.undecided(b, sprintf("members.%d", [k]), m) if {
	some b in input.iam_bindings
	noun[b.resource_kind]
	some k, m in b.members
	lib.is_unknown(m)
}

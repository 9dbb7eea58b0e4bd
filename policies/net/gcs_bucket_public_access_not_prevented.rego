# Cloud Storage bucket without uniform bucket-level access or public access prevention
#
# ## What it does
# Flags Cloud Storage buckets (`google_storage_bucket`) that:
# - do not set `uniform_bucket_level_access = true`, so object ACLs stay in
#   force beside IAM (finding at the value, or the resource when unset);
# - do not set `public_access_prevention = "enforced"`, so the bucket can be
#   made public by an IAM grant to `allUsers`/`allAuthenticatedUsers` or an
#   ACL (`inherited` leaves it to an organization policy the template does
#   not show).
#
# A value the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# With fine-grained access every object can carry its own ACL: one upload
# with `publicRead` publishes a file, and no bucket-level review shows it.
# Uniform bucket-level access turns ACLs off, so IAM is the one place that
# says who can read. Public access prevention then refuses any grant to the
# public outright, the GCS counterpart of S3's Block Public Access: a
# mistaken `allUsers` grant fails instead of leaking data.
#
# ## Example
# ```hcl
# resource "google_storage_bucket" "exports" {
#   name     = "orders-exports"
#   location = "EU"
# }
# ```
#
# ## Use instead
# ```hcl
#   uniform_bucket_level_access = true
#   public_access_prevention    = "enforced"
# ```
#
# ## References
# - https://cloud.google.com/storage/docs/uniform-bucket-level-access
# - https://cloud.google.com/storage/docs/public-access-prevention
# - https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/storage_bucket
package faasguard.rules.net.gcs_bucket_public_access_not_prevented

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-015",
	"title": "Cloud Storage bucket without uniform bucket-level access or public access prevention",
	"severity": "medium",
	"area": "NET",
	"formats": ["terraform"],
	"remediation": "Turn on uniform bucket-level access and enforce public access prevention on the bucket.",
	"fixes": {"terraform": "Set `uniform_bucket_level_access = true` and `public_access_prevention = \"enforced\"` on the `google_storage_bucket` (serve public content through a load balancer with Cloud CDN instead of a public bucket)."},
}

deny contains {
	"resource": b.id,
	"path": "uniform_access",
	"message": sprintf("Cloud Storage bucket %s does not set uniform_bucket_level_access, so object ACLs can grant access beside IAM; set uniform_bucket_level_access = true", [b.id]),
} if {
	some b in gcs
	not has(b, "uniform_access")
}

deny contains {
	"resource": b.id,
	"path": "uniform_access",
	"message": sprintf("Cloud Storage bucket %s has uniform_bucket_level_access = false, so object ACLs can grant access beside IAM; set it to true", [b.id]),
} if {
	some b in gcs
	b.uniform_access == false
}

deny contains {
	"resource": b.id,
	"path": "public_access_prevention",
	"message": sprintf("Cloud Storage bucket %s does not set public_access_prevention, so an allUsers grant or a public ACL can expose it; set public_access_prevention = \"enforced\"", [b.id]),
} if {
	some b in gcs
	not has(b, "public_access_prevention")
}

deny contains {
	"resource": b.id,
	"path": "public_access_prevention",
	"message": sprintf("Cloud Storage bucket %s has public_access_prevention = \"%s\": only an organization policy outside the template keeps it private; set it to \"enforced\"", [b.id, b.public_access_prevention]),
} if {
	some b in gcs
	is_string(b.public_access_prevention)
	b.public_access_prevention != "enforced"
}

# A missing setting is reported at the bucket (its path names the setting, so
# the two findings of one bucket keep distinct fingerprints).
gcs contains b if {
	some b in input.buckets
	b.cloud == "gcp"
}

has(b, f) if _ = b[f]

undecided contains lib.undecided(b, f, b[f]) if {
	some b in gcs
	some f in ["uniform_access", "public_access_prevention"]
	lib.is_unknown(b[f])
}

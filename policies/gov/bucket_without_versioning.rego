# Bucket without versioning
#
# ## What it does
# Flags object storage buckets (S3 `AWS::S3::Bucket`, `aws_s3_bucket`, the Serverless Framework's
# deployment bucket and the buckets it creates for `s3` events) that do not keep object versions:
# no `VersioningConfiguration` / `versioning` / `aws_s3_bucket_versioning` (the finding points at
# the bucket), or versioning `Suspended` / `enabled = false` (it points at that value). Cloud
# Storage buckets are judged on their `versioning` block the same way, and Azure storage accounts
# on blob soft delete (`blob_properties.delete_retention_policy`), Azure's form of the same
# recovery. A value only known at deploy time is left undecided.
#
# ## Why is this bad?
# Without versioning an overwrite or a delete is final: a faulty deployment, a bug, or an attacker
# or ransomware with write access destroys the data for good. With versioning the previous versions
# stay recoverable (a delete only adds a delete marker), and a lifecycle rule expires them after a
# chosen time so the cost stays bounded.
#
# ## Example
# ```yaml
# Uploads:
#   Type: AWS::S3::Bucket
# ```
#
# ## Use instead
# ```yaml
# Uploads:
#   Type: AWS::S3::Bucket
#   Properties:
#     VersioningConfiguration:
#       Status: Enabled
#     LifecycleConfiguration:
#       Rules:
#         - Id: expire-old-versions
#           Status: Enabled
#           NoncurrentVersionExpiration: {NoncurrentDays: 30}
# ```
#
# ## References
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-versioningconfiguration.html
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html
# - https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-overview
package faasguard.rules.gov.bucket_without_versioning

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-GOV-004",
	"title": "Bucket without versioning",
	"severity": "low",
	"area": "GOV",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set `VersioningConfiguration: {Status: Enabled}` on the bucket, with a lifecycle rule that expires noncurrent versions (`NoncurrentVersionExpiration`) to bound the cost.",
	"fixes": {
		"terraform": "S3: add an `aws_s3_bucket_versioning` with `bucket` set to this bucket and `versioning_configuration { status = \"Enabled\" }`, and an `aws_s3_bucket_lifecycle_configuration` rule with `noncurrent_version_expiration` to bound the cost. Cloud Storage: `versioning { enabled = true }` on the `google_storage_bucket`, with a `lifecycle_rule` on `num_newer_versions` or `days_since_noncurrent_time`. Azure storage account: a `blob_properties { delete_retention_policy { days = 7 } }` block (and `versioning_enabled = true` in it to keep overwritten blobs too).",
		"serverless": "Set `provider.deploymentBucket.versioning: true` for the deployment bucket; for a bucket under `resources.Resources` (or an `s3` event's bucket declared there as `S3Bucket<Name>`), `VersioningConfiguration: {Status: Enabled}`.",
	},
}

deny contains {
	"resource": b.id,
	"path": "versioning",
	"message": sprintf("Bucket %s has no versioning: an overwritten or deleted object cannot be recovered", [b.name]),
} if {
	some b in input.buckets
	not "versioning" in object.keys(b)
}

deny contains {
	"resource": b.id,
	"path": "versioning",
	"message": sprintf("Bucket %s has versioning off (suspended or disabled): an overwritten or deleted object cannot be recovered", [b.name]),
} if {
	some b in input.buckets
	b.versioning == false
}

deny contains {
	"resource": s.id,
	"path": "blob_soft_delete",
	"message": sprintf("Storage account %s has no blob soft delete: a deleted blob cannot be recovered (add `blob_properties { delete_retention_policy { days = 7 } }`)", [s.name]),
} if {
	some s in input.storage_accounts
	not "blob_soft_delete" in object.keys(s)
}

undecided contains lib.undecided(s, "blob_soft_delete", s.blob_soft_delete) if {
	some s in input.storage_accounts
	lib.is_unknown(s.blob_soft_delete)
}

undecided contains lib.undecided(b, "versioning", b.versioning) if {
	some b in input.buckets
	lib.is_unknown(b.versioning)
}

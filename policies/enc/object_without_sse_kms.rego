# S3 object written by the template without SSE-KMS
#
# ## What it does
# Flags S3 objects that Terraform writes (`aws_s3_object`, the deprecated
# `aws_s3_bucket_object`, `aws_s3_object_copy`) without a KMS key: no
# `kms_key_id` and a `server_side_encryption` that is not `aws:kms` or
# `aws:kms:dsse` (not set, or `AES256`), when the bucket they are written to
# is not one of the module's buckets with SSE-KMS default encryption. A value
# the scanner cannot resolve is not flagged; neither is an object in a bucket
# whose default encryption is unknown, nor, in a plan, an object whose
# `server_side_encryption` the provider computes ("known after apply").
#
# The severity is low: since January 2023 S3 encrypts every new object at
# least with SSE-S3. What is missing is a key policy as a second gate.
#
# ## Why is this bad?
# With SSE-S3 (or the bucket's AES256 default) anyone allowed `s3:GetObject`
# reads the object; with SSE-KMS reading it also needs `kms:Decrypt` on the
# key, every decryption is logged in CloudTrail, and disabling the key makes
# the data unreadable at once. Objects a template writes are often
# configuration, certificates or seed data that deserve that gate.
#
# ## Example
# ```hcl
# resource "aws_s3_object" "config" {
#   bucket = aws_s3_bucket.config.id
#   key    = "app/config.json"
#   source = "config.json"
# }
# ```
#
# ## Use instead
# ```hcl
#   kms_key_id = aws_kms_key.config.arn
# ```
#
# ## References
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
# - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_object
package faasguard.rules.enc.object_without_sse_kms

import rego.v1

metadata := {
	"id": "FG-ENC-018",
	"title": "S3 object written by the template without SSE-KMS",
	"severity": "low",
	"area": "ENC",
	"formats": ["terraform"],
	"remediation": "Set kms_key_id on the object to a customer managed KMS key (server_side_encryption = \"aws:kms\"), or give its bucket SSE-KMS default encryption.",
	"fixes": {"terraform": "Set `kms_key_id` on the `aws_s3_object` (or `aws_s3_object_copy`) to a customer managed `aws_kms_key`, or give the bucket an `aws_s3_bucket_server_side_encryption_configuration` with `sse_algorithm = \"aws:kms\"`."},
}

deny contains {
	"resource": o.id,
	"path": "encryption",
	"message": sprintf(
		"S3 object %s is written without SSE-KMS (no kms_key_id, and its bucket has no SSE-KMS default): anyone allowed s3:GetObject reads it; set kms_key_id",
		[label(o)],
	),
} if {
	some o in input.objects
	o.cloud == "aws"
	not has_field(o, "encryption")
	not has_field(o, "kms_key")
	not bucket_decides(o)
}

deny contains {
	"resource": o.id,
	"path": "encryption",
	"message": sprintf(
		"S3 object %s is written with server_side_encryption = \"%s\", not SSE-KMS: anyone allowed s3:GetObject reads it; use aws:kms with a kms_key_id",
		[label(o), o.encryption],
	),
} if {
	some o in input.objects
	o.cloud == "aws"
	is_string(o.encryption)
	not startswith(o.encryption, "aws:kms")
	not is_string(o.kms_key)
}

# With `AES256` written, a key the plan computes ("known after apply") cannot
# be a KMS key: only a key written as a string contradicts it.

# The object's bucket is in the input and encrypts new objects with KMS by
# default, or its default encryption cannot be known.
bucket_decides(o) if {
	some b in input.buckets
	b.id == o.bucket
	bucket_kms_or_unknown(b)
}

bucket_kms_or_unknown(b) if startswith(b.encryption.algorithm, "aws:kms")

bucket_kms_or_unknown(b) if b.encryption.unknown == true

bucket_kms_or_unknown(b) if b.encryption.algorithm.unknown == true

label(o) := sprintf("%s (%s)", [o.id, o.key]) if is_string(o.key)

else := o.id

has_field(x, k) if _ = x[k]

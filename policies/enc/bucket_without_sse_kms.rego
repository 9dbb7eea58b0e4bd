# S3 bucket without SSE-KMS default encryption
#
# ## What it does
# Flags buckets whose default encryption is not SSE-KMS: no
# `BucketEncryption` at all, or an `SSEAlgorithm` other than `aws:kms` or
# `aws:kms:dsse` (that is, `AES256`, SSE-S3).
#
# Since January 2023 S3 encrypts every new object with SSE-S3 when nothing
# else is set, so these objects are not stored in clear text: the severity is
# low, and the finding is about who controls the key. An `SSEAlgorithm` written
# as an unresolvable `!Ref` is not flagged. `aws:kms` without `KMSMasterKeyID`
# (the AWS managed `aws/s3` key) passes this rule.
#
# ## Why is this bad?
# With SSE-S3 anyone who may read the object reads it in clear text; nothing
# else guards it. With SSE-KMS every read also needs `kms:Decrypt` on the key,
# so the key policy is a second, independent gate (useful when a bucket policy
# or an IAM policy is too broad), every use of the key is in CloudTrail, and
# disabling the key makes the data unreadable at once.
#
# ## Example
# ```yaml
# Uploads:
#   Type: AWS::S3::Bucket
#   Properties:
#     BucketEncryption:
#       ServerSideEncryptionConfiguration:
#         - ServerSideEncryptionByDefault:
#             SSEAlgorithm: AES256
# ```
#
# ## Use instead
# ```yaml
#         - ServerSideEncryptionByDefault:
#             SSEAlgorithm: aws:kms
#             KMSMasterKeyID: !GetAtt UploadsKey.Arn
#           BucketKeyEnabled: true
# ```
# `BucketKeyEnabled` keeps the KMS request cost down.
#
# ## References
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
package faasguard.rules.enc.bucket_without_sse_kms

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-002",
	"title": "S3 bucket without SSE-KMS default encryption",
	"severity": "low",
	"area": "ENC",
	"remediation": "Set BucketEncryption with SSEAlgorithm aws:kms (and KMSMasterKeyID naming a customer managed key, BucketKeyEnabled true).",
	"fixes": {
		"terraform": "Add an `aws_s3_bucket_server_side_encryption_configuration` for the bucket whose `rule` has `bucket_key_enabled = true` and an `apply_server_side_encryption_by_default` block with `sse_algorithm = \"aws:kms\"` and `kms_master_key_id` naming a customer managed key.",
		"serverless": "For the deployment bucket set `provider.deploymentBucket.serverSideEncryption: aws:kms` (and `sseKMSKeyId`); for the bucket an `s3` event creates, declare it under `resources.Resources` as `S3Bucket<Name>` with `BucketEncryption` (`SSEAlgorithm: aws:kms`, `KMSMasterKeyID`, `BucketKeyEnabled: true`), as for any bucket declared there.",
	},
}

kms_algorithms := {"aws:kms", "aws:kms:dsse"}

deny contains {
	"resource": b.id,
	"path": "encryption",
	"message": sprintf(
		"Bucket %s sets no default encryption, so S3 uses SSE-S3 (AES256, the default since January 2023): objects are encrypted but no KMS key policy guards them; use SSE-KMS",
		[b.name],
	),
} if {
	some b in input.buckets
	b.cloud == "aws"
	not b.encryption
}

deny contains {
	"resource": b.id,
	"path": "encryption.algorithm",
	"message": sprintf(
		"Bucket %s encrypts by default with %s, not SSE-KMS: no KMS key policy guards its objects and key use is not logged",
		[b.name, b.encryption.algorithm],
	),
} if {
	some b in input.buckets
	b.cloud == "aws"
	is_string(b.encryption.algorithm)
	not b.encryption.algorithm in kms_algorithms
}

# An unknown default-encryption algorithm cannot be judged.
undecided contains lib.undecided(b, "encryption.algorithm", b.encryption.algorithm) if {
	some b in input.buckets
	b.cloud == "aws"
	lib.is_unknown(b.encryption.algorithm)
}

# S3 public access block missing or with a flag off (bucket, access point or account)
#
# ## What it does
# Flags S3 buckets whose public access block is missing or leaves one of its four flags off
# (`BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls`, `RestrictPublicBuckets`; in
# Terraform `aws_s3_bucket_public_access_block`), S3 access points that turn a flag off
# (`PublicAccessBlockConfiguration`, `public_access_block_configuration`), and the account-wide
# `aws_s3_account_public_access_block` with a flag off or unset. An
# `aws_s3_bucket_public_access_block` whose bucket is declared outside the unit is judged on its
# own flags all the same.
#
# A flag is on for a bucket when the bucket's block or an account-wide block in the same unit
# sets it. An unset flag is off (CloudFormation and the AWS provider default to `false`), except
# on access points, whose flags default to on. A flag the scanner cannot know counts as on. The
# finding points at the first flag written `false`, else at the block or the bucket.
#
# ## Why is this bad?
# The public access block is the safety net under bucket policies and ACLs: with all four flags
# on, a mistaken `Principal: "*"` or `PublicRead` ACL is refused or ignored instead of
# publishing the data. S3 turns the block on for buckets created since April 2023, but a template
# that does not say so keeps nothing on: the flags can be turned off outside the template, and a
# flag written `false` turns the net off on purpose. The exposure itself is FG-IAM-006 (a public
# policy) and FG-NET-003 (a public ACL); this rule reports the missing net, hence medium.
#
# ## Example
# ```yaml
# Data:
#   Type: AWS::S3::Bucket
#   Properties:
#     PublicAccessBlockConfiguration:
#       BlockPublicAcls: true
#       RestrictPublicBuckets: false
# ```
#
# ## Use instead
# ```yaml
#     PublicAccessBlockConfiguration:
#       BlockPublicAcls: true
#       BlockPublicPolicy: true
#       IgnorePublicAcls: true
#       RestrictPublicBuckets: true
# ```
# A bucket that must serve the public should do it through CloudFront with origin access control,
# which works with every flag on.
#
# ## References
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-faq.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-publicaccessblockconfiguration.html
package faasguard.rules.net.public_access_block_disabled

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-004",
	"title": "S3 public access block missing or with a flag off",
	"severity": "medium",
	"area": "NET",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set `PublicAccessBlockConfiguration` on the bucket with `BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls` and `RestrictPublicBuckets` all `true` (and do not turn them off on access points).",
	"fixes": {
		"terraform": "Add an `aws_s3_bucket_public_access_block` for the bucket (or an `aws_s3_account_public_access_block`) with `block_public_acls`, `block_public_policy`, `ignore_public_acls` and `restrict_public_buckets` all `true`; do not set them to `false` in an access point's `public_access_block_configuration`.",
		"serverless": "Add `PublicAccessBlockConfiguration` with the four flags `true` to the bucket under `resources.Resources` (for the deployment bucket, `provider.deploymentBucket.blockPublicAccess: true`).",
	},
}

flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

camel := {
	"block_public_acls": "BlockPublicAcls",
	"block_public_policy": "BlockPublicPolicy",
	"ignore_public_acls": "IgnorePublicAcls",
	"restrict_public_buckets": "RestrictPublicBuckets",
}

# Flags as the format writes them.
flag_name(f) := f if input.format == "terraform"

else := camel[f]

s3_bucket(b) if b.type in {"AWS::S3::Bucket", "aws_s3_bucket"}

# On in the bucket's own block, unknown there, or on account-wide.
on(block, _) if lib.is_unknown(block)

on(block, f) if block[f] == true

on(block, f) if lib.is_unknown(block[f])

on(_, f) if {
	some a in input.account_public_access_blocks
	a.public_access_block[f] == true
}

# A bucket without a block: every flag not on account-wide is off.
deny contains {
	"resource": b.id,
	"path": "public_access_block",
	"message": sprintf("Bucket %s sets no public access block: nothing in the template keeps %s on, so a public bucket policy or ACL could take effect", [b.name, concat(", ", names)]),
} if {
	some b in input.buckets
	s3_bucket(b)
	not "public_access_block" in object.keys(b)
	off := [f | some f in flags; not on({}, f)]
	count(off) > 0
	names := [flag_name(f) | some f in off]
}

deny contains {
	"resource": b.id,
	"path": at(b.public_access_block, off),
	"message": sprintf("The public access block of bucket %s leaves %s off, so %s", [b.name, concat(", ", names), consequence(off)]),
} if {
	some b in input.buckets
	s3_bucket(b)
	not separate_block[b.id]
	block := b.public_access_block
	is_object(block)
	not lib.is_unknown(block)
	off := [f | some f in flags; not on(block, f)]
	count(off) > 0
	names := [flag_name(f) | some f in off]
}

# A block of its own (Terraform's `aws_s3_bucket_public_access_block`):
# judged on its own flags, as a bucket's (an unset flag is off), and named
# as the finding's resource, since the flag is written there.
deny contains {
	"resource": pab.id,
	"path": at(pab.public_access_block, off),
	"message": sprintf("The public access block %s of %s leaves %s off, so %s", [pab.name, bucket_named(pab), concat(", ", names), consequence(off)]),
} if {
	some pab in input.bucket_access_blocks
	block := pab.public_access_block
	is_object(block)
	not lib.is_unknown(block)
	off := [f | some f in flags; not on(block, f)]
	count(off) > 0
	names := [flag_name(f) | some f in off]
}

bucket_named(pab) := sprintf("bucket %s", [pab.bucket]) if declared_buckets[pab.bucket]

else := sprintf("bucket %s, which this unit does not declare,", [pab.bucket]) if is_string(pab.bucket)

else := "a bucket known only at apply"

declared_buckets contains b.id if some b in input.buckets

# Buckets whose block is a resource of its own, reported there.
separate_block contains id if {
	some pab in input.bucket_access_blocks
	id := pab.bucket
	is_string(id)
}

# Access points: only a flag written `false` is off (they default to on).
deny contains {
	"resource": ap.id,
	"path": sprintf("public_access_block.%s", [off[0]]),
	"message": sprintf("S3 access point %s turns %s off, so %s through it", [ap.name, concat(", ", names), consequence(off)]),
} if {
	some ap in input.access_points
	is_object(ap.public_access_block)
	off := [f | some f in flags; ap.public_access_block[f] == false]
	count(off) > 0
	names := [flag_name(f) | some f in off]
}

deny contains {
	"resource": a.id,
	"path": at(a.public_access_block, off),
	"message": sprintf("The account-wide S3 public access block %s leaves %s off, so no bucket of the account gets that protection from it", [a.name, concat(", ", names)]),
} if {
	some a in input.account_public_access_blocks
	block := a.public_access_block
	is_object(block)
	not lib.is_unknown(block)
	off := [f | some f in flags; not block[f] == true; not lib.is_unknown(block[f])]
	count(off) > 0
	names := [flag_name(f) | some f in off]
}

# The first flag written `false`, else the block.
at(block, off) := sprintf("public_access_block.%s", [fs[0]]) if {
	fs := [f | some f in off; block[f] == false]
	count(fs) > 0
} else := "public_access_block"

consequence(off) := "public ACLs can be set and take effect" if {
	every f in off {
		f in {"block_public_acls", "ignore_public_acls"}
	}
} else := "public bucket policies can be set and take effect" if {
	every f in off {
		f in {"block_public_policy", "restrict_public_buckets"}
	}
} else := "public ACLs and bucket policies can take effect"

# S3 bucket with ACLs enabled (`ObjectOwnership` not `BucketOwnerEnforced`)
#
# ## What it does
# Flags S3 buckets whose object ownership keeps access control lists in force:
# `ObjectOwnership: BucketOwnerPreferred` or `ObjectWriter` (CloudFormation `OwnershipControls`,
# Terraform `aws_s3_bucket_ownership_controls`), and buckets that set no ownership but use an ACL
# in the template (a canned ACL other than `Private`, or explicit grants), which needs ACLs
# enabled. The finding points at the ownership setting, or at the ACL.
#
# A bucket that sets neither is not reported: S3 creates buckets with `BucketOwnerEnforced`
# (ACLs disabled) since April 2023. A public ACL is FG-NET-003's finding, not reported twice. An
# ownership value the scanner cannot know is not reported.
#
# ## Why is this bad?
# With ACLs enabled, every object can carry its own grants, set by whoever uploads it; access is
# then decided by two systems (policies and ACLs) and ACL grants are easy to miss in a review.
# With `ObjectWriter`, objects uploaded by other accounts even stay owned by them. AWS recommends
# disabling ACLs and controlling access with policies alone; `BucketOwnerEnforced` also makes
# public ACLs (FG-NET-003) impossible.
#
# ## Example
# ```yaml
# Uploads:
#   Type: AWS::S3::Bucket
#   Properties:
#     OwnershipControls:
#       Rules: [{ObjectOwnership: ObjectWriter}]
# ```
#
# ## Use instead
# ```yaml
#     OwnershipControls:
#       Rules: [{ObjectOwnership: BucketOwnerEnforced}]
# ```
# and grant other accounts access in the bucket policy.
#
# ## References
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ensure-object-ownership.html
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-faq.html
package faasguard.rules.net.bucket_acls_enabled

import rego.v1

metadata := {
	"id": "FG-NET-005",
	"title": "S3 bucket with ACLs enabled",
	"severity": "low",
	"area": "NET",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set `OwnershipControls: {Rules: [{ObjectOwnership: BucketOwnerEnforced}]}` on the bucket, remove `AccessControl`, and grant access in the bucket policy.",
	"fixes": {
		"terraform": "Set `object_ownership = \"BucketOwnerEnforced\"` in the bucket's `aws_s3_bucket_ownership_controls` rule, remove the bucket's `acl`/`grant`s (and its `aws_s3_bucket_acl`), and grant access in the bucket policy.",
		"serverless": "Set `OwnershipControls: {Rules: [{ObjectOwnership: BucketOwnerEnforced}]}` on the bucket under `resources.Resources` and remove its `AccessControl`.",
	},
}

s3_bucket(b) if b.type in {"AWS::S3::Bucket", "aws_s3_bucket"}

deny contains {
	"resource": b.id,
	"path": "object_ownership",
	"message": sprintf("Bucket %s has object ownership %s: ACLs stay enabled, so objects can carry their own grants%s", [b.name, b.object_ownership, writer(b.object_ownership)]),
} if {
	some b in input.buckets
	s3_bucket(b)
	b.object_ownership in {"BucketOwnerPreferred", "ObjectWriter"}
}

# No ownership written, but an ACL in use: the bucket depends on ACLs being enabled.
deny contains {
	"resource": b.id,
	"path": path,
	"message": sprintf("Bucket %s sets no object ownership but uses an ACL (%s): it needs ACLs enabled, which BucketOwnerEnforced turns off", [b.name, what]),
} if {
	some b in input.buckets
	s3_bucket(b)
	not "object_ownership" in object.keys(b)
	not public_acl(b)
	some [path, what] in acl_use(b)
}

# A public ACL is FG-NET-003's finding, whose fix already disables ACLs: not reported twice.
public_acl(b) if {
	is_string(b.access_control)
	replace(lower(b.access_control), "-", "") in {"publicread", "publicreadwrite", "authenticatedread"}
}

public_acl(b) if {
	some g in b.grants
	g.grantee in {"AllUsers", "AuthenticatedUsers"}
}

acl_use(b) := [["access_control", b.access_control]] if {
	is_string(b.access_control)
	not replace(lower(b.access_control), "-", "") in {"private", "bucketownerfullcontrol"}
} else := [["grants.0", "explicit grants"]] if {
	is_array(b.grants)
	count(b.grants) > 0
} else := []

writer("ObjectWriter") := ", and objects uploaded by other accounts stay owned by them"

writer(o) := "" if o != "ObjectWriter"

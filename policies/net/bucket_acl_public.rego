# S3 bucket ACL grants access to everyone or to any AWS account
#
# ## What it does
# Flags S3 buckets whose access control list opens them to the public:
# - the canned ACL `PublicRead`, `PublicReadWrite` or `AuthenticatedRead` (CloudFormation
#   `AccessControl`; Terraform `acl = "public-read"`, `"public-read-write"`,
#   `"authenticated-read"` on the bucket or an `aws_s3_bucket_acl`);
# - an explicit grant to the `AllUsers` or `AuthenticatedUsers` group, with any permission
#   (`READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`, `FULL_CONTROL`): Terraform `grant` blocks on the
#   bucket or `access_control_policy` grants of an `aws_s3_bucket_acl`.
#
# The finding points at the ACL or the grantee. When the bucket's public access block ignores
# public ACLs (`IgnorePublicAcls: true`), the message says that the grant is neutralised today
# but still one flag away from being public. An ACL the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# `AllUsers` is anyone on the internet, without credentials; `AuthenticatedUsers` is anyone with
# any AWS account, which is no restriction at all. `READ` lists the bucket's objects,
# `WRITE` lets strangers store data you pay for (and overwrite yours), and `WRITE_ACP` lets them
# rewrite the ACL itself. Public ACLs are a classic cause of S3 data leaks.
#
# ## Example
# ```yaml
# Assets:
#   Type: AWS::S3::Bucket
#   Properties:
#     AccessControl: PublicRead
# ```
#
# ## Use instead
# Keep the bucket private, disable ACLs, and serve public content through CloudFront with origin
# access control:
# ```yaml
#     OwnershipControls:
#       Rules: [{ObjectOwnership: BucketOwnerEnforced}]
#     PublicAccessBlockConfiguration:
#       BlockPublicAcls: true
#       BlockPublicPolicy: true
#       IgnorePublicAcls: true
#       RestrictPublicBuckets: true
# ```
#
# ## References
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
package faasguard.rules.net.bucket_acl_public

import rego.v1

metadata := {
	"id": "FG-NET-003",
	"title": "S3 bucket ACL grants access to everyone or to any AWS account",
	"severity": "high",
	"area": "NET",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Remove `AccessControl` (or set it to `Private`), set `OwnershipControls` to `BucketOwnerEnforced` so ACLs no longer apply, and serve public content through CloudFront with origin access control.",
	"fixes": {
		"terraform": "Remove the public `acl` (or set `acl = \"private\"`) and the `grant`s to the AllUsers/AuthenticatedUsers groups from the bucket or its `aws_s3_bucket_acl`, and add an `aws_s3_bucket_ownership_controls` with `object_ownership = \"BucketOwnerEnforced\"`.",
		"serverless": "Remove `AccessControl` from the bucket under `resources.Resources` (or set it to `Private`) and add `OwnershipControls: {Rules: [{ObjectOwnership: BucketOwnerEnforced}]}`.",
	},
}

# Canned ACLs by their normalized name (CloudFormation `PublicRead`, Terraform `public-read`).
canned := {
	"publicread": "anyone on the internet can list and read its objects",
	"publicreadwrite": "anyone on the internet can list, read and write its objects",
	"authenticatedread": "anyone with an AWS account can list and read its objects",
}

groups := {
	"AllUsers": "anyone on the internet",
	"AuthenticatedUsers": "anyone with an AWS account",
}

deny contains {
	"resource": b.id,
	"path": "access_control",
	"message": sprintf("Bucket %s has the canned ACL %s: %s%s", [b.name, b.access_control, canned[acl], neutralised(b)]),
} if {
	some b in input.buckets
	is_string(b.access_control)
	acl := replace(lower(b.access_control), "-", "")
	canned[acl]
}

deny contains {
	"resource": b.id,
	"path": sprintf("grants.%d.grantee", [i]),
	"message": sprintf("Bucket %s's ACL grants %s to the %s group: %s%s", [b.name, permission(g), g.grantee, groups[g.grantee], neutralised(b)]),
} if {
	some b in input.buckets
	is_array(b.grants)
	some i, g in b.grants
	is_string(g.grantee)
	groups[g.grantee]
}

permission(g) := g.permission if is_string(g.permission)

else := "a permission"

# KICS and Checkov report a public ACL that a public access block neutralises; it is still
# public the moment the flag is turned off, so it is reported, with that context.
neutralised(b) := " (its public access block ignores public ACLs today, so the grant takes effect as soon as IgnorePublicAcls is turned off)" if {
	b.public_access_block.ignore_public_acls == true
} else := ""

# S3 bucket that does not deny requests over plain HTTP
#
# ## What it does
# Flags buckets that no bucket policy in the template protects with a `Deny`
# statement whose condition is `Bool` (or `BoolIfExists`) `aws:SecureTransport`
# = `false`.
#
# Any action counts (`s3:*` is the usual choice, `s3:PutObject` is enough for
# the write side), and so does any principal. An `Allow` conditioned on
# `aws:SecureTransport: true` is not enough: other `Allow`s, in the bucket
# policy or in IAM policies, still grant the same access over HTTP. A policy
# document, statement, effect or condition the scanner cannot resolve counts as
# a deny, so such buckets are not flagged.
#
# ## Why is this bad?
# S3 answers plain HTTP requests. A misconfigured client (an `http://`
# endpoint, an old SDK or tool) then sends its requests and the object data
# unencrypted, where they can be read or altered on the way. Only a bucket
# policy can make S3 refuse such requests.
#
# ## Example
# ```yaml
# Reports:
#   Type: AWS::S3::Bucket
# ReportsPolicy:
#   Type: AWS::S3::BucketPolicy
#   Properties:
#     Bucket: !Ref Reports
#     PolicyDocument:
#       Statement:
#         - Effect: Allow
#           Principal: {AWS: !Ref ReaderRoleArn}
#           Action: s3:GetObject
#           Resource: !Sub "${Reports.Arn}/*"
# ```
#
# ## Use instead
# ```yaml
#         - Sid: DenyInsecureTransport
#           Effect: Deny
#           Principal: "*"
#           Action: s3:*
#           Resource:
#             - !GetAtt Reports.Arn
#             - !Sub "${Reports.Arn}/*"
#           Condition:
#             Bool:
#               aws:SecureTransport: false
# ```
#
# ## References
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
# - https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl-requests-only.html
package faasguard.rules.enc.bucket_allows_insecure_transport

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-003",
	"title": "S3 bucket does not deny requests over plain HTTP",
	"severity": "medium",
	"area": "ENC",
	"remediation": "Attach a bucket policy with a Deny statement for s3:* on the bucket and its objects when Bool aws:SecureTransport is false.",
	"fixes": {
		"terraform": "Give the bucket an `aws_s3_bucket_policy` (one per bucket: add to the existing one) whose `aws_iam_policy_document` has a statement with `effect = \"Deny\"`, `actions = [\"s3:*\"]`, `resources = [aws_s3_bucket.<name>.arn, \"${aws_s3_bucket.<name>.arn}/*\"]`, a `principals` block (`type = \"*\"`, `identifiers = [\"*\"]`) and a `condition` block (`test = \"Bool\"`, `variable = \"aws:SecureTransport\"`, `values = [\"false\"]`).",
		"serverless": "Keep the Framework's TLS-only policy on the deployment bucket (do not set `provider.deploymentBucket.skipPolicySetup: true`); for other buckets add an `AWS::S3::BucketPolicy` under `resources.Resources` (`Bucket: !Ref S3Bucket<Name>` for an `s3` event's bucket) with a `Deny` of `s3:*` on the bucket and its objects when `Bool` `aws:SecureTransport` is `false`.",
	},
}

deny contains {
	"resource": b.id,
	"path": "",
	"message": sprintf(
		"Bucket %s accepts requests over plain HTTP: no bucket policy denies them with Bool aws:SecureTransport false",
		[b.name],
	),
} if {
	some b in input.buckets
	b.cloud == "aws"
	not tls_enforced(b.id)
}

# Bucket policies by the bucket they attach to, built once per evaluation (a
# scan of every policy per bucket made large templates quadratic).
bucket_policies[id] contains p if {
	some p in input.policies
	p.kind == "resource"
	p.target_type == "s3"
	some id in p.attached_to
}

tls_enforced(id) if {
	some p in bucket_policies[id]
	not is_array(p.statements)
}

tls_enforced(id) if {
	some p in bucket_policies[id]
	some s in p.statements
	denies_insecure(s)
}

denies_insecure(s) if lib.is_unknown(s)

denies_insecure(s) if {
	deny_effect(s.effect)
	secure_transport_false(s.condition)
}

deny_effect(e) if e == "Deny"

deny_effect(e) if lib.is_unknown(e)

secure_transport_false(c) if lib.is_unknown(c)

secure_transport_false(c) if {
	some op, keys in c
	op in {"Bool", "BoolIfExists"}
	lib.is_unknown(keys)
}

secure_transport_false(c) if {
	some op, keys in c
	op in {"Bool", "BoolIfExists"}
	some key, values in keys
	lower(key) == "aws:securetransport"
	some v in as_list(values)
	false_like(v)
}

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

false_like(v) if v == false

false_like(v) if {
	is_string(v)
	lower(v) == "false"
}

false_like(v) if lib.is_unknown(v)

# Bucket without access logging
#
# ## What it does
# Flags object storage buckets (S3 `AWS::S3::Bucket`, `aws_s3_bucket`, the buckets the Serverless
# Framework creates for `s3` events) that record no server access logs: no
# `LoggingConfiguration` (CloudFormation), no `logging` block or `aws_s3_bucket_logging`
# (Terraform). The finding points at the bucket.
#
# A bucket that receives access logs is not asked to log itself (its own logs would land in a
# third bucket, and so on): a bucket another bucket of the same template or module names as its
# log destination, a bucket with the `LogDeliveryWrite` / `log-delivery-write` ACL or a grant to
# the `LogDelivery` group, and a bucket whose policy lets `logging.s3.amazonaws.com` write. A
# logging configuration only known at deploy time, or a log destination that cannot be resolved
# while the bucket might be it, is left undecided.
#
# ## Why is this bad?
# Server access logs are the only record of who read, wrote or deleted which object through the
# S3 API without data-event trails: without them a leak or a tampering through a leaked key, a
# too-broad policy or a public ACL cannot be traced afterwards, nor its extent measured.
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
#     LoggingConfiguration:
#       DestinationBucketName: !Ref AccessLogs
#       LogFilePrefix: uploads/
# AccessLogs:
#   Type: AWS::S3::Bucket
#   # plus a bucket policy that lets logging.s3.amazonaws.com put objects
# ```
#
# ## References
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-loggingconfiguration.html
package faasguard.rules.obs.bucket_without_access_logging

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-OBS-007",
	"title": "Bucket without access logging",
	"severity": "low",
	"area": "OBS",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Add `LoggingConfiguration: {DestinationBucketName: <log bucket>, LogFilePrefix: <prefix>}` to the bucket, with a log bucket whose policy lets `logging.s3.amazonaws.com` put objects.",
	"fixes": {
		"terraform": "S3: add an `aws_s3_bucket_logging` with `bucket` set to this bucket and `target_bucket` to a log bucket whose policy lets `logging.s3.amazonaws.com` put objects. Cloud Storage: `logging { log_bucket = <log bucket> }` on the `google_storage_bucket` (or Data Access audit logs for the storage service).",
		"serverless": "Declare the bucket under `resources.Resources` with `LoggingConfiguration: {DestinationBucketName: <log bucket>}` (for an `s3` event's bucket, the same logical id `S3Bucket<Name>`), with a log bucket whose policy lets `logging.s3.amazonaws.com` put objects.",
	},
}

deny contains {
	"resource": b.id,
	"path": "logging",
	"message": sprintf("Bucket %s has no access logging: who read, wrote or deleted its objects is not recorded", [b.name]),
} if {
	some b in input.buckets
	not logs(b)
	not log_target(b)
	not maybe_log_target(b)
}

# `logging` is `{target_bucket}` (or an unknown, left to `undecided`); an
# adapter that knows only "on" or "off" may write a bool.
logs(b) if {
	"logging" in object.keys(b)
	b.logging != false
}

# Another bucket writes its access logs here: the destinations every bucket
# names, collected once (a lookup per bucket, not a scan of every bucket). A
# bucket that logs is never asked, so one naming itself changes nothing.
target_names contains t if {
	some o in input.buckets
	t := o.logging.target_bucket
	is_string(t)
}

# A destination that refers to a bucket through a value only known at deploy time.
target_refs contains t.ref if {
	some o in input.buckets
	t := o.logging.target_bucket
	is_string(t.ref)
}

log_target(b) if b.id in target_names

log_target(b) if {
	is_string(b.bucket_name)
	b.bucket_name in target_names
}

log_target(b) if b.id in target_refs

# The canned ACL that lets the log delivery group write, or a grant to it.
log_target(b) if {
	is_string(b.access_control)
	replace(lower(b.access_control), "-", "") == "logdeliverywrite"
}

log_target(b) if {
	some g in b.grants
	g.grantee == "LogDelivery"
}

# A bucket policy that lets the S3 logging service write.
log_target(b) if b.id in logging_service_writes

logging_service_writes contains id if {
	some p in input.policies
	p.kind == "resource"
	some s in p.statements
	s.effect == "Allow"
	"logging.s3.amazonaws.com" in s.principal.Service
	some id in p.attached_to
}

# A destination that cannot be resolved and names no resource: it may be any
# bucket that does not log.
maybe_log_target(_) if count(unresolved_destinations) > 0

# An ACL only known at deploy time may be the log delivery one.
maybe_log_target(b) if lib.is_unknown(b.access_control)

unresolved_destinations := [t |
	some o in input.buckets
	t := o.logging.target_bucket
	lib.is_unknown(t)
	not is_string(t.ref)
]

undecided contains lib.undecided(b, "logging", b.logging) if {
	some b in input.buckets
	lib.is_unknown(b.logging)
}

undecided contains lib.undecided(b, "access_control", b.access_control) if {
	some b in input.buckets
	not logs(b)
	lib.is_unknown(b.access_control)
}

undecided contains lib.undecided(b, "logging", t) if {
	some b in input.buckets
	not logs(b)
	not log_target(b)
	some t in unresolved_destinations
}

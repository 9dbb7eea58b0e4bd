# SQS queue with server-side encryption turned off
#
# ## What it does
# Flags queues that set `SqsManagedSseEnabled: false` and no `KmsMasterKeyId`:
# their messages are stored unencrypted.
#
# A queue that sets neither is not flagged. Since October 2022 SQS encrypts
# new queues with SSE-SQS when nothing is set, so such a queue is encrypted
# (Checkov's CKV_AWS_27 and KICS still flag it; this rule does not, to keep its
# findings true). A queue created before that date and never changed may still
# be unencrypted: check it in the console, or set an explicit value. An empty
# `KmsMasterKeyId` counts as not set; one written as `!GetAtt Key.Arn` counts
# as set.
#
# ## Why is this bad?
# Messages often carry the same personal or business data as the database
# they come from. Unencrypted, they sit on disk in clear text for up to 14
# days (the retention period) and fall outside any "encrypted at rest"
# requirement.
#
# ## Example
# ```yaml
# Jobs:
#   Type: AWS::SQS::Queue
#   Properties:
#     SqsManagedSseEnabled: false
# ```
#
# ## Use instead
# ```yaml
#     SqsManagedSseEnabled: true
# ```
# or, to control access with a key policy and log key use,
# ```yaml
#     KmsMasterKeyId: !Ref JobsKey
# ```
#
# ## References
# - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
package faasguard.rules.enc.queue_unencrypted

import data.faasguard.lib
import data.faasguard.lib.enc
import rego.v1

metadata := {
	"id": "FG-ENC-005",
	"title": "SQS queue with server-side encryption turned off",
	"severity": "medium",
	"area": "ENC",
	"remediation": "Remove SqsManagedSseEnabled: false (or set it to true), or set KmsMasterKeyId to a KMS key.",
	"fixes": {
		"terraform": "Remove `sqs_managed_sse_enabled = false` from the `aws_sqs_queue` (or set it to `true`), or set `kms_master_key_id` to a KMS key.",
		"serverless": "On the `AWS::SQS::Queue` under `resources.Resources`, remove `SqsManagedSseEnabled: false` (or set it to `true`), or set `KmsMasterKeyId` to a KMS key.",
	},
}

deny contains {
	"resource": q.id,
	"path": "sqs_managed_sse",
	"message": sprintf(
		"Queue %s turns SSE-SQS off and sets no %s, so its messages are stored unencrypted",
		[q.name, lib.term("KmsMasterKeyId", "kms_master_key_id")],
	),
} if {
	some q in input.queues
	q.sqs_managed_sse == false
	not enc.key_set(q.kms_key)
}

# SSE-SQS switched by an unknown value, with no key: cannot be judged.
undecided contains lib.undecided(q, "sqs_managed_sse", q.sqs_managed_sse) if {
	some q in input.queues
	lib.is_unknown(q.sqs_managed_sse)
	not enc.key_set(q.kms_key)
}

# SQS queue visibility timeout shorter than six times the function timeout
#
# ## What it does
# Flags SQS queues that feed a function through an event source mapping when
# the queue's `VisibilityTimeout` (30 seconds when not set) is less than six
# times the function's `Timeout` (3 seconds when not set; 6 seconds, the
# Framework's default, for a Serverless Framework function). The finding points
# at the queue's `VisibilityTimeout`, or at the queue when it is not set.
#
# ## Why is this bad?
# When Lambda takes a batch from the queue, the messages become invisible for
# the visibility timeout. If the function is still working (or Lambda is
# retrying a throttled invocation) when it runs out, the messages become
# visible again and are delivered a second time, to a second concurrent
# invocation: duplicate processing, and messages that reach the dead-letter
# queue without ever having failed. AWS asks for at least six times the
# function timeout (plus the mapping's `MaximumBatchingWindowInSeconds`).
#
# ## Example
# ```yaml
# Worker:
#   Type: AWS::Serverless::Function
#   Properties:
#     Timeout: 60
#     Events:
#       Jobs:
#         Type: SQS
#         Properties: {Queue: !GetAtt JobQueue.Arn}
# JobQueue:
#   Type: AWS::SQS::Queue
# ```
#
# ## Use instead
# ```yaml
# JobQueue:
#   Type: AWS::SQS::Queue
#   Properties:
#     VisibilityTimeout: 360
# ```
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-queueconfig
# - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
package faasguard.rules.tmo.sqs_visibility_timeout_too_short

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-TMO-003",
	"title": "SQS visibility timeout below six times the function timeout",
	"severity": "medium",
	"area": "TMO",
	"remediation": "Set the queue's VisibilityTimeout to at least six times the function's Timeout (plus any batching window).",
	"fixes": {
		"terraform": "Set `visibility_timeout_seconds` on the `aws_sqs_queue` to at least six times the function's `timeout` (plus the `aws_lambda_event_source_mapping`'s `maximum_batching_window_in_seconds`).",
		"serverless": "Set `VisibilityTimeout` on the `AWS::SQS::Queue` under `resources.Resources` to at least six times the function's `timeout` (plus the `sqs` event's `maximumBatchingWindow`).",
	},
}

# SQS's default visibility timeout and Lambda's default function timeout.
default_visibility := 30

default_timeout := 3

deny contains {
	"resource": q.id,
	"path": "visibility_timeout",
	"message": sprintf(
		"Queue %s has %s of %v s, below 6 × the %v s %s of function %s that consumes it (%v s): messages are redelivered while still being processed",
		[q.name, visibility_label(q), visibility, timeout, timeout_label(f), f.name, 6 * timeout],
	),
} if {
	some m in input.event_source_mappings
	m.source_type == "sqs"
	some q in queues_by_id[m.source]
	some f in functions_by_id[m.function]
	visibility := visibility_of(q)
	timeout := timeout_of(f)
	visibility < 6 * timeout
}

# Queues and functions by id, built once per evaluation: keyed lookups per
# mapping instead of scans of both collections.
queues_by_id[id] contains q if {
	some q in input.queues
	id := q.id
}

functions_by_id[id] contains f if {
	some f in input.functions
	id := f.id
}

visibility_of(q) := q.visibility_timeout if {
	is_number(q.visibility_timeout)
} else := default_visibility if {
	not q.visibility_timeout
}

timeout_of(f) := f.timeout if {
	is_number(f.timeout)
} else := default_timeout if {
	not f.timeout
}

# A timeout the Serverless adapter filled in is the Framework's default, not
# a value the service wrote.
timeout_label(f) := "timeout (the Serverless Framework's default)" if {
	"timeout" in object.get(f, "defaults", [])
} else := "timeout"

visibility_label(q) := "visibility_timeout_seconds" if {
	is_number(q.visibility_timeout)
	input.format == "terraform"
} else := "VisibilityTimeout" if is_number(q.visibility_timeout)

else := "the default visibility timeout"

# The visibility timeout or the consuming function's timeout is unknown until
# deployment (the other one known): the comparison is listed, not made.
undecided contains lib.undecided(q, "visibility_timeout", q.visibility_timeout) if {
	some m in input.event_source_mappings
	m.source_type == "sqs"
	some q in queues_by_id[m.source]
	lib.is_unknown(q.visibility_timeout)
}

undecided contains lib.undecided(f, "timeout", f.timeout) if {
	some m in input.event_source_mappings
	m.source_type == "sqs"
	some q in queues_by_id[m.source]
	some f in functions_by_id[m.function]
	visibility_of(q)
	lib.is_unknown(f.timeout)
}

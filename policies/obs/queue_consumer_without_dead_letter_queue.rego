# SQS queue consumed by a function without a dead-letter queue
#
# ## What it does
# Flags SQS queues (`AWS::SQS::Queue`, `aws_sqs_queue`, a queue under a
# Serverless Framework service's `resources:`) that a function consumes
# through an event source mapping (`AWS::Lambda::EventSourceMapping`, a SAM
# `SQS` event, `aws_lambda_event_source_mapping`, a Serverless Framework `sqs`
# event) and that have no redrive policy naming a dead-letter queue
# (`RedrivePolicy.deadLetterTargetArn`, `redrive_policy`, or an
# `aws_sqs_queue_redrive_policy`). The finding points at the queue and names
# its consumers. A queue outside the template (an ARN) is not judged, nor is
# a redrive policy or a mapping source only known at deploy time.
#
# ## Why is this bad?
# When the function fails on a message, Lambda returns it to the queue and
# receives it again after the visibility timeout, until the retention period
# (four days by default) deletes it. A message that always fails ("poison")
# keeps a batch failing, costs an invocation each time, and is finally lost
# without anyone seeing it. A dead-letter queue keeps it after
# `maxReceiveCount` attempts, where an alarm and a person can find it. The
# function's own `DeadLetterConfig` does not apply here: it covers
# asynchronous invocations, not queue polling.
#
# ## Example
# ```yaml
# Orders:
#   Type: AWS::SQS::Queue
# ShipOrders:
#   Type: AWS::Serverless::Function
#   Properties:
#     Events:
#       Queue:
#         Type: SQS
#         Properties:
#           Queue: !GetAtt Orders.Arn
# ```
#
# ## Use instead
# ```yaml
# Orders:
#   Type: AWS::SQS::Queue
#   Properties:
#     RedrivePolicy:
#       deadLetterTargetArn: !GetAtt OrdersDlq.Arn
#       maxReceiveCount: 5
# OrdersDlq:
#   Type: AWS::SQS::Queue
# ```
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
# - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
package faasguard.rules.obs.queue_consumer_without_dead_letter_queue

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-OBS-012",
	"title": "SQS queue consumed by a function without a dead-letter queue",
	"severity": "medium",
	"area": "OBS",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Give the queue a RedrivePolicy with deadLetterTargetArn naming a second queue and a maxReceiveCount (3 to 5 is common), and alarm on the dead-letter queue's depth.",
	"fixes": {
		"terraform": "Set `redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.<dlq>.arn, maxReceiveCount = 5 })` on the `aws_sqs_queue` (or add an `aws_sqs_queue_redrive_policy`), and alarm on the dead-letter queue's depth.",
		"serverless": "On the `AWS::SQS::Queue` under `resources.Resources`, set `RedrivePolicy` with `deadLetterTargetArn: !GetAtt <Dlq>.Arn` and `maxReceiveCount`, and declare the dead-letter queue there too.",
	},
}

deny contains {
	"resource": q.id,
	"path": "dead_letter_target",
	"message": sprintf("SQS queue %s is consumed by %s but has no dead-letter queue (no redrive policy): a message that keeps failing is retried until it expires unseen", [q.name, concat(", ", consumers(q))]),
} if {
	some q in input.queues
	q.cloud == "aws"
	count(consumers(q)) > 0
	not "dead_letter_target" in object.keys(q)
}

undecided contains lib.undecided(q, "dead_letter_target", q.dead_letter_target) if {
	some q in input.queues
	count(consumers(q)) > 0
	lib.is_unknown(q.dead_letter_target)
}

# The functions that poll the queue, by name (a function outside the unit by
# its reference as written). Mappings and names are indexed once, so a unit
# with many queues and functions costs linear time.
consumers(q) := sort({name |
	some m in sqs_mappings[q.id]
	name := function_name(m.function)
})

sqs_mappings[source] contains m if {
	some m in input.event_source_mappings
	m.source_type == "sqs"
	source := m.source
	is_string(source)
}

function_names[id] contains f.name if {
	some f in input.functions
	id := f.id
}

function_name(ref) := name if {
	some name in function_names[ref]
} else := ref if is_string(ref)

else := "a function only known at deploy time"

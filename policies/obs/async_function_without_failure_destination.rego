# Asynchronously invoked function without a failure destination
#
# ## What it does
# Flags functions that are invoked asynchronously and have neither an
# `OnFailure` destination nor a dead-letter queue.
#
# A function counts as invoked asynchronously when the template gives it an
# S3, SNS, EventBridge, schedule, IoT or CloudWatch Logs event (SAM), an
# `EventInvokeConfig`, an `AWS::Lambda::Permission` for one of those services,
# a bucket notification, an SNS subscription, an EventBridge rule target or a
# CloudFormation custom resource whose `ServiceToken` is the function
# (CloudFormation invokes it asynchronously on create, update and delete).
# Cognito triggers and Alexa skills invoke synchronously and do not count. The
# finding points at the function; the message says what invokes it
# asynchronously.
#
# Destinations count when set with SAM
# `EventInvokeConfig.DestinationConfig.OnFailure` (including `Type: SQS` or
# `SNS` without a `Destination`, which SAM creates), SAM `DeadLetterQueue`,
# CloudFormation `DeadLetterConfig.TargetArn`, or an
# `AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure`.
#
# ## Why is this bad?
# Lambda retries a failed asynchronous event twice, then discards it. Events
# that fail because of a bug, a throttle or a downstream outage are lost
# without a trace beyond a log line, and cannot be inspected or replayed.
#
# ## Example
# ```yaml
# OnUpload:
#   Type: AWS::Serverless::Function
#   Properties:
#     Events:
#       Upload:
#         Type: S3
#         Properties:
#           Bucket: !Ref Uploads
#           Events: s3:ObjectCreated:*
# ```
#
# ## Use instead
# ```yaml
# OnUpload:
#   Type: AWS::Serverless::Function
#   Properties:
#     EventInvokeConfig:
#       DestinationConfig:
#         OnFailure:
#           Type: SQS
#     Events:
#       Upload:
#         Type: S3
#         Properties:
#           Bucket: !Ref Uploads
#           Events: s3:ObjectCreated:*
# ```
# In CloudFormation, add an `AWS::Lambda::EventInvokeConfig` with
# `DestinationConfig.OnFailure.Destination`, or `DeadLetterConfig.TargetArn` on
# the function. Prefer an `OnFailure` destination: it records the error as
# well as the event.
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
# - https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources-lambda.html
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-onfailure.html
package faasguard.rules.obs.async_function_without_failure_destination

import rego.v1

metadata := {
	"id": "FG-OBS-003",
	"title": "Asynchronously invoked function without a failure destination",
	"severity": "medium",
	"area": "OBS",
	"remediation": "Add an OnFailure destination (EventInvokeConfig.DestinationConfig.OnFailure) or a dead-letter queue (DeadLetterQueue / DeadLetterConfig) to the function.",
	"fixes": {
		"terraform": "Add `dead_letter_config { target_arn = ... }` (an SQS queue or SNS topic) to the `aws_lambda_function`, or an `aws_lambda_function_event_invoke_config` whose `destination_config` has an `on_failure` block with `destination` set to a queue, topic, event bus or function ARN.",
		"serverless": "Set `destinations.onFailure` on the function (a function name, or the ARN of an SQS queue, SNS topic or EventBridge bus), or `onError` (the ARN of a dead-letter SNS topic or SQS queue).",
	},
}

deny contains {
	"resource": f.id,
	"path": "on_failure",
	"message": sprintf("Function %s is invoked asynchronously%s but has no OnFailure destination or dead-letter queue: events that still fail after Lambda's retries are dropped", [f.name, reason(f)]),
} if {
	some f in input.functions
	f.async_invoked == true
	not "on_failure" in object.keys(f)
}

reason(f) := sprintf(" (%s)", [concat("; ", sort(reasons(f)))]) if {
	count(reasons(f)) > 0
} else := ""

# SAM event types that the adapter counts as asynchronous.
# SAM event types, and the Serverless Framework's event names.
async_events := {
	"S3", "SNS", "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2", "IoTRule", "CloudWatchLogs", "SES",
	"s3", "sns", "schedule", "eventBridge", "cloudwatchEvent", "cloudwatchLog", "iot",
}

# Service principals whose invocations are asynchronous (as in the adapter).
async_services := {
	"s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com",
	"scheduler.amazonaws.com", "iot.amazonaws.com", "ses.amazonaws.com",
	"logs.amazonaws.com", "codecommit.amazonaws.com",
	"cloudformation.amazonaws.com", "config.amazonaws.com",
}

reasons(f) := {sprintf("%s event %s", [e.type, e.name]) |
	some e in object.get(f, "events", [])
	e.type in async_events
} | {x | some x in async_permissions[f.id]} | {x | some x in invokers[f.id]} | {"its EventInvokeConfig" |
	f.id in invoke_configs
}

# The lookups below are built once per evaluation and keyed by function id: a
# scan of every policy and resource per function made large templates
# quadratic.

# Service permissions that invoke a function asynchronously, described.
async_permissions[fid] contains sprintf("permission %s for %s", [p.id, s]) if {
	some p in input.policies
	p.origin == "lambda_permission"
	some fid in p.attached_to
	some st in p.statements
	some s in object.get(st, ["principal", "Service"], [])
	s in async_services
}

# Ids of raw resources with an EventInvokeConfig of their own.
invoke_configs contains res.id if {
	some res in input.resources
	res.properties.EventInvokeConfig
}

# Raw resources that make a function asynchronous, described, by the id of
# the function they invoke.
invokers[id] contains sprintf("EventInvokeConfig %s", [res.id]) if {
	some res in input.resources
	res.type == "AWS::Lambda::EventInvokeConfig"
	some id in refs(res.properties.FunctionName)
}

invokers[id] contains sprintf("notifications of bucket %s", [res.id]) if {
	some res in input.resources
	res.type == "AWS::S3::Bucket"
	some c in res.properties.NotificationConfiguration.LambdaConfigurations
	some id in refs(c.Function)
}

invokers[id] contains sprintf("subscription to topic %s", [res.id]) if {
	some res in input.resources
	res.type == "AWS::SNS::Topic"
	some s in res.properties.Subscription
	s.Protocol == "lambda"
	some id in refs(s.Endpoint)
}

invokers[id] contains sprintf("SNS subscription %s", [res.id]) if {
	some res in input.resources
	res.type == "AWS::SNS::Subscription"
	res.properties.Protocol == "lambda"
	some id in refs(res.properties.Endpoint)
}

invokers[id] contains sprintf("EventBridge rule %s", [res.id]) if {
	some res in input.resources
	res.type == "AWS::Events::Rule"
	some t in res.properties.Targets
	some id in refs(t.Arn)
}

invokers[id] contains sprintf("custom resource %s, which CloudFormation invokes asynchronously", [res.id]) if {
	some res in input.resources
	custom_resource_type(res.type)
	some id in refs(res.properties.ServiceToken)
}

custom_resource_type(t) if startswith(t, "Custom::")

custom_resource_type(t) if t == "AWS::CloudFormation::CustomResource"

# What a value may name: itself (a function id), or the target of a `!Ref`.
refs(v) := {x | x := v} | {x | x := v.ref}

# State machine without execution logging
#
# ## What it does
# Flags Step Functions state machines (SAM `AWS::Serverless::StateMachine`,
# CloudFormation `AWS::StepFunctions::StateMachine`, Terraform
# `aws_sfn_state_machine`, the `serverless-step-functions` plugin's
# `stepFunctions.stateMachines`) that log no execution history to CloudWatch
# Logs: logging level `OFF` (the finding points at the level), a logging block
# without a level (the service's default is `OFF`; the finding points at the
# block), or no logging configuration at all (it points at the state machine).
# A level or a block only known at deploy time is left undecided.
#
# ## Why is this bad?
# Without execution logs, the inputs, outputs and errors of a workflow's steps
# are kept only in the Step Functions console's history, which Express
# workflows do not keep at all and Standard workflows keep for 90 days: a
# failed or abused execution cannot be investigated afterwards, nor alarmed on
# from CloudWatch.
#
# ## Example
# ```yaml
# OrderFlow:
#   Type: AWS::Serverless::StateMachine
#   Properties:
#     DefinitionUri: statemachine/order.asl.json
#     Logging:
#       Level: "OFF"
# ```
#
# ## Use instead
# ```yaml
# OrderFlow:
#   Type: AWS::Serverless::StateMachine
#   Properties:
#     DefinitionUri: statemachine/order.asl.json
#     Logging:
#       Level: ERROR
#       Destinations:
#         - CloudWatchLogsLogGroup:
#             LogGroupArn: !GetAtt OrderFlowLogs.Arn
# ```
# In CloudFormation: `LoggingConfiguration` with the same `Level` and
# `Destinations`; the role needs the CloudWatch Logs delivery permissions.
#
# ## References
# - https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachine-loggingconfiguration.html
package faasguard.rules.obs.state_machine_without_logging

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-OBS-010",
	"title": "State machine without execution logging",
	"severity": "low",
	"area": "OBS",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set Logging (SAM) or LoggingConfiguration (CloudFormation) with Level ALL, ERROR or FATAL and a CloudWatch Logs log group in Destinations, and give the role the log delivery permissions.",
	"fixes": {
		"terraform": "Add `logging_configuration { level = \"ERROR\", log_destination = \"${aws_cloudwatch_log_group.<name>.arn}:*\" }` to the `aws_sfn_state_machine` and give its role the log delivery permissions.",
		"serverless": "Give the state machine `loggingConfig: {level: ERROR, destinations: [<log group ARN>]}` (serverless-step-functions), or `LoggingConfiguration` on an `AWS::StepFunctions::StateMachine` under `resources.Resources`.",
	},
}

deny contains {
	"resource": m.id,
	"path": "logging",
	"message": sprintf("State machine %s has no logging configuration: its executions are not logged to CloudWatch Logs", [m.name]),
} if {
	some m in input.state_machines
	not "logging" in object.keys(m)
}

deny contains {
	"resource": m.id,
	"path": "logging",
	"message": sprintf("State machine %s sets logging without a level, which defaults to OFF: its executions are not logged to CloudWatch Logs", [m.name]),
} if {
	some m in input.state_machines
	is_object(m.logging)
	lib.known(m.logging)
	no_level(m.logging)
}

no_level(l) if not "level" in object.keys(l)

# A plan prints an unset `level` as "".
no_level(l) if l.level == ""

# No single-value fix: a level other than OFF needs Destinations too, or the
# deployment fails.
deny contains {
	"resource": m.id,
	"path": "logging.level",
	"message": sprintf("State machine %s has logging level OFF: its executions are not logged to CloudWatch Logs", [m.name]),
} if {
	some m in input.state_machines
	m.logging.level == "OFF"
}

undecided contains lib.undecided(m, "logging", m.logging) if {
	some m in input.state_machines
	lib.is_unknown(m.logging)
}

undecided contains lib.undecided(m, "logging.level", m.logging.level) if {
	some m in input.state_machines
	lib.is_unknown(m.logging.level)
}

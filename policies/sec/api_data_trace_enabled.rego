# API stage logs full request and response bodies (data trace)
#
# ## What it does
# Flags REST API method settings that turn on data trace logging: a
# `MethodSettings` entry (of an `AWS::ApiGateway::Stage`, an
# `AWS::Serverless::Api`, SAM's `Globals.Api`, or a deployment's
# `StageDescription`) with `DataTraceEnabled: true`, an
# `aws_api_gateway_method_settings` with `settings { data_trace_enabled =
# true }`, or the Serverless Framework's `provider.logs.restApi` with execution
# logging on and `fullExecutionData` true or not set (the Framework's default
# is true). The finding points at the value, or at `restApi` when the
# Framework's default applies. A setting whose logging level is `OFF` writes
# no execution logs and is not flagged; a value only known at deploy time is
# left undecided.
#
# ## Why is this bad?
# Data trace writes each request's and response's headers and bodies into
# the stage's CloudWatch execution log: bearer tokens, API keys in headers,
# passwords in login bodies, personal data in responses. Everyone who can read
# the log group can read them, for as long as the group keeps its logs (by
# default forever). AWS advises against it for production APIs; execution
# logging at `ERROR` or `INFO` (FG-OBS-008) and access logs (FG-OBS-004) keep
# what is needed to explain a failure without the payloads.
#
# ## Example
# ```yaml
# OrdersStage:
#   Type: AWS::ApiGateway::Stage
#   Properties:
#     MethodSettings:
#       - ResourcePath: "/*"
#         HttpMethod: "*"
#         LoggingLevel: INFO
#         DataTraceEnabled: true
# ```
#
# ## Use instead
# ```yaml
#         LoggingLevel: INFO
#         DataTraceEnabled: false
# ```
# Turn data trace on for a short debugging session only, on a non-production
# stage.
#
# ## References
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html
package faasguard.rules.sec.api_data_trace_enabled

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-SEC-004",
	"title": "API stage logs full request and response bodies (data trace)",
	"severity": "medium",
	"area": "SEC",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set DataTraceEnabled: false (or remove it) in the stage's MethodSettings; keep LoggingLevel ERROR or INFO for execution logs without request and response bodies.",
	"fixes": {
		"terraform": "Set `data_trace_enabled = false` (or remove it) in the `settings` of the `aws_api_gateway_method_settings`.",
		"serverless": "Set `provider.logs.restApi.fullExecutionData: false` (the Framework turns data trace on by default when `restApi` logging is configured).",
	},
}

deny contains {
	"resource": m.id,
	"path": "data_trace",
	"message": sprintf("Method setting %s%s logs full request and response data (%s): headers, tokens and bodies reach CloudWatch Logs", [m.id, scope(m), why(m)]),
} if {
	some m in input.method_settings
	m.data_trace == true
	not quiet(m)
}

undecided contains lib.undecided(m, "data_trace", m.data_trace) if {
	some m in input.method_settings
	lib.is_unknown(m.data_trace)
}

undecided contains lib.undecided(m, "logging_level", m.logging_level) if {
	some m in input.method_settings
	m.data_trace == true
	lib.is_unknown(m.logging_level)
}

# Level OFF writes no execution logs, so no data trace; an unknown level is
# left undecided.
quiet(m) if m.logging_level == "OFF"

quiet(m) if lib.is_unknown(m.logging_level)

scope(m) := " (every method)" if {
	m.resource_path == "/*"
	m.http_method == "*"
} else := sprintf(" (%s %s)", [m.http_method, m.resource_path]) if {
	is_string(m.http_method)
	is_string(m.resource_path)
} else := ""

# The Framework's `provider.logs.restApi` (`ApiGatewayRestApi/Logs`).
why(m) := "provider.logs.restApi.fullExecutionData true, or not set: the Framework's default" if {
	input.format == "serverless"
	endswith(m.id, "/Logs")
} else := "data_trace_enabled = true" if {
	input.format == "terraform"
} else := "DataTraceEnabled true"

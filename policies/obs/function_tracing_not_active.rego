# Function without active X-Ray tracing
#
# ## What it does
# Flags functions whose tracing mode is not `Active`: SAM `Tracing` (also from
# `Globals`), CloudFormation `TracingConfig.Mode`. The finding points at the
# value when it is `PassThrough`, at the function when it is not set (Lambda's
# default is `PassThrough`).
#
# Only AWS Lambda functions (`cloud == "aws"`): X-Ray is Lambda's tracer; Azure
# and Google Cloud functions have no tracing mode in their templates.
#
# State machines and REST API stages have rules of their own (FG-OBS-005,
# FG-OBS-006), so each can be turned off on its own.
#
# ## Why is this bad?
# With `PassThrough`, Lambda only traces requests that arrive with a sampled
# trace header; calls from S3, SQS, schedules and most other sources are never
# traced. Without traces, latency and errors in a chain of functions and
# services cannot be followed from one call to the next, and incidents take
# longer to understand.
#
# ## Example
# ```yaml
# MyFunction:
#   Type: AWS::Serverless::Function
#   Properties:
#     Runtime: python3.12
#     Handler: app.handler
# ```
#
# ## Use instead
# ```yaml
# Globals:
#   Function:
#     Tracing: Active
# ```
# In CloudFormation: `TracingConfig: {Mode: Active}`. The execution role needs
# `xray:PutTraceSegments` and `xray:PutTelemetryRecords` (SAM adds them;
# otherwise attach `AWSXRayDaemonWriteAccess`).
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-tracingconfig.html
package faasguard.rules.obs.function_tracing_not_active

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-OBS-001",
	"title": "Function without active X-Ray tracing",
	"severity": "low",
	"area": "OBS",
	"remediation": "Set Tracing: Active (SAM, or Globals.Function) or TracingConfig.Mode: Active (CloudFormation).",
	"fixes": {
		"terraform": "Add `tracing_config { mode = \"Active\" }` to the `aws_lambda_function` and let its role write to X-Ray (`AWSXRayDaemonWriteAccess`).",
		"serverless": "Set `provider.tracing.lambda: true` (or `tracing: Active` on the function).",
	},
}

deny contains {
	"resource": f.id,
	"path": "tracing",
	"message": sprintf("Function %s has no tracing configured (the default is PassThrough): X-Ray traces only requests that arrive already sampled", [f.name]),
} if {
	some f in input.functions
	f.cloud == "aws"
	not "tracing" in object.keys(f)
}

deny contains {
	"resource": f.id,
	"path": "tracing",
	"message": sprintf("Function %s has tracing mode %s, not Active: X-Ray traces only requests that arrive already sampled", [f.name, f.tracing]),
} if {
	some f in input.functions
	f.cloud == "aws"
	is_string(f.tracing)
	f.tracing != "Active"
}

# A tracing mode that is unknown until deployment cannot be judged: listed,
# not reported.
undecided contains lib.undecided(f, "tracing", f.tracing) if {
	some f in input.functions
	f.cloud == "aws"
	lib.is_unknown(f.tracing)
}

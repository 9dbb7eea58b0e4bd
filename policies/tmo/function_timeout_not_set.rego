# Function without an explicit timeout
#
# ## What it does
# Flags Lambda functions that set no `Timeout`, neither on the function nor in
# SAM `Globals` (for the Serverless Framework: neither on the function nor in
# `provider:`, so the Framework's default of 6 seconds is deployed). The
# finding points at the function.
#
# ## Why is this bad?
# Lambda then uses its default of 3 seconds. That is rarely a deliberate
# choice: a handler that calls a database or another service on a cold start
# can easily need longer, and it fails with `Task timed out after 3.00
# seconds` only under load or after a dependency slows down. Timeouts also
# drive other settings (an SQS queue's visibility timeout must be six times
# the function's, an API's integration timeout should be above it), which
# cannot be checked against a value nobody chose.
#
# ## Example
# ```yaml
# Handler:
#   Type: AWS::Serverless::Function
#   Properties:
#     Runtime: python3.13
#     Handler: app.handler
# ```
#
# ## Use instead
# ```yaml
# Globals:
#   Function:
#     Timeout: 10
# ```
# or `Timeout:` on the function: the longest run you expect, with a margin.
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html
package faasguard.rules.tmo.function_timeout_not_set

import rego.v1

metadata := {
	"id": "FG-TMO-005",
	"title": "Function timeout not set",
	"severity": "low",
	"area": "TMO",
	"remediation": "Set Timeout on the function (or in SAM Globals) to the longest run you expect, with a margin.",
	"fixes": {
		"terraform": "Set `timeout` on the `aws_lambda_function` to the longest run you expect, with a margin.",
		"serverless": "Set `provider.timeout` (or `timeout` on the function) to the longest run you expect, with a margin.",
	},
}

deny contains {
	"resource": f.id,
	"path": "timeout",
	"message": sprintf("Function %s sets no timeout, so %s", [f.name, default_text(f)]),
} if {
	some f in input.functions
	f.cloud == "aws"
	not has_timeout(f)
}

# Set, even to a value that cannot be known statically; a value the adapter
# filled in from the Serverless Framework's defaults (listed in `defaults`)
# is one nobody chose.
has_timeout(f) if {
	"timeout" in object.keys(f)
	not "timeout" in object.get(f, "defaults", [])
}

# The Serverless Framework deploys 6 seconds when a service sets none (the
# adapter fills it in); Lambda itself (SAM, CloudFormation, Terraform) 3 seconds.
default_text(f) := sprintf("the Serverless Framework's default of %v seconds applies", [f.timeout]) if {
	"timeout" in object.get(f, "defaults", [])
} else := "the Serverless Framework's default of 6 seconds applies" if {
	input.format == "serverless"
} else := "Lambda's default of 3 seconds applies"

# Function timeout outside Lambda's 1–900 second range
#
# ## What it does
# Flags functions whose `Timeout` is below 1 second or above 900 seconds.
#
# ## Why is this bad?
# Lambda rejects such values at deploy time (the maximum is 15 minutes), so the
# stack fails to deploy, or the value was meant to be milliseconds.
#
# ## Example
# ```yaml
# MyFunction:
#   Type: AWS::Serverless::Function
#   Properties:
#     Timeout: 3600
# ```
#
# ## Use instead
# ```yaml
#     Timeout: 900
# ```
# For work longer than 15 minutes use Step Functions, ECS or Batch.
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
package faasguard.rules.tmo.timeout_out_of_range

import rego.v1

metadata := {
	"id": "FG-TMO-001",
	"title": "Function timeout outside 1–900 seconds",
	"severity": "medium",
	"area": "TMO",
	"remediation": "Set Timeout between 1 and 900 seconds; move longer work to Step Functions or a container task.",
	"references": ["https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html"],
}

deny contains {
	"resource": f.id,
	"path": "timeout",
	"message": sprintf("Function %s has Timeout %v, outside Lambda's allowed 1–900 seconds", [f.name, f.timeout]),
} if {
	some f in input.functions
	is_number(f.timeout)
	not in_range(f.timeout)
}

in_range(t) if {
	t >= 1
	t <= 900
}

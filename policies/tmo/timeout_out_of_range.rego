# Function timeout outside Lambda's 1–900 second range
#
# ## What it does
# Flags functions whose `Timeout` is below 1 second or above 900 seconds (AWS
# Lambda), or outside Google Cloud's limits: 540 seconds for Cloud Functions
# (1st gen) and event-driven 2nd gen functions, 3600 for HTTP 2nd gen functions
# and Cloud Run services (`timeout_seconds`, `timeout`).
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
# - https://cloud.google.com/functions/docs/configuring/timeout
# - https://cloud.google.com/run/docs/configuring/request-timeout
package faasguard.rules.tmo.timeout_out_of_range

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-TMO-001",
	"title": "Function timeout outside 1–900 seconds",
	"severity": "medium",
	"area": "TMO",
	"remediation": "Set Timeout between 1 and 900 seconds; move longer work to Step Functions or a container task.",
	"fixes": {
		"terraform": "Set `timeout` on the `aws_lambda_function` between 1 and 900 seconds. Google: `timeout` (1st gen) or `service_config.timeout_seconds` (2nd gen) up to 540 s, 3600 s for HTTP 2nd gen functions and Cloud Run (`timeout_seconds`, `timeout`). Move longer work to Step Functions or a container task.",
		"serverless": "Set `timeout` on the function (or `provider.timeout`) between 1 and 900 seconds; move longer work to Step Functions or a container task.",
	},
}

deny contains object.union(
	{
		"resource": f.id,
		"path": "timeout",
		"message": sprintf("Function %s has Timeout %v, outside %s allowed 1–%v seconds", [f.name, f.timeout, l.label, l.max]),
	},
	clamp(f, l),
) if {
	some f in input.functions
	is_number(f.timeout)
	l := limit(f)
	not in_range(f.timeout, l.max)
}

in_range(t, max) if {
	t >= 1
	t <= max
}

# Google Cloud: 1st gen functions and event-driven 2nd gen ones stop at 9
# minutes, HTTP 2nd gen functions and Cloud Run services at 60.
limit(f) := {"label": "Lambda's", "max": 900} if {
	f.cloud == "aws"
} else := {"label": "Cloud Functions (1st gen)'s", "max": 540} if {
	f.type == "google_cloudfunctions_function"
} else := {"label": "event-driven Cloud Functions'", "max": 540} if {
	f.type == "google_cloudfunctions2_function"
	count(object.get(f, "events", [])) > 0
} else := {"label": "2nd gen HTTP Cloud Functions'", "max": 3600} if {
	f.type == "google_cloudfunctions2_function"
} else := {"label": "Cloud Run's", "max": 3600} if {
	f.type in {"google_cloud_run_service", "google_cloud_run_v2_service"}
}

# The single-value fix of a timeout over the limit: the limit (a deployment
# that fails on it would otherwise not run at all). A timeout under 1 second
# has no value to suggest.
clamp(f, l) := lib.replace(f.timeout, l.max) if f.timeout > l.max

else := {}

# An unknown timeout cannot be judged: listed, not reported.
undecided contains lib.undecided(f, "timeout", f.timeout) if {
	some f in input.functions
	lib.is_unknown(f.timeout)
	limit(f)
}

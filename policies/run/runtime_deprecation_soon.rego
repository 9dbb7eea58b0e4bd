# Function on a runtime deprecated within 180 days
#
# ## What it does
# Flags functions whose `Runtime` reaches its end of support date (the AWS
# Lambda "deprecation" date) within the next 180 days of the scan date. Once
# the date has passed, FG-RUN-001 reports the function instead.
#
# ## Why is this bad?
# Moving to a new language version takes testing, dependency upgrades and a
# release; six months is the usual notice AWS gives, and it goes fast. After
# the date the runtime gets no security patches, and later Lambda blocks
# creating and updating functions on it.
#
# ## Example
# ```yaml
# Handler:
#   Type: AWS::Serverless::Function
#   Properties:
#     Runtime: nodejs22.x   # deprecated 2027-04-30
# ```
#
# ## Use instead
# ```yaml
#     Runtime: nodejs24.x
# ```
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-supported
# - https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html
package faasguard.rules.run.runtime_deprecation_soon

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-RUN-002",
	"title": "Function runtime is deprecated within 180 days",
	"severity": "low",
	"area": "RUN",
	"remediation": "Plan the upgrade to a newer runtime of the same language (the message names the newest one) before the deprecation date.",
	"fixes": {
		"terraform": "Plan the upgrade to a newer runtime of the same language (the message names the newest one) before the deprecation date: `runtime` of the `aws_lambda_function`; Google `runtime` (`build_config.runtime` for 2nd gen); Azure the `site_config.application_stack` version (`python_version`, `node_version`, ...).",
		"serverless": "Plan the upgrade of `provider.runtime` (or `runtime` on the function) to a newer runtime of the same language (the message names the newest one) before the deprecation date.",
	},
}

horizon_days := 180

# `config.today` plus the horizon, as `YYYY-MM-DD`.
horizon := substring(time.format([time.add_date(time.parse_ns("2006-01-02", today), 0, 0, horizon_days), "UTC", "2006-01-02"]), 0, 10)

# The rule data, read once per evaluation: regorus looks a `data.faasguard...`
# reference that no rule defines up again on every use (a scan of every loaded
# module), where a rule of the package is computed once.
runtimes := data.faasguard.runtimes

today := data.faasguard.config.today

deny contains object.union(
	{
		"resource": f.id,
		"path": "runtime",
		"message": sprintf("Function %s uses %s (%s), deprecated on %s, within %d days%s", [
			f.name, f.runtime, info.name, info.deprecation, horizon_days, successor(info),
		]),
	},
	upgrade(f, info),
) if {
	some f in input.functions
	is_string(f.runtime)
	info := runtimes[f.cloud][f.runtime]
	is_string(info.deprecation)
	info.deprecation > today
	info.deprecation <= horizon
}

successor(info) := sprintf("; upgrade to %s", [info.successor]) if {
	is_string(info.successor)
} else := ""

# The single-value fix, as FG-RUN-001's: the newest runtime of the language.
upgrade(f, info) := lib.replace(f.runtime, info.successor) if {
	f.cloud == "aws"
	is_string(info.successor)
	not startswith(info.successor, "provided")
} else := {}

# An unknown runtime cannot be judged: listed, not reported.
undecided contains lib.undecided(f, "runtime", f.runtime) if {
	some f in input.functions
	lib.is_unknown(f.runtime)
}

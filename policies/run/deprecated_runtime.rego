# Function on a deprecated runtime
#
# ## What it does
# Flags functions whose `Runtime` has reached its end of support date in the
# cloud provider's runtime table (for AWS Lambda, the "deprecation" date of
# the Lambda runtimes page), as of the scan date. The message gives the date,
# whether creating or updating such functions is already blocked, and the
# runtime to move to.
#
# ## Why is this bad?
# A deprecated runtime gets no more security patches for the language or the
# operating system, and AWS support no longer helps with it. Some time after
# deprecation Lambda blocks creating, then updating, functions on it: a
# deployment that only changes an environment variable starts failing, often
# on the day a fix must go out.
#
# ## Example
# ```yaml
# Handler:
#   Type: AWS::Serverless::Function
#   Properties:
#     Runtime: python3.8
# ```
#
# ## Use instead
# ```yaml
#     Runtime: python3.14
# ```
# after testing the code (and its native dependencies) on the new version.
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated
# - https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html
package faasguard.rules.run.deprecated_runtime

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-RUN-001",
	"title": "Function runtime is deprecated",
	"severity": "high",
	"area": "RUN",
	"remediation": "Upgrade the function to a supported runtime of the same language (the message names the newest one) and test it there.",
	"fixes": {
		"terraform": "Upgrade to a supported runtime of the same language (the message names the newest one) and test it there: `runtime` of the `aws_lambda_function`; Google `runtime` (`build_config.runtime` for 2nd gen); Azure the `site_config.application_stack` version (`python_version`, `node_version`, `dotnet_version`, ...).",
		"serverless": "Set `provider.runtime` (or `runtime` on the function) to a supported runtime of the same language (the message names the newest one) and test it there.",
	},
}

# The rule data, read once per evaluation: regorus looks a `data.faasguard...`
# reference that no rule defines up again on every use (a scan of every loaded
# module), where a rule of the package is computed once.
runtimes := data.faasguard.runtimes

today := data.faasguard.config.today

deny contains object.union(
	{
		"resource": f.id,
		"path": "runtime",
		"message": sprintf("Function %s uses %s (%s), deprecated since %s%s%s", [
			f.name, f.runtime, info.name, info.deprecation, blocked(info), successor(info),
		]),
	},
	upgrade(f, info),
) if {
	some f in input.functions
	is_string(f.runtime)
	info := runtimes[f.cloud][f.runtime]
	is_string(info.deprecation)
	info.deprecation <= today
}

# The strongest block already in force (dates compare as ISO strings).
blocked(info) := sprintf("; updating functions on it is blocked since %s", [info.block_update]) if {
	info.block_update <= today
} else := sprintf("; creating functions on it is blocked since %s", [info.block_create]) if {
	info.block_create <= today
} else := ""

successor(info) := sprintf("; upgrade to %s", [info.successor]) if {
	is_string(info.successor)
} else := ""

# The single-value fix: the newest runtime of the same language. Not for the
# OS-only runtime a Go function moves to (that needs a rebuilt bootstrap, not
# a new value), nor outside AWS (other clouds spell versions differently).
upgrade(f, info) := lib.replace(f.runtime, info.successor) if {
	f.cloud == "aws"
	is_string(info.successor)
	not startswith(info.successor, "provided")
} else := {}

# A runtime that is unknown (a variable without a value, a parameter without
# a default) cannot be judged: listed, not reported.
undecided contains lib.undecided(f, "runtime", f.runtime) if {
	some f in input.functions
	lib.is_unknown(f.runtime)
}

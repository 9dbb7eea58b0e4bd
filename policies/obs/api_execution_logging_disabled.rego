# REST API stage without execution logging
#
# ## What it does
# Flags REST API stages (SAM `AWS::Serverless::Api`, CloudFormation
# `AWS::ApiGateway::Stage` or a deployment's `StageDescription`, Terraform
# `aws_api_gateway_stage` with `aws_api_gateway_method_settings`, the Serverless
# Framework's `provider.logs.restApi`) that do not write execution logs for
# every method: no method setting for `/*` `*` on the deployed stage (the
# finding points at the API, or its stage), or one whose logging level is
# `OFF` or not set (the service's default is `OFF`; the finding points at the
# level, or at the setting). Settings of single methods do not count: the
# other methods stay unlogged. A level, an API or a stage only known at deploy
# time is left undecided.
#
# ## Why is this bad?
# Access logs (FG-OBS-004) say who called; execution logs say what API Gateway
# did with the call: authorizer results, mapping errors, integration timeouts
# and the backend's status. Without them a failed or abused request cannot be
# explained afterwards.
#
# ## Example
# ```yaml
# OrdersApi:
#   Type: AWS::Serverless::Api
#   Properties:
#     StageName: prod
#     MethodSettings:
#       - ResourcePath: "/*"
#         HttpMethod: "*"
#         LoggingLevel: "OFF"
# ```
#
# ## Use instead
# ```yaml
# OrdersApi:
#   Type: AWS::Serverless::Api
#   Properties:
#     StageName: prod
#     MethodSettings:
#       - ResourcePath: "/*"
#         HttpMethod: "*"
#         LoggingLevel: ERROR
# ```
# The account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`) must be
# set for the logs to be written.
#
# ## References
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-stage-methodsetting.html
package faasguard.rules.obs.api_execution_logging_disabled

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-OBS-008",
	"title": "REST API stage without execution logging",
	"severity": "low",
	"area": "OBS",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Add a MethodSettings entry with ResourcePath \"/*\", HttpMethod \"*\" and LoggingLevel ERROR or INFO to the stage (SAM Api, AWS::ApiGateway::Stage, or a deployment's StageDescription), and set the account's API Gateway CloudWatch role.",
	"fixes": {
		"terraform": "Add an `aws_api_gateway_method_settings` with `method_path = \"*/*\"` and `settings { logging_level = \"ERROR\" }` for the stage, and set the account's CloudWatch role (`aws_api_gateway_account`).",
		"serverless": "Set `provider.logs.restApi: true` (execution logging at INFO), or `provider.logs.restApi.level: ERROR`; do not set `executionLogging: false`.",
	},
}

deny contains {
	"resource": api.id,
	"path": "stage",
	"message": sprintf("REST API %s%s has no method settings for every method (/* *): execution logging is off", [api.name, stage_note(api)]),
} if {
	some api in input.apis
	api.kind == "rest"
	deployed(api)
	count(all_methods(api)) == 0
	not undecided_api[api.id]
}

# No single-value fix: logging needs the account's CloudWatch role, or the
# deployment fails.
deny contains {
	"resource": m.id,
	"path": "logging_level",
	"message": sprintf("Method setting %s for every method has logging level OFF: the stage writes no execution logs", [m.id]),
} if {
	some m in every_method
	m.logging_level == "OFF"
}

deny contains {
	"resource": m.id,
	"path": "logging_level",
	"message": sprintf("Method setting %s for every method sets no logging level, which defaults to OFF: the stage writes no execution logs", [m.id]),
} if {
	some m in every_method
	no_level(m)
}

undecided contains lib.undecided(m, "logging_level", m.logging_level) if {
	some m in every_method
	lib.is_unknown(m.logging_level)
}

undecided contains lib.undecided(m, field, m[field]) if {
	some m in input.method_settings
	some field in ["api", "stage", "resource_path", "http_method"]
	lib.is_unknown(m[field])
}

# The settings for every method (`/*` `*`).
every_method contains m if {
	some m in input.method_settings
	m.resource_path == "/*"
	m.http_method == "*"
}

# Those of the API's deployed stage.
all_methods(api) := {m.id |
	some m in every_method
	m.api == api_of(api)
	same_stage(m, api)
}

# Method settings name the API; a further stage of it is an item of its own.
api_of(api) := api.stage_of if is_string(api.stage_of)

else := api.id

same_stage(m, api) if m.stage == api.stage

# SAM's implicit API names no stage, nor do the Globals settings it gets.
same_stage(m, api) if {
	not "stage" in object.keys(m)
	not "stage" in object.keys(api)
}

# An API a method setting may belong to without the template saying so (its
# API, or its stage, path or method on this API, only known at deploy time):
# no finding on it.
undecided_api[api.id] if {
	some api in input.apis
	some m in input.method_settings
	lib.is_unknown(m.api)
}

undecided_api[api.id] if {
	some api in input.apis
	some m in input.method_settings
	m.api == api_of(api)
	some field in ["stage", "resource_path", "http_method"]
	lib.is_unknown(m[field])
}

no_level(m) if not "logging_level" in object.keys(m)

deployed(api) if startswith(api.type, "AWS::Serverless::")

deployed(api) if "stage" in object.keys(api)

stage_note(api) := sprintf(" (stage %s)", [api.stage]) if is_string(api.stage)

else := ""

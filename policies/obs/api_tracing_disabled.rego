# REST API stage without X-Ray tracing
#
# ## What it does
# Flags API Gateway REST APIs that the template deploys to a stage without
# X-Ray tracing.
#
# That is: SAM `AWS::Serverless::Api` (explicit, or the implicit API,
# configured through `Globals.Api`) without `TracingEnabled: true`, and
# CloudFormation REST APIs whose `AWS::ApiGateway::Stage` (or
# `AWS::ApiGateway::Deployment` `StageDescription`) does not enable it. The
# finding points at `TracingEnabled: false`, else at the stage name
# (CloudFormation) or the API (SAM).
#
# HTTP and WebSocket APIs do not support X-Ray and are not flagged, nor are
# REST APIs the template does not deploy. An implicit SAM API is reported at
# the first event that creates it. The model keeps one stage per API: with
# several stage resources, the last one in the template decides.
#
# ## Why is this bad?
# The API is where most requests enter a serverless application. Without
# tracing at the stage, traces start at the function, and the time spent in
# API Gateway (authorizers, integration latency, throttling) is invisible.
#
# ## Example
# ```yaml
# Api:
#   Type: AWS::Serverless::Api
#   Properties:
#     StageName: prod
# ```
#
# ## Use instead
# ```yaml
# Api:
#   Type: AWS::Serverless::Api
#   Properties:
#     StageName: prod
#     TracingEnabled: true
# ```
#
# ## References
# - https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-xray.html
package faasguard.rules.obs.api_tracing_disabled

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-OBS-006",
	"title": "REST API stage without X-Ray tracing",
	"severity": "low",
	"area": "OBS",
	"remediation": "Set TracingEnabled: true on the REST API stage (SAM Api, Globals.Api, or AWS::ApiGateway::Stage).",
	"fixes": {
		"terraform": "Set `xray_tracing_enabled = true` on the `aws_api_gateway_stage`.",
		"serverless": "Set `provider.tracing.apiGateway: true` (or `TracingEnabled: true` on an `AWS::ApiGateway::Stage` under `resources.Resources`).",
	},
}

deny contains {
	"resource": api.id,
	"path": where(api),
	"message": sprintf("REST API %s%s does not enable X-Ray tracing: requests are not traced through API Gateway", [api.name, stage_note(api)]),
} if {
	some api in input.apis
	api.kind == "rest"
	deployed(api)
	not_enabled(api)
}

deployed(api) if startswith(api.type, "AWS::Serverless::")

deployed(api) if "stage" in object.keys(api)

not_enabled(api) if not "tracing" in object.keys(api)

not_enabled(api) if api.tracing == false

where(api) := "tracing" if {
	"tracing" in object.keys(api)
} else := "stage" if {
	not startswith(api.type, "AWS::Serverless::")
	"stage" in object.keys(api)
} else := "tracing"

stage_note(api) := sprintf(" (stage %s)", [api.stage]) if is_string(api.stage)

else := ""

# Tracing set from a value unknown until deployment: listed, not reported.
undecided contains lib.undecided(api, "tracing", api.tracing) if {
	some api in input.apis
	api.kind == "rest"
	deployed(api)
	lib.is_unknown(api.tracing)
}

# API stage without access logging
#
# ## What it does
# Flags API Gateway APIs (REST, HTTP and WebSocket) that the template deploys
# to a stage without access logging.
#
# That is: SAM `AWS::Serverless::Api` and
# `AWS::Serverless::HttpApi` (explicit or implicit) without `AccessLogSetting`
# / `AccessLogSettings`, and CloudFormation APIs whose `AWS::ApiGateway::Stage`,
# `AWS::ApiGateway::Deployment` (`StageDescription`) or
# `AWS::ApiGatewayV2::Stage` has none. For SAM the finding points at the API;
# for CloudFormation at the stage name.
#
# APIs that the template defines but never deploys (no stage in the
# template) are not flagged. An implicit SAM API is reported at the first event
# that creates it. The model keeps one stage per API: with several stage
# resources, the last one in the template decides.
#
# ## Why is this bad?
# Access logs are the record of who called the API: source IP, caller
# identity, route, status, latency. Without them an abuse or a breach cannot
# be investigated, and many compliance frameworks (PCI DSS 10, SOC 2) require
# such a record. Execution logs and metrics do not replace them.
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
#     AccessLogSetting:
#       DestinationArn: !GetAtt ApiAccessLogs.Arn
#       Format: '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","status":"$context.status"}'
# ```
# For an implicit API, set `AccessLogSetting` under `Globals.Api`
# (`AccessLogSettings` under `Globals.HttpApi`).
#
# ## References
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
package faasguard.rules.obs.api_access_logging_disabled

import rego.v1

metadata := {
	"id": "FG-OBS-004",
	"title": "API stage without access logging",
	"severity": "low",
	"area": "OBS",
	"remediation": "Set AccessLogSetting (REST) or AccessLogSettings (HTTP, WebSocket) on the stage, with a CloudWatch Logs or Firehose destination and a format that records the caller.",
	"fixes": {
		"terraform": "Add an `access_log_settings` block to the `aws_api_gateway_stage` or `aws_apigatewayv2_stage`, with `destination_arn` (a CloudWatch log group or Firehose stream) and a `format` that records the caller.",
		"serverless": "Set `provider.logs.restApi: true` (for `http` events), `provider.logs.httpApi: true` (for `httpApi` events) or `provider.logs.websocket: true`.",
	},
}

deny contains {
	"resource": api.id,
	"path": where(api),
	"message": sprintf("%sAPI %s%s has no access logging: calls to it leave no record of who made them", [kind_label(api), api.name, stage_note(api)]),
} if {
	some api in input.apis
	deployed(api)
	not "access_logging" in object.keys(api)
}

kind_label(api) := label if {
	label := {"rest": "REST ", "http": "HTTP ", "websocket": "WebSocket "}[api.kind]
} else := ""

# SAM always deploys its APIs; CloudFormation ones need a stage.
deployed(api) if startswith(api.type, "AWS::Serverless::")

deployed(api) if "stage" in object.keys(api)

# The stage resource, in CloudFormation, is where the setting goes.
where(api) := "stage" if {
	not startswith(api.type, "AWS::Serverless::")
	"stage" in object.keys(api)
} else := "access_logging"

stage_note(api) := sprintf(" (stage %s)", [api.stage]) if is_string(api.stage)

else := ""

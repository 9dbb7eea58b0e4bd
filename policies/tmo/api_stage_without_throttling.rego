# API stage without throttling
#
# ## What it does
# Flags API stages the template deploys that set no request limit of their
# own. A stage counts as throttled when:
# - REST API (`AWS::ApiGateway::Stage`, a deployment's `StageDescription`,
#   `AWS::Serverless::Api`, `aws_api_gateway_stage`, the Serverless
#   Framework's API): its method settings for every method (`/*` `*`) set
#   `ThrottlingRateLimit` or `ThrottlingBurstLimit` (Terraform
#   `aws_api_gateway_method_settings` with `method_path = "*/*"`), or a usage
#   plan that lists the API's stage sets a rate or burst limit, for the plan
#   or for that stage (`AWS::ApiGateway::UsagePlan`, SAM `Auth.UsagePlan`,
#   `aws_api_gateway_usage_plan`, `provider.apiGateway.usagePlan.throttle`).
#   Limits on single methods do not count: the other methods stay unlimited.
# - HTTP API (`AWS::ApiGatewayV2::Stage`, `AWS::Serverless::HttpApi`,
#   `aws_apigatewayv2_stage`): its `DefaultRouteSettings` /
#   `default_route_settings` set `ThrottlingRateLimit` or
#   `ThrottlingBurstLimit`. Route settings of single routes do not count.
# The finding points at the API's stage name (or the API when no stage name
# is written). WebSocket APIs and the Serverless Framework's HTTP API (which
# has no throttling setting) are not judged; neither is an API that a usage
# plan or method setting only known at deploy time may throttle.
#
# ## Why is this bad?
# Without a stage limit every API in the account and region shares one quota
# (10,000 requests per second by default): one client in a loop, or a
# scraper, can take it all, starving the other APIs with 429 errors, and
# each request it sends starts a function that is billed and may exhaust the
# account's Lambda concurrency. A usage plan only limits requests that carry
# one of its API keys, so it protects against misbehaving known clients; a
# stage-wide limit protects against everyone.
#
# ## Example
# ```yaml
# OrdersApi:
#   Type: AWS::Serverless::Api
#   Properties:
#     StageName: prod
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
#         ThrottlingRateLimit: 100
#         ThrottlingBurstLimit: 200
# ```
#
# ## References
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
package faasguard.rules.tmo.api_stage_without_throttling

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-TMO-006",
	"title": "API stage without throttling (no usage plan, stage or route throttling)",
	"severity": "low",
	"area": "TMO",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "REST API: add a MethodSettings entry with ResourcePath \"/*\", HttpMethod \"*\", ThrottlingRateLimit and ThrottlingBurstLimit to the stage (or a usage plan with Throttle for it). HTTP API: set DefaultRouteSettings with ThrottlingRateLimit and ThrottlingBurstLimit on the stage.",
	"fixes": {
		"terraform": "REST API: add an `aws_api_gateway_method_settings` with `method_path = \"*/*\"` and `settings { throttling_rate_limit = 100, throttling_burst_limit = 200 }`; HTTP API: add `default_route_settings { throttling_rate_limit = 100, throttling_burst_limit = 200 }` to the `aws_apigatewayv2_stage`.",
		"serverless": "Set `provider.apiGateway.usagePlan.throttle` with `rateLimit` and `burstLimit` (it limits requests with the plan's API keys), or a `MethodSettings` entry with `ThrottlingRateLimit` on the stage under `resources`.",
	},
}

deny contains {
	"resource": api.id,
	"path": "stage",
	"message": sprintf("REST API %s%s has no throttling: no rate or burst limit in its method settings for every method (/* *) and no usage plan with a throttle lists it; every client shares the account's request quota", [api.name, stage_note(api)]),
} if {
	some api in input.apis
	api.kind == "rest"
	deployed(api)
	not rest_throttled(api)
	not undecided_rest
}

deny contains {
	"resource": api.id,
	"path": "stage",
	"message": sprintf("HTTP API %s%s has no throttling: its stage's default route settings set no rate or burst limit; every client shares the account's request quota", [api.name, stage_note(api)]),
} if {
	some api in input.apis
	api.kind == "http"
	http_judged(api)
	deployed(api)
	not http_throttled(api)
	not unknown_limit(api.route_throttling)
}

undecided contains lib.undecided(api, "route_throttling", api.route_throttling) if {
	some api in input.apis
	api.kind == "http"
	lib.is_unknown(api.route_throttling)
}

undecided contains lib.undecided(api, sprintf("route_throttling.%s", [f]), api.route_throttling[f]) if {
	some api in input.apis
	api.kind == "http"
	some f in ["rate_limit", "burst_limit"]
	lib.is_unknown(api.route_throttling[f])
}

undecided contains lib.undecided(p, "api_stages", p.api_stages) if {
	some p in input.usage_plans
	lib.is_unknown(p.api_stages)
}

# --- REST APIs -----------------------------------------------------------

rest_throttled(api) if {
	some m in settings_by_api[api_of(api)]
	m.resource_path == "/*"
	m.http_method == "*"
	same_stage(object.get(m, "stage", null), api)
	some field in ["throttling_rate_limit", "throttling_burst_limit"]
	is_number(m[field])
}

rest_throttled(api) if {
	some [p, s] in plan_stages_by_api[api_of(api)]
	same_stage(object.get(s, "stage", null), api)
	limited(p.throttle)
}

# Method settings and usage plans name the API; a further stage of it is an
# item of its own.
api_of(api) := api.stage_of if is_string(api.stage_of)

else := api.id

# Method settings and usage plan stages by API, indexed once so that a unit
# with many APIs costs linear time.
settings_by_api[id] contains m if {
	some m in input.method_settings
	id := m.api
	is_string(id)
}

plan_stages_by_api[id] contains [p, s] if {
	some p in input.usage_plans
	some s in plan_stages(p)
	id := s.api
	is_string(id)
}

plan_stages(p) := p.api_stages if is_array(p.api_stages)

else := []

# A plan's per-stage `throttle` (`{"/path/METHOD": {RateLimit, ...}}` in
# CloudFormation, `throttle` blocks with a `path` in Terraform) limits single
# methods only, so only the plan's own limits count.
limited(t) if {
	some field in ["rate_limit", "burst_limit"]
	is_number(t[field])
}

# A setting or plan whose API, stage or limits are only known at deploy time
# may throttle any API: no finding on a REST API then.
undecided_rest if {
	some m in input.method_settings
	some field in ["api", "stage", "resource_path", "http_method", "throttling_rate_limit", "throttling_burst_limit"]
	lib.is_unknown(m[field])
}

undecided_rest if {
	some p in input.usage_plans
	lib.is_unknown(p.api_stages)
}

undecided_rest if {
	some p in input.usage_plans
	some s in plan_stages(p)
	some field in ["api", "stage"]
	lib.is_unknown(s[field])
}

undecided_rest if {
	some p in input.usage_plans
	unknown_limit(p.throttle)
}

# Limits only known at deploy time, or a whole block of them.
unknown_limit(t) if lib.is_unknown(t)

unknown_limit(t) if {
	some f in ["rate_limit", "burst_limit"]
	lib.is_unknown(t[f])
}

same_stage(stage, api) if stage == api.stage

# SAM's implicit API names no stage, nor do the Globals settings it gets.
same_stage(stage, api) if {
	stage == null
	not "stage" in object.keys(api)
}

# --- HTTP APIs -----------------------------------------------------------

http_throttled(api) if limited(api.route_throttling)

# The Serverless Framework's HTTP API has no throttling setting.
http_judged(api) if input.format != "serverless"

http_judged(api) if api.id != "HttpApi"

# --- both ----------------------------------------------------------------

deployed(api) if startswith(api.type, "AWS::Serverless::")

deployed(api) if "stage" in object.keys(api)

stage_note(api) := sprintf(" (stage %s)", [api.stage]) if is_string(api.stage)

else := ""

# API route without authorization or API key
#
# ## What it does
# Flags API Gateway routes that anyone can call: no authorizer (authorization
# type `NONE`) and no API key required.
#
# It covers:
# - SAM `Api` and `HttpApi` events of a function with no `Auth.Authorizer` on
#   the event and no `Auth.DefaultAuthorizer` on its API, or with an explicit
#   `Auth: {Authorizer: NONE}`; the finding points at the event, or at the
#   `NONE` value;
# - CloudFormation `AWS::ApiGateway::Method` and `AWS::ApiGatewayV2::Route`
#   with `AuthorizationType: NONE` (the finding points at the value) or with no
#   `AuthorizationType` at all, which API Gateway treats as `NONE` (the
#   finding points at the resource).
#
# Not flagged: `OPTIONS` methods (CORS preflight requests carry no
# credentials), routes that require an API key, routes of a `PRIVATE` REST API
# (reachable only through a VPC endpoint), WebSocket routes other than
# `$connect` (the only one that can be authorized), and routes whose
# authorization cannot be known statically, such as APIs whose security is in
# an OpenAPI `DefinitionBody`. A REST API resource policy that limits callers
# (by source IP, VPC endpoint, account) is not considered: suppress the
# finding where that is the intended control.
#
# Severity is medium rather than high (compare FG-NET-001): many APIs are
# public on purpose, and API Gateway still applies throttling, usage plans and
# WAF to unauthenticated routes; the finding asks for a deliberate decision.
#
# ## Why is this bad?
# An unauthenticated route lets anyone on the internet invoke the backend
# function: read or change data the code does not protect itself, run up the
# bill, or exhaust the function's concurrency. Authorization added later in
# the function code is easy to forget on one handler.
#
# ## Example
# ```yaml
# GetOrders:
#   Type: AWS::Serverless::Function
#   Properties:
#     Events:
#       Get:
#         Type: Api
#         Properties:
#           Path: /orders
#           Method: get
# ```
#
# ## Use instead
# ```yaml
# Api:
#   Type: AWS::Serverless::Api
#   Properties:
#     StageName: prod
#     Auth:
#       DefaultAuthorizer: CognitoAuth
#       Authorizers:
#         CognitoAuth:
#           UserPoolArn: !GetAtt UserPool.Arn
# GetOrders:
#   Type: AWS::Serverless::Function
#   Properties:
#     Events:
#       Get:
#         Type: Api
#         Properties:
#           RestApiId: !Ref Api
#           Path: /orders
#           Method: get
# ```
# In CloudFormation, set `AuthorizationType` to `AWS_IAM`, `CUSTOM`,
# `COGNITO_USER_POOLS` (REST) or `JWT` (HTTP APIs), or `ApiKeyRequired: true`.
#
# ## References
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-controlling-access-to-apis.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-method.html
package faasguard.rules.net.api_route_without_authorization

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-NET-002",
	"title": "API route without authorization or API key",
	"severity": "medium",
	"area": "NET",
	"remediation": "Add an authorizer to the route or a default authorizer to its API (IAM, Lambda, Cognito or JWT), or require an API key; leave only deliberately public routes open and suppress the finding for them.",
	"fixes": {
		"terraform": "Set `authorization` on the `aws_api_gateway_method` to `AWS_IAM`, `CUSTOM` or `COGNITO_USER_POOLS` (with `authorizer_id`), or `api_key_required = true`; on an `aws_apigatewayv2_route` set `authorization_type` to `AWS_IAM`, `JWT` or `CUSTOM` (with `authorizer_id`). Suppress the finding for deliberately public routes.",
		"serverless": "Add an `authorizer` to the `http` event (`aws_iam`, a function name or a Cognito user pool ARN) or `private: true` to require an API key; for an `httpApi` event set `authorizer: {name: ...}` naming one of `provider.httpApi.authorizers`, or `authorizer: {type: aws_iam}`. Suppress the finding for deliberately public routes.",
	},
}

deny contains {
	"resource": r.id,
	"path": "authorization_type",
	"message": sprintf("API route %s (%s) has no authorization and requires no API key: anyone can invoke it%s", [label(r), r.name, absent_note(r)]),
} if {
	some r in input.routes
	open(r)
	not key_required(r)
	applicable(r)
	not private_api(r)
}

# Authorization explicitly NONE (for SAM: computed from the event and its API).
open(r) if r.authorization_type == "NONE"

# CloudFormation methods and routes default to NONE.
open(r) if {
	not "authorization_type" in object.keys(r)
	r.type in {"AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Route", "aws_apigatewayv2_route"}
}

absent_note(r) := sprintf(" (%s is not set and defaults to NONE)", [lib.term("AuthorizationType", "authorization_type")]) if {
	not "authorization_type" in object.keys(r)
} else := ""

# An API key is a control; an unknown ApiKeyRequired might be one.
key_required(r) if r.api_key_required == true

key_required(r) if lib.is_unknown(r.api_key_required)

http_methods := {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ANY", "X-AMAZON-APIGATEWAY-ANY-METHOD"}

# The ids of the WebSocket and HTTP APIs, and of the private APIs (or those whose endpoint type is
# unknown), built once per evaluation: a route is judged with a lookup each, not a scan of its
# API's entries per check.
websocket_apis contains a.id if {
	some a in input.apis
	a.kind == "websocket"
}

http_apis contains a.id if {
	some a in input.apis
	a.kind == "http"
}

private_apis contains a.id if {
	some a in input.apis
	a.endpoint_type == "PRIVATE"
}

private_apis contains a.id if {
	some a in input.apis
	lib.is_unknown(a.endpoint_type)
}

# A known HTTP verb other than OPTIONS, on an API that is not a WebSocket API.
applicable(r) if {
	is_string(r.method)
	upper(r.method) in http_methods
	not r.api in websocket_apis
}

# The catch-all `$default` route of an HTTP API (a WebSocket `$default` route
# cannot be authorized).
applicable(r) if {
	r.method == "$default"
	r.api in http_apis
}

# `$connect` is where a WebSocket API authorizes its clients.
applicable(r) if {
	r.method == "$connect"
	not r.api in http_apis
}

private_api(r) if r.api in private_apis

label(r) := sprintf("%s %s", [upper(r.method), r.path]) if {
	is_string(r.path)
	r.path != ""
} else := r.method

# An authorization type unknown until deployment could be NONE: listed, not
# reported (an API key or a private API decides it).
undecided contains lib.undecided(r, "authorization_type", r.authorization_type) if {
	some r in input.routes
	lib.is_unknown(r.authorization_type)
	not key_required(r)
	applicable(r)
	not private_api(r)
}

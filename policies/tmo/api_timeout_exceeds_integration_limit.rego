# Function behind API Gateway with a timeout above the integration timeout
#
# ## What it does
# Flags functions invoked by an API Gateway route whose `Timeout` is longer
# than the route's integration timeout: the route's own `TimeoutInMillis` when
# the template sets it, else API Gateway's maximum (29 seconds for REST and
# WebSocket APIs, 30 seconds for HTTP APIs). The finding points at the
# function's `Timeout` and names the routes.
#
# ## Why is this bad?
# API Gateway stops waiting when the integration timeout is reached and
# returns `504 Gateway Timeout`, while the function keeps running (and is
# billed) until its own timeout. The client sees a failure for work that may
# still succeed, retries it, and the retries run concurrently with the
# original; the longer timeout only hides slow calls instead of failing them
# fast where they can be handled.
#
# ## Example
# ```yaml
# Api:
#   Type: AWS::Serverless::Function
#   Properties:
#     Timeout: 60
#     Events:
#       Get:
#         Type: Api
#         Properties: {Path: /report, Method: get}
# ```
#
# ## Use instead
# ```yaml
#     Timeout: 28
# ```
# Keep synchronous handlers below the integration timeout; move longer work
# behind an asynchronous invocation, a queue or Step Functions and let the
# client poll or subscribe for the result. (Regional and private REST APIs can
# raise the limit through a quota increase; set the route's
# `TimeoutInMillis` to match and this rule uses it.)
#
# ## References
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
# - https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
package faasguard.rules.tmo.api_timeout_exceeds_integration_limit

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-TMO-002",
	"title": "Function timeout longer than its API Gateway integration timeout",
	"severity": "medium",
	"area": "TMO",
	"remediation": "Set the function's Timeout at or below the integration timeout (29 s REST, 30 s HTTP API), or make the long work asynchronous.",
	"fixes": {
		"terraform": "Set `timeout` on the `aws_lambda_function` at or below the integration timeout (29 s REST, 30 s HTTP API, or the integration's `timeout_milliseconds` when set), or make the long work asynchronous.",
		"serverless": "Set the function's `timeout` (or `provider.timeout`) at or below the integration timeout (29 s for `http` events, 30 s for `httpApi` events), or make the long work asynchronous.",
	},
}

# Default (maximum without a quota increase) integration timeout, in seconds.
default_limit := {"rest": 29, "websocket": 29, "http": 30}

# One finding per function, naming every route whose limit it exceeds.
deny contains {
	"resource": f.id,
	"path": "timeout",
	"message": sprintf(
		"Function %s has %s %v s, longer than the API Gateway integration timeout of %s: %s while it keeps running",
		[f.name, lib.term("Timeout", "timeout"), f.timeout, concat(", ", sort(over)), consequence(kinds)],
	),
} if {
	some f in input.functions
	is_number(f.timeout)
	over := {label |
		some r in routes_by_function[f.id]
		limit := route_limit(r)
		f.timeout > limit
		label := sprintf("%s (%v s)", [route_label(r), limit])
	}
	count(over) > 0
	kinds := {api_kind(r) |
		some r in routes_by_function[f.id]
		f.timeout > route_limit(r)
	}
}

# What the caller sees when API Gateway stops waiting: a WebSocket client gets an error message
# on its connection, not an HTTP status.
consequence(kinds) := "the WebSocket client gets an \"Endpoint request timed out\" error" if {
	kinds == {"websocket"}
} else := "clients get a 504"

# Routes by the function they invoke, built once per evaluation: a lookup per
# function instead of a pass over every route (which made large templates
# quadratic).
routes_by_function[fid] contains r if {
	some r in input.routes
	fid := r.function
}

# The route's own integration timeout when set, else its API kind's default.
route_limit(r) := r.integration_timeout_ms / 1000 if {
	is_number(r.integration_timeout_ms)
} else := default_limit[api_kind(r)] if {
	not r.integration_timeout_ms
}

# APIs by id, built once per evaluation: a keyed lookup per route instead of
# a scan of every API (a multi-value rule, since an object comprehension fails
# on a duplicate id).
apis_by_id[id] contains a if {
	some a in input.apis
	id := a.id
}

api_kind(r) := a.kind if some a in apis_by_id[r.api]

# `GET /orders` of API `OrdersApi`, or the route's id when its method or path
# are not known (a REST `AWS::ApiGateway::Method` has no path of its own).
route_label(r) := sprintf("route %s %s of %s", [upper(r.method), r.path, r.api]) if {
	is_string(r.method)
	is_string(r.path)
	r.path != ""
	is_string(r.api)
} else := sprintf("route %s", [r.id])

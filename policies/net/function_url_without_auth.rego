# Function URL without authentication
#
# ## What it does
# Flags Lambda function URLs whose `AuthType` is `NONE`: SAM's
# `FunctionUrlConfig` and CloudFormation's `AWS::Lambda::Url`. The finding
# points at the `AuthType` value.
#
# The `AWS::Lambda::Permission` that grants `lambda:InvokeFunctionUrl` to
# principal `*` with `FunctionUrlAuthType: NONE` (SAM creates it for you) is
# part of the same exposure: it is named in the message, not reported again.
#
# The same exposure elsewhere, reported in that cloud's terms: an Azure HTTP
# trigger with `authLevel` `anonymous` on a Function App without App Service
# authentication, and a Google Cloud Functions or Cloud Run invoker grant to
# `allUsers` or `allAuthenticatedUsers`.
#
# ## Why is this bad?
# A function URL is a public HTTPS endpoint that invokes the function directly,
# with none of the controls an API gateway offers (no authorizer, no API key,
# no usage plan, no WAF, no throttling other than the function's concurrency).
# With `AuthType: NONE` anyone who finds the URL can invoke the function as
# often as they like: the code is the only line of defence, and every call is
# billed to you.
#
# ## Example
# ```yaml
# MyFunction:
#   Type: AWS::Serverless::Function
#   Properties:
#     FunctionUrlConfig:
#       AuthType: NONE
# ```
#
# ## Use instead
# ```yaml
#     FunctionUrlConfig:
#       AuthType: AWS_IAM
# ```
# Callers then sign requests with SigV4 (CloudFront can do it for you with an
# origin access control). For a public endpoint, put API Gateway (with
# throttling and, where needed, an authorizer or WAF) in front of the function.
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-url.html
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-functionurlconfig.html
package faasguard.rules.net.function_url_without_auth

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-001",
	"title": "Function URL without authentication",
	"severity": "high",
	"area": "NET",
	"remediation": "Set AuthType to AWS_IAM and sign requests (or front the function with CloudFront or API Gateway); remove the public lambda:InvokeFunctionUrl permission.",
	"fixes": {
		"terraform": "Set `authorization_type = \"AWS_IAM\"` on the `aws_lambda_function_url` and remove the `aws_lambda_permission` granting `lambda:InvokeFunctionUrl` to `*`. Azure: use `authLevel` `function` in the `httpTrigger` binding, or `auth_settings_v2` with `require_authentication = true` on the app; Google: grant the invoker role to named members instead of `allUsers`/`allAuthenticatedUsers`, or make ingress internal (`ingress_settings = \"ALLOW_INTERNAL_ONLY\"`, Cloud Run `INGRESS_TRAFFIC_INTERNAL_ONLY`).",
		"serverless": "Set `url: {authorizer: aws_iam}` on the function and sign requests with SigV4 (or front the function with CloudFront or API Gateway).",
	},
}

deny contains {
	"resource": u.id,
	"path": "auth_type",
	"message": message(u),
} if {
	some u in input.function_urls
	u.auth_type == "NONE"
}

# In each cloud's own terms: a Google invoker grant and an anonymous Azure
# HTTP trigger are not "function URLs with AuthType NONE".
message(u) := sprintf("%s grants the invoker role on %s to %s: %s", [u.name, invoked(u), u.member, who(u.member)]) if {
	u.cloud == "gcp"
	is_string(u.member)
} else := sprintf("HTTP trigger %s of %s has authLevel anonymous and the app has no App Service authentication: anyone on the internet can call it without a function key", [u.name, invoked(u)]) if {
	u.cloud == "azure"
} else := sprintf("Function URL %s has %s NONE: anyone on the internet can invoke %s without credentials%s", [u.name, lib.term("AuthType", "authorization_type"), target(u), permission_note(u)])

invoked(u) := u.function if is_string(u.function)

else := "its function"

who("allAuthenticatedUsers") := "anyone with a Google account, in any organization, can invoke it"

who(m) := "anyone on the internet can invoke it without credentials" if m != "allAuthenticatedUsers"

target(u) := sprintf("function %s", [u.function]) if is_string(u.function)

else := "its function"

# The public invoke permission that goes with the URL, when the template has it.
permission_note(u) := sprintf(" (permission %s grants lambda:InvokeFunctionUrl to everyone)", [ids[0]]) if {
	ids := sort([p.id | some p in public_url_permissions(u)])
	count(ids) > 0
}

else := ""

public_url_permissions(u) := {p |
	is_string(u.function)
	some p in url_permissions[u.function]
}

# Public function URL permissions by the function they attach to, built once
# per evaluation instead of a scan of every policy per URL.
url_permissions[fn] contains p if {
	some p in input.policies
	p.origin == "lambda_permission"
	some fn in p.attached_to
	some s in p.statements
	"*" in object.get(s, ["principal", "AWS"], [])
	"NONE" in object.get(s, ["condition", "StringEquals", "lambda:FunctionUrlAuthType"], [])
}

# An unknown AuthType cannot be judged: the URL may be public.
undecided contains lib.undecided(u, "auth_type", u.auth_type) if {
	some u in input.function_urls
	lib.is_unknown(u.auth_type)
}

# Public REST API, AppSync API or CloudFront distribution without a WAF web ACL
#
# ## What it does
# Flags internet-facing entry points that no AWS WAF web ACL protects:
# - CloudFront distributions without `WebACLId` (`web_acl_id`);
# - REST APIs (API Gateway v1) that deploy a stage and are not `PRIVATE`, when no
#   `AWS::WAFv2::WebACLAssociation` (`aws_wafv2_web_acl_association`, or the WAF Classic regional
#   one) in the same template or module names the API or one of its stages;
# - AppSync GraphQL APIs that are not `PRIVATE` (`Visibility`, `visibility`: `GLOBAL`, the
#   default, answers the internet), when no association in the unit names the API.
#
# An association whose resource the scanner cannot resolve (an ARN built at deploy time) might be
# the API's, so no REST API (no AppSync API, for an AppSync ARN) of that unit is reported. REST APIs of a Serverless Framework service
# are not judged: the Framework attaches web ACLs through plugins (`serverless-associate-waf`)
# that the scanner does not read; distributions under its `resources:` are. The finding points at the distribution or
# the API. HTTP APIs and WebSocket APIs cannot take a web ACL and are not reported.
#
# ## Why is this bad?
# A web ACL is where an account blocks known-bad inputs (SQL injection, cross-site scripting,
# the AWS managed rule groups), rate-limits abusive clients and geo-blocks, in front of every
# function behind the entry point. Without one, each function must defend itself against the
# whole internet, and an attack is billed per request.
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
# ApiWaf:
#   Type: AWS::WAFv2::WebACLAssociation
#   Properties:
#     ResourceArn: !Sub arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/prod
#     WebACLArn: !GetAtt WebAcl.Arn
# ```
# and `WebACLId: !GetAtt WebAcl.Arn` on a distribution (a web ACL in `us-east-1` with scope
# `CLOUDFRONT`); for an AppSync API, `ResourceArn: !GetAtt GraphApi.Arn`.
#
# ## References
# - https://docs.aws.amazon.com/waf/latest/developerguide/waf-chapter.html
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
# - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-web-awswaf.html
# - https://docs.aws.amazon.com/appsync/latest/devguide/WAF-Integration.html
package faasguard.rules.net.public_endpoint_without_waf

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-006",
	"title": "Public REST API, AppSync API or CloudFront distribution without a WAF web ACL",
	"severity": "medium",
	"area": "NET",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Associate an AWS WAF web ACL: `WebACLId` on the CloudFront distribution, an `AWS::WAFv2::WebACLAssociation` for each public REST API stage and each public AppSync API.",
	"fixes": {
		"terraform": "Set `web_acl_id` on the `aws_cloudfront_distribution`, and add an `aws_wafv2_web_acl_association` with `resource_arn = aws_api_gateway_stage.<name>.arn` for each public REST API stage (`aws_appsync_graphql_api.<name>.arn` for each public AppSync API).",
	},
}

deny contains {
	"resource": d.id,
	"path": "web_acl",
	"message": sprintf("CloudFront distribution %s has no WAF web ACL (WebACLId): every request from the internet reaches its origins unfiltered", [d.name]),
} if {
	some d in input.distributions
	not "web_acl" in object.keys(d)
}

deny contains {
	"resource": api.id,
	"path": "endpoint_type",
	"message": sprintf("REST API %s (%s, %s endpoint) has no WAF web ACL associated: every request from the internet reaches its integrations unfiltered", [api.name, stage(api), endpoint(api)]),
} if {
	# The Serverless Framework attaches web ACLs through plugins (`serverless-associate-waf`)
	# the model does not read: its REST APIs are not judged.
	input.format != "serverless"
	some api in input.apis
	api.kind == "rest"
	"stage" in object.keys(api)
	not private(api)
	not unresolved_association
	not associated[api.id]
}

# An AppSync API answers the internet unless it is private.
deny contains {
	"resource": api.id,
	"path": "visibility",
	"message": sprintf("AppSync GraphQL API %s is public (visibility %s) and has no WAF web ACL associated: every query from the internet reaches its resolvers unfiltered", [api.name, visibility(api)]),
} if {
	some api in input.graphql_apis
	not private_graphql(api)
	not unresolved_graphql_association
	not associated[api.id]
}

private_graphql(api) if api.visibility == "PRIVATE"

private_graphql(api) if lib.is_unknown(api.visibility)

visibility(api) := api.visibility if is_string(api.visibility)

else := "GLOBAL, the default"

unresolved_graphql_association if {
	some w in input.web_acl_associations
	not is_string(w.resource)
}

unresolved_graphql_association if {
	some w in input.web_acl_associations
	is_string(w.resource)
	contains(w.resource, ":appsync:")
}

private(api) if api.endpoint_type == "PRIVATE"

private(api) if lib.is_unknown(api.endpoint_type)

# An association naming something the scanner cannot resolve: it may be any API's.
unresolved_association if {
	some w in input.web_acl_associations
	not is_string(w.resource)
}

unresolved_association if {
	some w in input.web_acl_associations
	is_string(w.resource)
	contains(w.resource, "/restapis/")
}

# The API, or a stage of it, by id.
associated contains w.resource if {
	some w in input.web_acl_associations
	is_string(w.resource)
}

# An association that resolves to the API itself (a stage ARN whose stage
# part is a name or parameter, not a stage resource of the template): which
# stage it protects is not known, so none of them is reported.
associated contains id if {
	some w in input.web_acl_associations
	is_string(w.resource)
	some id in stages_of[w.resource]
}

# Stage items by the API they belong to, indexed once.
stages_of[api] contains s.id if {
	some s in input.apis
	api := s.stage_of
	is_string(api)
}

stage(api) := sprintf("stage %s", [api.stage]) if is_string(api.stage)

# A stage name from a parameter, or none written: the stage is still deployed.
else := "its deployed stage"

endpoint(api) := api.endpoint_type if is_string(api.endpoint_type)

else := "EDGE"

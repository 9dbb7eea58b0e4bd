# SNS subscription delivers over plain HTTP
#
# ## What it does
# Flags SNS subscriptions (`AWS::SNS::Subscription`, an `AWS::SNS::Topic`'s
# inline `Subscription` list, `aws_sns_topic_subscription`) whose `Protocol`
# is `http`. A protocol the scanner cannot resolve is not flagged.
#
# ## Why is this bad?
# SNS posts every message of the topic to the endpoint as a plain HTTP
# request: anyone on the path between AWS and the endpoint can read the
# message and forge the confirmation of the subscription, and the endpoint
# cannot tell SNS from an impostor without TLS. Topics carry events about
# orders, users and payments; SNS encrypts them at rest, and `http` throws
# that away on the wire.
#
# ## Example
# ```yaml
# OrdersWebhook:
#   Type: AWS::SNS::Subscription
#   Properties:
#     TopicArn: !Ref OrdersTopic
#     Protocol: http
#     Endpoint: http://hooks.example.com/orders
# ```
#
# ## Use instead
# ```yaml
#     Protocol: https
#     Endpoint: https://hooks.example.com/orders
# ```
#
# ## References
# - https://docs.aws.amazon.com/sns/latest/dg/sns-http-https-endpoint-as-subscriber.html
# - https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html
package faasguard.rules.enc.subscription_over_http

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-ENC-015",
	"title": "SNS subscription delivers over plain HTTP",
	"severity": "medium",
	"area": "ENC",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Subscribe an https endpoint (Protocol: https) instead of http.",
	"fixes": {
		"terraform": "Set `protocol = \"https\"` and an `https://` `endpoint` on the `aws_sns_topic_subscription`.",
		"serverless": "On the `AWS::SNS::Subscription` under `resources.Resources` (or the topic's `Subscription` list), set `Protocol: https` and an `https://` `Endpoint`.",
	},
}

deny contains {
	"resource": s.id,
	"path": "protocol",
	"message": sprintf(
		"SNS subscription %s delivers the topic's messages over plain HTTP%s: anyone on the path can read them; subscribe an https endpoint",
		[s.name, endpoint(s)],
	),
} if {
	some s in input.subscriptions
	is_string(s.protocol)
	lower(s.protocol) == "http"
}

endpoint(s) := sprintf(" to %s", [s.endpoint]) if is_string(s.endpoint)

else := ""

# A protocol unknown until deployment could be `http`: listed, not reported.
undecided contains lib.undecided(s, "protocol", s.protocol) if {
	some s in input.subscriptions
	lib.is_unknown(s.protocol)
}

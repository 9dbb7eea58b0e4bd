# CloudFront distribution lets viewers use plain HTTP
#
# ## What it does
# Flags CloudFront cache behaviors (the default one and each path-specific one) whose
# `ViewerProtocolPolicy` (`viewer_protocol_policy`) is `allow-all`: viewers may fetch the content
# over plain HTTP. `redirect-to-https` and `https-only` pass. The finding points at the policy.
# A policy the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# Over HTTP, anyone on the network path (public Wi-Fi, a compromised router) reads the pages,
# API responses and cookies exchanged with the distribution, and can change them in flight:
# inject script into a single-page app, or replace a download. CloudFront offers HTTPS on every
# distribution at no cost.
#
# ## Example
# ```yaml
# DefaultCacheBehavior:
#   TargetOriginId: site
#   ViewerProtocolPolicy: allow-all
# ```
#
# ## Use instead
# ```yaml
#   ViewerProtocolPolicy: redirect-to-https
# ```
#
# ## References
# - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-distribution-defaultcachebehavior.html
package faasguard.rules.enc.cloudfront_viewer_allows_http

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-ENC-014",
	"title": "CloudFront distribution lets viewers use plain HTTP",
	"severity": "high",
	"area": "ENC",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Set `ViewerProtocolPolicy: redirect-to-https` (or `https-only`) on the distribution's `DefaultCacheBehavior` and every `CacheBehaviors` entry.",
	"fixes": {
		"terraform": "Set `viewer_protocol_policy = \"redirect-to-https\"` (or `\"https-only\"`) in the `default_cache_behavior` and every `ordered_cache_behavior` of the `aws_cloudfront_distribution`.",
	},
}

deny contains {
	"resource": d.id,
	"path": "default_cache_behavior.viewer_protocol_policy",
	"message": sprintf("CloudFront distribution %s serves its default cache behavior over plain HTTP (viewer protocol policy allow-all)", [d.name]),
} if {
	some d in input.distributions
	d.default_cache_behavior.viewer_protocol_policy == "allow-all"
}

deny contains {
	"resource": d.id,
	"path": sprintf("cache_behaviors.%d.viewer_protocol_policy", [i]),
	"message": sprintf("CloudFront distribution %s serves %s over plain HTTP (viewer protocol policy allow-all)", [d.name, pattern(b)]),
} if {
	some d in input.distributions
	is_array(d.cache_behaviors)
	some i, b in d.cache_behaviors
	b.viewer_protocol_policy == "allow-all"
}

pattern(b) := sprintf("the paths %s", [b.path_pattern]) if is_string(b.path_pattern)

else := "a cache behavior"

# A viewer protocol policy unknown until deployment could be allow-all:
# listed, not reported.
undecided contains lib.undecided(d, "default_cache_behavior.viewer_protocol_policy", d.default_cache_behavior.viewer_protocol_policy) if {
	some d in input.distributions
	lib.is_unknown(d.default_cache_behavior.viewer_protocol_policy)
}

undecided contains lib.undecided(d, sprintf("cache_behaviors.%d.viewer_protocol_policy", [i]), b.viewer_protocol_policy) if {
	some d in input.distributions
	is_array(d.cache_behaviors)
	some i, b in d.cache_behaviors
	lib.is_unknown(b.viewer_protocol_policy)
}

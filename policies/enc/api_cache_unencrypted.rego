# API response cache not encrypted
#
# ## What it does
# Flags API response caches that keep responses unencrypted:
# - REST API method settings (`MethodSettings` of an `AWS::ApiGateway::Stage`
#   or `AWS::Serverless::Api`, a deployment's `StageDescription`,
#   `aws_api_gateway_method_settings`) that turn caching on
#   (`CachingEnabled: true` / `caching_enabled = true`) without
#   `CacheDataEncrypted: true` / `cache_data_encrypted = true` (the default is
#   false);
# - AppSync API caches (`AWS::AppSync::ApiCache`, `aws_appsync_api_cache`)
#   without encryption at rest or in transit (`AtRestEncryptionEnabled`,
#   `TransitEncryptionEnabled`, both off by default).
#
# Settings that do not enable caching are not flagged, nor is a value the
# scanner cannot resolve.
#
# ## Why is this bad?
# The cache holds whole responses (customer records, tokens in bodies) for up
# to an hour on the cache nodes. Unencrypted, those copies sit on disk in
# clear text, outside the encryption of the tables and buckets they came from,
# and an AppSync cache without transit encryption sends them in clear text
# between the resolver and the cache.
#
# ## Example
# ```yaml
# ProdStage:
#   Type: AWS::ApiGateway::Stage
#   Properties:
#     CacheClusterEnabled: true
#     MethodSettings:
#       - ResourcePath: /*
#         HttpMethod: "*"
#         CachingEnabled: true
# ```
#
# ## Use instead
# ```yaml
#         CacheDataEncrypted: true
# ```
#
# ## References
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
# - https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html
package faasguard.rules.enc.api_cache_unencrypted

import rego.v1

metadata := {
	"id": "FG-ENC-013",
	"title": "API response cache not encrypted",
	"severity": "medium",
	"area": "ENC",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Set CacheDataEncrypted: true wherever CachingEnabled is true (stage MethodSettings or a deployment's StageDescription); on an AppSync ApiCache set AtRestEncryptionEnabled and TransitEncryptionEnabled to true.",
	"fixes": {"terraform": "Set `cache_data_encrypted = true` in the `settings` of the `aws_api_gateway_method_settings` that sets `caching_enabled = true`; on an `aws_appsync_api_cache` set `at_rest_encryption_enabled = true` and `transit_encryption_enabled = true`."},
}

deny contains {
	"resource": m.id,
	"path": "caching_enabled",
	"message": sprintf(
		"Method setting %s caches responses of %s without encrypting them (%s not set, so false): cached responses stay readable on the cache nodes; set it to true",
		[m.id, methods(m), encrypted_arg],
	),
} if {
	some m in input.method_settings
	m.caching_enabled == true
	not has_field(m, "cache_data_encrypted")
}

deny contains {
	"resource": m.id,
	"path": "cache_data_encrypted",
	"message": sprintf(
		"Method setting %s caches responses of %s without encrypting them (%s false): cached responses stay readable on the cache nodes; set it to true",
		[m.id, methods(m), encrypted_arg],
	),
} if {
	some m in input.method_settings
	m.caching_enabled == true
	m.cache_data_encrypted == false
}

deny contains {
	"resource": c.id,
	"path": "encryption_at_rest",
	"message": sprintf(
		"AppSync API cache %s does not encrypt cached responses at rest (%s); set it to true",
		[c.name, off(c, "encryption_at_rest", at_rest_arg)],
	),
} if {
	some c in appsync
	not c.encryption_at_rest == true
	not lib_unknown(c, "encryption_at_rest")
}

deny contains {
	"resource": c.id,
	"path": "endpoint_encryption",
	"message": sprintf(
		"AppSync API cache %s sends responses to and from the cache unencrypted (%s); set it to true",
		[c.name, off(c, "endpoint_encryption", transit_arg)],
	),
} if {
	some c in appsync
	not c.endpoint_encryption == "TLS"
	not lib_unknown(c, "endpoint_encryption")
}

appsync contains c if {
	some c in input.caches
	c.kind == "appsync"
}

methods(m) := "every method" if {
	m.http_method == "*"
	m.resource_path == "/*"
} else := sprintf("%s %s", [m.http_method, m.resource_path]) if {
	is_string(m.http_method)
	is_string(m.resource_path)
} else := "its methods"

off(c, field, arg) := sprintf("%s false", [arg]) if has_field(c, field)

else := sprintf("%s not set, so false", [arg])

lib_unknown(c, field) if c[field].unknown == true

encrypted_arg := "cache_data_encrypted" if input.format == "terraform"

else := "CacheDataEncrypted"

at_rest_arg := "at_rest_encryption_enabled" if input.format == "terraform"

else := "AtRestEncryptionEnabled"

transit_arg := "transit_encryption_enabled" if input.format == "terraform"

else := "TransitEncryptionEnabled"

has_field(x, k) if _ = x[k]

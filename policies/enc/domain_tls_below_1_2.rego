# Custom domain or Azure endpoint that accepts TLS below 1.2
#
# ## What it does
# Flags REST API custom domains (`AWS::ApiGateway::DomainName`, the `Domain` of
# an `AWS::Serverless::Api`) whose `SecurityPolicy` is `TLS_1_0` or not set, and
# `AWS::ApiGatewayV2::DomainName`s (and `AWS::Serverless::HttpApi` domains)
# whose `SecurityPolicy` is `TLS_1_0`.
#
# A REST custom domain created through CloudFormation without
# `SecurityPolicy` gets `TLS_1_0` (the API's default, kept for backward
# compatibility; only the console proposes TLS 1.2), so the missing value is
# flagged. An `ApiGatewayV2` domain without it is not: HTTP APIs negotiate TLS
# 1.2 only. `TLS_1_2` and the enhanced policies (`SecurityPolicy_TLS13_...`,
# `SecurityPolicy_TLS12_...`) pass; a value the scanner cannot resolve is not
# flagged.
#
# Also flags Azure Function Apps whose `site_config.minimum_tls_version` is
# `1.0` or `1.1`, storage accounts whose `min_tls_version` is `TLS1_0` or
# `TLS1_1`, Service Bus and Event Hubs namespaces whose `minimum_tls_version`
# is `1.0` or `1.1` (all default to 1.2), and API Management services whose
# `security` block enables SSL 3.0, TLS 1.0 or TLS 1.1 for clients (all off by
# default; the back-end protocols, the service as a client, are not read), in
# Azure's own terms. A storage account that does not set `min_tls_version` is
# flagged when the configuration pins azurerm below 3.0 (`version = "=2.0.0"`,
# `~> 2.46`): those releases default it to `TLS1_0`; the finding names the pin.
#
# Also flags CloudFront distributions served with their own certificate (ACM
# `AcmCertificateArn` or IAM `IamCertificateId`) whose viewer certificate's
# `MinimumProtocolVersion` is below `TLSv1.2_*` (`SSLv3`, `TLSv1`,
# `TLSv1_2016`, `TLSv1.1_2016`) or not set (CloudFront then applies `TLSv1`),
# in CloudFront's terms (`TLSv1.2_2021`). A distribution on CloudFront's
# default certificate (`CloudFrontDefaultCertificate: true`, or no
# `ViewerCertificate`) is not flagged: its `*.cloudfront.net` name accepts
# TLSv1 whatever the template says, and the only remedy is a custom domain
# with a certificate of your own, which is not a TLS setting.
#
# ## Why is this bad?
# TLS 1.0 has known weaknesses (BEAST, CBC padding attacks, SHA-1 in the
# handshake) and is deprecated by RFC 8996 and no longer allowed by PCI DSS. A
# client or attacker able to force a downgrade can then read or tamper with
# API traffic.
#
# ## Example
# ```yaml
# ApiDomain:
#   Type: AWS::ApiGateway::DomainName
#   Properties:
#     DomainName: api.example.com
#     RegionalCertificateArn: !Ref Certificate
# ```
#
# ## Use instead
# ```yaml
#     SecurityPolicy: TLS_1_2
# ```
#
# ## References
# - https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html
# - https://docs.aws.amazon.com/config/latest/developerguide/apigateway-domain-name-tls-check.html
# - https://github.com/aws/aws-cdk/pull/6374
package faasguard.rules.enc.domain_tls_below_1_2

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-011",
	"title": "Custom domain or Azure endpoint accepts TLS below 1.2",
	"severity": "medium",
	"area": "ENC",
	"remediation": "Set SecurityPolicy: TLS_1_2 (or an enhanced SecurityPolicy_TLS13_* policy) on the custom domain; on a CloudFront distribution, set MinimumProtocolVersion: TLSv1.2_2021 in its ViewerCertificate.",
	"fixes": {
		"terraform": "Set `security_policy = \"TLS_1_2\"` on the `aws_api_gateway_domain_name` (in `domain_name_configuration` of an `aws_apigatewayv2_domain_name`). Azure: set `minimum_tls_version = \"1.2\"` in the function app's `site_config` (`min_tls_version` on the legacy `azurerm_function_app`) and `min_tls_version = \"TLS1_2\"` on the `azurerm_storage_account`, `minimum_tls_version = \"1.2\"` on an `azurerm_servicebus_namespace` or `azurerm_eventhub_namespace`, and the `frontend_ssl30_enabled`, `frontend_tls10_enabled` and `frontend_tls11_enabled` flags of an `azurerm_api_management`'s `security` block to `false`. CloudFront: set `minimum_protocol_version = \"TLSv1.2_2021\"` in the distribution's `viewer_certificate`.",
		"serverless": "On the `AWS::ApiGateway::DomainName` under `resources.Resources`, set `SecurityPolicy: TLS_1_2` (for an `AWS::ApiGatewayV2::DomainName`, in its `DomainNameConfigurations`); on an `AWS::CloudFront::Distribution`, set `MinimumProtocolVersion: TLSv1.2_2021` in its `ViewerCertificate`.",
	},
}

deny contains object.union(
	{
		"resource": d.id,
		"path": "security_policy",
		"message": sprintf("Custom domain %s uses %s TLS_1_0, which still accepts TLS 1.0; use TLS_1_2", [label(d), lib.term("SecurityPolicy", "security_policy")]),
	},
	# The single-value fix: the modern policy, in the case it was written.
	lib.replace(d.security_policy, modern(d.security_policy)),
) if {
	some d in input.domains
	not azure[d.kind]
	d.kind != "azure_api_management"
	is_string(d.security_policy)
	upper(d.security_policy) == "TLS_1_0"
}

# Azure endpoints, in Azure's terms: [what, argument, how its values are written].
azure := {
	"azure_function_app": ["Function App", "site_config.minimum_tls_version", "%s.%s"],
	"azure_storage": ["Storage account", "min_tls_version", "TLS%s_%s"],
	"azure_servicebus": ["Service Bus namespace", "minimum_tls_version", "%s.%s"],
	"azure_eventhub": ["Event Hubs namespace", "minimum_tls_version", "%s.%s"],
}

deny contains {
	"resource": d.id,
	"path": "security_policy",
	"message": sprintf(
		"%s %s accepts TLS %s.%s clients (%s = \"%s\"), which RFC 8996 deprecates; set it to \"%s\"",
		[what, d.name, major, minor, arg, sprintf(spelling, [major, minor]), sprintf(spelling, ["1", "2"])],
	),
} if {
	some d in input.domains
	[what, default_arg, spelling] := azure[d.kind]
	arg := argument(d, default_arg)
	is_string(d.security_policy)
	not d.pinned_defaults.security_policy
	[major, minor] := weak_azure[upper(d.security_policy)]
}

# Not set, and the provider release the configuration pins defaulted to a weak version (azurerm
# before 3.0: `TLS1_0` for storage accounts).
deny contains {
	"resource": d.id,
	"path": "security_policy",
	"message": sprintf(
		"%s %s accepts TLS %s.%s clients: %s is not set, and %s, which this configuration pins, defaults it to \"%s\", which RFC 8996 deprecates; set it to \"%s\"",
		[what, d.name, major, minor, arg, d.pinned_defaults.security_policy, sprintf(spelling, [major, minor]), sprintf(spelling, ["1", "2"])],
	),
} if {
	some d in input.domains
	[what, default_arg, spelling] := azure[d.kind]
	arg := argument(d, default_arg)
	is_string(d.security_policy)
	is_string(d.pinned_defaults.security_policy)
	[major, minor] := weak_azure[upper(d.security_policy)]
}

weak_azure := {"TLS_1_0": ["1", "0"], "TLS_1_1": ["1", "1"]}

# The legacy `azurerm_function_app` (and its slot) names the argument `min_tls_version`.
legacy_function_apps := {"azurerm_function_app", "azurerm_function_app_slot"}

argument(d, arg) := "site_config.min_tls_version" if {
	d.kind == "azure_function_app"
	d.type in legacy_function_apps
} else := arg

deny contains {
	"resource": d.id,
	"path": "security_policy",
	"message": sprintf(
		"Custom domain %s sets no %s, so API Gateway applies TLS_1_0, which still accepts TLS 1.0; set TLS_1_2",
		[label(d), lib.term("SecurityPolicy", "security_policy")],
	),
} if {
	some d in input.domains
	d.kind == "rest"
	not has_policy(d)
}

has_policy(d) if _ = d.security_policy

label(d) := d.domain_name if is_string(d.domain_name)

label(d) := d.name if not is_string(d.domain_name)

modern(p) := "TLS_1_2" if p == upper(p)

modern(p) := "tls_1_2" if p != upper(p)

# An unknown security policy cannot be judged: listed, not reported.
undecided contains lib.undecided(d, "security_policy", d.security_policy) if {
	some d in input.domains
	lib.is_unknown(d.security_policy)
}

# CloudFront: a distribution with a certificate of its own.
custom_certificate(d) if d.certificate_source in {"acm", "iam"}

weak_cloudfront := {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"}

deny contains object.union(
	{
		"resource": d.id,
		"path": "minimum_protocol_version",
		"message": sprintf("CloudFront distribution %s's viewer certificate sets %s %s, which still accepts viewers below TLS 1.2; set TLSv1.2_2021", [d.name, lib.term("MinimumProtocolVersion", "minimum_protocol_version"), d.minimum_protocol_version]),
	},
	lib.replace(d.minimum_protocol_version, "TLSv1.2_2021"),
) if {
	some d in input.distributions
	custom_certificate(d)
	is_string(d.minimum_protocol_version)
	d.minimum_protocol_version in weak_cloudfront
}

deny contains {
	"resource": d.id,
	"path": "minimum_protocol_version",
	"message": sprintf("CloudFront distribution %s serves its own certificate without a %s, so CloudFront applies TLSv1, which still accepts TLS 1.0; set TLSv1.2_2021", [d.name, lib.term("MinimumProtocolVersion", "minimum_protocol_version")]),
} if {
	some d in input.distributions
	custom_certificate(d)
	not "minimum_protocol_version" in object.keys(d)
}

undecided contains lib.undecided(d, "certificate_source", d.certificate_source) if {
	some d in input.distributions
	lib.is_unknown(d.certificate_source)
}

undecided contains lib.undecided(d, "minimum_protocol_version", d.minimum_protocol_version) if {
	some d in input.distributions
	not d.certificate_source == "cloudfront"
	lib.is_unknown(d.minimum_protocol_version)
}

# Azure API Management: a client protocol below TLS 1.2 switched on in `security`.
apim_protocols := {
	"SSL_3_0": ["SSL 3.0", "frontend_ssl30_enabled", "enable_frontend_ssl30"],
	"TLS_1_0": ["TLS 1.0", "frontend_tls10_enabled", "enable_frontend_tls10"],
	"TLS_1_1": ["TLS 1.1", "frontend_tls11_enabled", "enable_frontend_tls11"],
}

deny contains {
	"resource": d.id,
	"path": "security_policy",
	"message": sprintf(
		"API Management service %s accepts %s from clients (its security block enables it), which RFC 8996 deprecates; set `%s = false` (`%s` before azurerm 4.0)",
		[d.name, what, new_name, old_name],
	),
} if {
	some d in input.domains
	d.kind == "azure_api_management"
	is_string(d.security_policy)
	[what, new_name, old_name] := apim_protocols[d.security_policy]
}

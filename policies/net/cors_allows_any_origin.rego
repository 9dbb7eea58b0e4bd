# CORS allows every origin (function URLs with credentials, S3 buckets, Azure Function Apps)
#
# ## What it does
# Flags cross-origin resource sharing that lets any web site call the resource from a browser:
# - a Lambda function URL whose CORS allows every origin (`AllowOrigins: ["*"]`) and credentials
#   (`AllowCredentials: true`; Terraform `allow_origins`/`allow_credentials`, serverless
#   `url.cors.allowedOrigins`/`allowCredentials`);
# - an S3 bucket CORS rule with `AllowedOrigins: ["*"]` (`aws_s3_bucket_cors_configuration`,
#   the bucket's `cors_rule`);
# - an Azure Function App whose `site_config.cors.allowed_origins` contains `*`.
#
# The finding points at the `*` origin. A function URL with `*` origins but no credentials is
# left alone: without cookies or credentials a foreign page learns nothing the caller could not
# fetch itself, and who may call the URL at all is FG-NET-001's question. CORS the scanner cannot
# resolve is not reported.
#
# ## Why is this bad?
# CORS decides which web sites a victim's browser lets read your responses. `*` means every site
# on the internet: with credentials, any page the victim visits can call the function as the
# victim and read the answer; on a bucket, any page can read (and with `PUT`/`POST`, write)
# objects through presigned or public URLs; on a Function App, any page can call the app's APIs
# from the victim's browser.
#
# ## Example
# ```yaml
# FnUrl:
#   Type: AWS::Lambda::Url
#   Properties:
#     TargetFunctionArn: !GetAtt Fn.Arn
#     AuthType: AWS_IAM
#     Cors:
#       AllowOrigins: ["*"]
#       AllowCredentials: true
# ```
#
# ## Use instead
# ```yaml
#     Cors:
#       AllowOrigins: ["https://app.example.com"]
#       AllowCredentials: true
# ```
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
# - https://learn.microsoft.com/en-us/azure/azure-functions/security-concepts#restrict-cors-access
# - https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials
package faasguard.rules.net.cors_allows_any_origin

import rego.v1

metadata := {
	"id": "FG-NET-008",
	"title": "CORS allows every origin",
	"severity": "medium",
	"area": "NET",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "List the origins that may call the resource (`AllowOrigins: [\"https://app.example.com\"]`, `AllowedOrigins` of the bucket's CORS rule) instead of `*`.",
	"fixes": {
		"terraform": "List the origins in `allow_origins` of the `aws_lambda_function_url` `cors` block, `allowed_origins` of the bucket's `cors_rule`, or `site_config.cors.allowed_origins` of the Function App, instead of `\"*\"`.",
		"serverless": "List the origins in the function's `url.cors.allowedOrigins` (and the bucket's `CorsConfiguration` under `resources.Resources`) instead of `*`.",
	},
}

# Function URL CORS as each format writes it: [origins, credentials, path of the origins].
url_cors(c) := [c.AllowOrigins, creds(c), "AllowOrigins"] if {
	is_object(c)
	"AllowOrigins" in object.keys(c)
} else := [c.allowedOrigins, creds(c), "allowedOrigins"] if {
	is_object(c)
	"allowedOrigins" in object.keys(c)
} else := [c.allow_origins, creds(c), "allow_origins"] if {
	is_object(c)
	"allow_origins" in object.keys(c)
} else := [c[0].allow_origins, creds(c[0]), "0.allow_origins"] if {
	is_array(c)
	is_object(c[0])
	"allow_origins" in object.keys(c[0])
}

creds(c) := object.get(c, "AllowCredentials", object.get(c, "allowCredentials", object.get(c, "allow_credentials", false)))

listed(origins) := origins if is_array(origins)

else := [origins]

deny contains {
	"resource": u.id,
	"path": sprintf("cors.%s.%d", [key, j]),
	"message": sprintf("Function URL %s allows every origin (*) with credentials: any web site a signed-in user visits can call %s as that user and read the response", [u.name, target(u)]),
} if {
	some u in input.function_urls
	[origins, creds, key] := url_cors(u.cors)
	creds == true
	some j, o in listed(origins)
	o == "*"
}

target(u) := sprintf("function %s", [u.function]) if is_string(u.function)

else := "its function"

deny contains {
	"resource": b.id,
	"path": sprintf("cors.%d.allowed_origins.%d", [i, j]),
	"message": sprintf("Bucket %s has a CORS rule allowing every origin (*)%s: any web site can %s its objects from a visitor's browser", [b.name, methods_text(rule), verb(rule)]),
} if {
	some b in input.buckets
	is_array(b.cors)
	some i, rule in b.cors
	some j, o in rule.allowed_origins
	o == "*"
}

methods_text(rule) := sprintf(" for %s", [concat(", ", [m | some m in rule.allowed_methods; is_string(m)])]) if {
	count([m | some m in rule.allowed_methods; is_string(m)]) > 0
} else := ""

# A comprehension, not iteration, before `else`: regorus' RVM never reaches
# an `else` after a body that iterates (ADR 0053).
verb(rule) := "read and write" if {
	count([m | some m in rule.allowed_methods; is_string(m); upper(m) in {"PUT", "POST", "DELETE"}]) > 0
} else := "read"

deny contains {
	"resource": f.id,
	"path": sprintf("cors.allowed_origins.%d", [j]),
	"message": sprintf("Function App %s allows every origin (*) in its CORS settings: any web site can call its functions from a visitor's browser%s", [f.name, credentials_note(f.cors)]),
} if {
	some f in input.functions
	is_object(f.cors)
	some j, o in f.cors.allowed_origins
	o == "*"
}

credentials_note(c) := ", with the visitor's credentials" if c.support_credentials == true

else := ""

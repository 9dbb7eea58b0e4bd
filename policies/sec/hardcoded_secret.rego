# Secret value written into the template
#
# ## What it does
# Reports every value that faasguard's secret detector recognises as a
# credential: AWS access keys, API tokens, private keys, connection strings
# with passwords, and literal values under names such as `DB_PASSWORD` or
# `ApiToken`. It looks at resource properties, SAM `Globals`, parameter
# defaults, Terraform variables (their default or tfvars value, reported
# on the variable when no resource that uses it reports it) and the arguments
# of remote Terraform modules (not downloaded, so their resources are not
# scanned; a literal passed to them is in the repository all the same). A
# value that holds base64 of text (user data written already encoded, an
# encoded key in an environment variable) is decoded and read too; there a
# private-key header alone is enough. A value that holds JSON
# (`jsonencode({...})`, `'{"db_password": "..."}'`) is read as its object:
# each value under its own key (`CONFIG.db_password`), and one taken from a
# variable or parameter gives nothing. The finding points at the secret itself
# (at the whole encoded value when it was encoded, at the string when the JSON
# is written as a quoted string); its message shows only a redacted preview
# (`AKIA****LQ`).
#
# ## Why is this bad?
# A template is committed to version control, copied into CI logs and build
# artifacts, and stored by CloudFormation, where anyone allowed to read the
# stack (`cloudformation:GetTemplate`, the console) can read it. Values in
# Lambda environment variables are also shown in the console and returned by
# `lambda:GetFunctionConfiguration`. A leaked credential stays valid until
# someone rotates it, and removing it from the template does not remove it
# from the repository's history.
#
# ## Example
# ```yaml
# Api:
#   Type: AWS::Serverless::Function
#   Properties:
#     Environment:
#       Variables:
#         DB_PASSWORD: hunter2-but-longer
# ```
#
# ## Use instead
# Keep the secret in Secrets Manager or SSM Parameter Store and read it at run
# time, or resolve it at deploy time with a dynamic reference:
# ```yaml
#     Environment:
#       Variables:
#         DB_SECRET_ARN: !Ref DbSecret
# ```
# ```yaml
#     MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'
# ```
# Then rotate the exposed credential: it is in the repository's history.
#
# ## References
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
# - https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption
package faasguard.rules.sec.hardcoded_secret

import rego.v1

metadata := {
	"id": "FG-SEC-001",
	"title": "Hardcoded secret in template",
	"severity": "critical",
	"area": "SEC",
	"remediation": "Move the secret to Secrets Manager or SSM Parameter Store, reference it (dynamic reference or ARN in the environment), and rotate the exposed value.",
	"fixes": {
		"terraform": "Take the value out of the code and rotate it: keep it in `aws_secretsmanager_secret` (or an `aws_ssm_parameter` of type `SecureString` whose value is set outside Terraform) and pass only its ARN or name in `environment { variables }`. A variable that holds a secret gets no `default` and no committed `.tfvars` value: mark it `sensitive = true` and set it at apply time (`TF_VAR_<name>`), or read the secret with a data source. Azure: a Key Vault reference (`@Microsoft.KeyVault(SecretUri=...)`) in `app_settings`; Google: Secret Manager (`secret_environment_variables`, or `value_source.secret_key_ref` in a Cloud Run `env` block).",
		"serverless": "Take the value out of serverless.yml (`provider`, `functions`, `custom`, `params`) and rotate it: keep it in Secrets Manager or SSM Parameter Store and put only its name or ARN in `environment`, read at run time (`${ssm:...}` keeps it out of the file but copies it into the function configuration).",
	},
}

# The item's own span is the secret string, so the path is empty. Only the
# redacted form ever goes into the message.
deny contains {
	"resource": s.id,
	"path": "",
	"message": sprintf("Hardcoded secret (%s) in %s: %s. %s", [s.kind, where(s), s.redacted, s.description]),
} if {
	some s in input.hardcoded_secrets
}

# `Fn` / `properties.Environment.Variables.X` → "Fn property Environment.Variables.X".
where(s) := sprintf("%s property %s", [s.resource, trim_prefix(s.path, "properties.")]) if {
	startswith(s.path, "properties.")
} else := sprintf("variable %s value", [s.resource]) if {
	# A Terraform variable's default or tfvars value (`var.db_password`).
	s.path == "default"
	startswith(s.resource, "var.")
} else := sprintf("parameter %s default", [s.resource]) if {
	s.path == "default"
} else := sprintf("%s %s", [s.resource, s.path]) if {
	s.path != ""
} else := s.resource

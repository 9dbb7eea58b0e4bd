# Secret-like environment variables without a customer managed KMS key
#
# ## What it does
# Flags functions whose environment holds variables with secret-like names
# (`DB_PASSWORD`, `API_TOKEN`, `clientSecret`; the adapter lists them in
# `sensitive_environment`) while `KmsKeyArn` is missing or names an AWS managed
# key (`alias/aws/lambda`). A variable whose value is JSON counts for the
# secret-like keys inside it (`CONFIG = jsonencode({db_password = var.pw})`
# is named `CONFIG.db_password`): a key whose value is unknown, or a secret
# FG-SEC-001's detector recognizes (`{"auth": "iam"}` is no secret).
#
# Functions whose variables all have ordinary names are not flagged: Lambda
# already encrypts every environment at rest, and a customer managed key only
# matters when the values are worth protecting. Nor is a variable whose value
# only says where the secret is stored: the ARN or name of a Secrets Manager
# secret or an SSM parameter (`DB_PASSWORD: !Ref DbSecret`,
# `aws_ssm_parameter.token.name`, a literal secret ARN); `!GetAtt Param.Value`,
# a parameter's `.value` and a `{{resolve:...}}` dynamic reference copy the
# value itself and are flagged. A `KmsKeyArn` written as `!GetAtt Key.Arn` or
# `!Ref KeyArn` counts as a customer managed key.
#
# ## Why is this bad?
# With the default key, anyone allowed `lambda:GetFunctionConfiguration` (a
# read-only permission that `ReadOnlyAccess` and many roles include) sees the
# values in clear text. A customer managed key adds its key policy as a second
# gate (`kms:Decrypt`), can be disabled in an incident, and logs every use in
# CloudTrail. Better still is to keep the secret out of the environment.
#
# ## Example
# ```yaml
# Api:
#   Type: AWS::Serverless::Function
#   Properties:
#     Environment:
#       Variables:
#         DB_PASSWORD: !Ref DbPassword
# ```
#
# ## Use instead
# ```yaml
#     KmsKeyArn: !GetAtt EnvKey.Arn
# ```
# Or store the secret in Secrets Manager or SSM Parameter Store (SecureString)
# and pass only its name or ARN (`DB_PASSWORD_SECRET_ARN`), reading it at run
# time.
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
# - https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
package faasguard.rules.enc.sensitive_environment_without_cmk

import data.faasguard.lib.enc
import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-001",
	"title": "Secret-like environment variables without a customer managed KMS key",
	"severity": "medium",
	"area": "ENC",
	"remediation": "Set KmsKeyArn to a customer managed KMS key, or move the secret to Secrets Manager or SSM Parameter Store and pass only its ARN.",
	"fixes": {
		"terraform": "Set `kms_key_arn` on the `aws_lambda_function` to a customer managed `aws_kms_key`, or keep the secret in `aws_secretsmanager_secret` or `aws_ssm_parameter` and pass only its ARN in `environment { variables }`. Azure: use a Key Vault reference (`@Microsoft.KeyVault(SecretUri=...)`) in `app_settings`; Google: use Secret Manager (`secret_environment_variables`, or `value_source.secret_key_ref` in a Cloud Run `env` block).",
		"serverless": "Set `provider.kmsKeyArn` (or `kmsKeyArn` on the function) to a customer managed KMS key, or keep the secret in Secrets Manager or SSM Parameter Store and put only its name or ARN in `environment`, read at run time (`${ssm:...}` copies the value into the function configuration).",
	},
}

deny contains {
	"resource": f.id,
	"path": "kms_key",
	"message": sprintf("Function %s keeps secret-like %s (%s) %s", [f.name, setting_word(f), names(f), advice(f)]),
} if {
	some f in input.functions
	count(names_of(f)) > 0
	not enc.customer_managed(f.kms_key)
}

setting_word(f) := "app settings" if f.cloud == "azure"

else := "environment variables"

advice(f) := sprintf("encrypted only with the AWS managed key: anyone who can read its configuration sees them; set %s to a customer managed key or move them to Secrets Manager", [lib.term("KmsKeyArn", "kms_key_arn")]) if {
	f.cloud == "aws"
} else := "as plain values: anyone who can read the app's configuration sees them; use Key Vault references (@Microsoft.KeyVault(...)) instead" if {
	f.cloud == "azure"
} else := "as plain values: anyone who can read the function's configuration sees them; use Secret Manager (secret_environment_variables) or a customer-managed key (kms_key_name)" if {
	f.cloud == "gcp"
} else := "as plain values; keep them in the platform's secret store"

names_of(f) := [n | some n in f.sensitive_environment; is_string(n)]

names(f) := concat(", ", sort(names_of(f)))

# Secrets Manager secret without a customer managed KMS key
#
# ## What it does
# Flags secrets without `KmsKeyId`, or whose `KmsKeyId` names the AWS managed
# key (`aws/secretsmanager`, `alias/aws/secretsmanager`). A key written as
# `!Ref Key` or `!GetAtt Key.Arn` counts as customer managed.
#
# The severity is low: the secret is encrypted either way. The rule is about
# who controls the key.
#
# ## Why is this bad?
# With the AWS managed key, `secretsmanager:GetSecretValue` is the only gate:
# any over-broad IAM policy (`secretsmanager:*` on `*`) exposes every secret.
# A customer managed key adds its key policy as a second, independent gate,
# logs each decryption in CloudTrail, and is required to share the secret with
# another account.
#
# ## Example
# ```yaml
# DbCredentials:
#   Type: AWS::SecretsManager::Secret
#   Properties:
#     GenerateSecretString:
#       SecretStringTemplate: '{"username": "app"}'
#       GenerateStringKey: password
# ```
#
# ## Use instead
# ```yaml
#     KmsKeyId: !Ref SecretsKey
# ```
#
# ## References
# - https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
package faasguard.rules.enc.secret_without_cmk

import data.faasguard.lib.enc
import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-009",
	"title": "Secrets Manager secret without a customer managed KMS key",
	"severity": "low",
	"area": "ENC",
	"remediation": "Set KmsKeyId to a customer managed KMS key whose policy grants kms:Decrypt only to the secret's readers.",
	"fixes": {
		"terraform": "Set `kms_key_id` on the `aws_secretsmanager_secret` to a customer managed `aws_kms_key` whose policy grants `kms:Decrypt` only to the secret's readers.",
		"serverless": "On the `AWS::SecretsManager::Secret` under `resources.Resources`, set `KmsKeyId` to a customer managed KMS key whose policy grants `kms:Decrypt` only to the secret's readers.",
	},
}

deny contains {
	"resource": s.id,
	"path": "kms_key",
	"message": sprintf(
		"Secret %s is encrypted with the AWS managed key aws/secretsmanager: only IAM permissions guard it; set %s to a customer managed key",
		[s.name, lib.term("KmsKeyId", "kms_key_id")],
	),
} if {
	some s in input.secrets
	s.cloud == "aws"
	not enc.customer_managed(s.kms_key)
}

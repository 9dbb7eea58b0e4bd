# CloudWatch log group without a KMS key
#
# ## What it does
# Flags log groups without `KmsKeyId`. A key written as `!GetAtt Key.Arn` or
# `!Ref KeyArn` counts as set.
#
# The severity is low: CloudWatch Logs always encrypts log data at rest with
# keys it manages. The rule is about who controls that key.
#
# ## Why is this bad?
# Logs collect what functions print: request bodies, tokens, personal data
# that slipped into an error message. Without a customer managed key, anyone
# allowed `logs:GetLogEvents` or `logs:StartQuery` reads them; with one, the
# key policy is a second gate, every decryption is in CloudTrail, and disabling
# the key cuts off access to the whole group at once.
#
# ## Example
# ```yaml
# ApiLogs:
#   Type: AWS::Logs::LogGroup
#   Properties:
#     RetentionInDays: 30
# ```
#
# ## Use instead
# ```yaml
#     KmsKeyId: !GetAtt LogsKey.Arn
# ```
# The key policy must allow the `logs.<region>.amazonaws.com` service
# principal to use the key.
#
# ## References
# - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
package faasguard.rules.enc.log_group_without_kms_key

import data.faasguard.lib.enc
import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-008",
	"title": "CloudWatch log group without a KMS key",
	"severity": "low",
	"area": "ENC",
	"remediation": "Set KmsKeyId to the ARN of a customer managed KMS key whose policy lets CloudWatch Logs use it.",
	"fixes": {
		"terraform": "Set `kms_key_id` on the `aws_cloudwatch_log_group` to the ARN of a customer managed `aws_kms_key` whose policy lets the `logs.<region>.amazonaws.com` service principal use it.",
		"serverless": "Set `KmsKeyId` on the function's log group through `resources.extensions.<Name>LogGroup.Properties` (`HelloLogGroup` for function `hello`), or on an `AWS::Logs::LogGroup` under `resources.Resources`, to a customer managed KMS key whose policy lets CloudWatch Logs use it.",
	},
}

deny contains {
	"resource": l.id,
	"path": "kms_key",
	"message": sprintf(
		"Log group %s sets no %s, so only CloudWatch Logs' own key protects it: no key policy guards reads and key use is not logged",
		[l.name, lib.term("KmsKeyId", "kms_key_id")],
	),
} if {
	some l in input.log_groups
	not enc.key_set(l.kms_key)
}

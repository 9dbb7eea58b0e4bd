# SNS topic without server-side encryption
#
# ## What it does
# Flags topics without `KmsMasterKeyId`. SNS, unlike SQS, does not encrypt
# topics by default. Any key counts, also the AWS managed `alias/aws/sns` and a
# key written as `!Ref Key` or `!GetAtt Key.Arn`.
#
# ## Why is this bad?
# SNS stores each message until every subscription has received it, retries
# included. Without a key those copies are not encrypted at rest, which breaks
# most "encrypted at rest" requirements for the data the messages carry.
#
# ## Example
# ```yaml
# Alerts:
#   Type: AWS::SNS::Topic
#   Properties:
#     TopicName: alerts
# ```
#
# ## Use instead
# ```yaml
#     KmsMasterKeyId: !Ref AlertsKey
# ```
# A customer managed key is needed when AWS services (EventBridge, S3,
# CloudWatch alarms) publish to the topic: its key policy must let them use it.
# `alias/aws/sns` works for publishers in the account.
#
# ## References
# - https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
# - https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
package faasguard.rules.enc.topic_unencrypted

import data.faasguard.lib
import data.faasguard.lib.enc
import rego.v1

metadata := {
	"id": "FG-ENC-006",
	"title": "SNS topic without server-side encryption",
	"severity": "medium",
	"area": "ENC",
	"remediation": "Set KmsMasterKeyId to a customer managed KMS key (or alias/aws/sns when only principals of the account publish).",
	"fixes": {
		"terraform": "Set `kms_master_key_id` on the `aws_sns_topic` to a customer managed `aws_kms_key` (or `alias/aws/sns` when only principals of the account publish).",
		"serverless": "On the `AWS::SNS::Topic` under `resources.Resources`, set `KmsMasterKeyId` to a customer managed KMS key (or `alias/aws/sns` when only principals of the account publish).",
	},
}

deny contains {
	"resource": t.id,
	"path": "kms_key",
	"message": sprintf("Topic %s sets no %s, so its messages are stored unencrypted", [t.name, lib.term("KmsMasterKeyId", "kms_master_key_id")]),
} if {
	some t in input.topics
	t.cloud == "aws"
	not enc.key_set(t.kms_key)
}

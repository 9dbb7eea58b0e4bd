# Kinesis Data Firehose delivery stream without server-side encryption
#
# ## What it does
# Flags Firehose delivery streams (`AWS::KinesisFirehose::DeliveryStream`,
# `aws_kinesis_firehose_delivery_stream`) that records are put into directly
# (`DirectPut`, the default) without server-side encryption: no
# `DeliveryStreamEncryptionConfigurationInput`, or a
# `server_side_encryption` block with `enabled` false or not set.
#
# A stream that reads from a Kinesis data stream (`KinesisStreamAsSource`) or
# from Amazon MSK cannot take this setting: its records are as encrypted as
# its source (FG-ENC-007 asks the Kinesis stream), so it is not flagged.
# Either AWS owned or customer managed keys pass. A setting the scanner cannot
# resolve is not flagged.
#
# ## Why is this bad?
# Firehose buffers records (logs, clickstreams, change events that often
# carry personal data) for up to 15 minutes before delivering them. Without
# server-side encryption they sit in the service's buffers unencrypted, and
# compliance baselines (AWS Foundational Security Best Practices
# DataFirehose.1, PCI DSS 3.5) ask for encryption of every store of such data.
#
# ## Example
# ```yaml
# ClickStream:
#   Type: AWS::KinesisFirehose::DeliveryStream
#   Properties:
#     DeliveryStreamType: DirectPut
#     ExtendedS3DestinationConfiguration: ...
# ```
#
# ## Use instead
# ```yaml
#     DeliveryStreamEncryptionConfigurationInput:
#       KeyType: AWS_OWNED_CMK
# ```
#
# ## References
# - https://docs.aws.amazon.com/firehose/latest/dev/encryption.html
# - https://docs.aws.amazon.com/securityhub/latest/userguide/datafirehose-controls.html
package faasguard.rules.enc.delivery_stream_unencrypted

import rego.v1

metadata := {
	"id": "FG-ENC-016",
	"title": "Kinesis Data Firehose delivery stream without server-side encryption",
	"severity": "medium",
	"area": "ENC",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Add DeliveryStreamEncryptionConfigurationInput with KeyType AWS_OWNED_CMK (or CUSTOMER_MANAGED_CMK and a KeyARN) to the delivery stream.",
	"fixes": {
		"terraform": "Add `server_side_encryption { enabled = true }` to the `aws_kinesis_firehose_delivery_stream` (`key_type = \"CUSTOMER_MANAGED_CMK\"` and `key_arn` for your own key).",
		"serverless": "On the `AWS::KinesisFirehose::DeliveryStream` under `resources.Resources`, add `DeliveryStreamEncryptionConfigurationInput: {KeyType: AWS_OWNED_CMK}`.",
	},
}

deny contains {
	"resource": d.id,
	"path": "encryption",
	"message": sprintf(
		"Firehose delivery stream %s has no server-side encryption: the records it buffers are stored unencrypted; add %s",
		[d.name, setting],
	),
} if {
	some d in input.delivery_streams
	direct_put(d)
	not has_field(d, "encryption")
}

deny contains {
	"resource": d.id,
	"path": "encryption.enabled",
	"message": sprintf(
		"Firehose delivery stream %s has server-side encryption turned off: the records it buffers are stored unencrypted; set enabled = true",
		[d.name],
	),
} if {
	some d in input.delivery_streams
	direct_put(d)
	d.encryption.enabled == false
}

setting := "server_side_encryption { enabled = true }" if input.format == "terraform"

else := "DeliveryStreamEncryptionConfigurationInput with KeyType AWS_OWNED_CMK"

# Records are put into the stream itself (not read from a Kinesis stream or MSK).
direct_put(d) if not has_field(d, "stream_type")

direct_put(d) if d.stream_type == "DirectPut"

has_field(x, f) if _ = x[f]

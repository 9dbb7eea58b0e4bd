# Kinesis stream without server-side encryption
#
# ## What it does
# Flags Kinesis data streams without `StreamEncryption`, or whose
# `EncryptionType` is not `KMS`. Kinesis does not encrypt a stream unless told
# to. Any key counts, also the AWS managed `alias/aws/kinesis`; an
# `EncryptionType` that the scanner cannot resolve is not flagged.
#
# ## Why is this bad?
# Records stay in the stream for its whole retention period (24 hours to 365
# days). Without server-side encryption they are stored in clear text, outside
# any "encrypted at rest" requirement for the data they carry.
#
# ## Example
# ```yaml
# Clicks:
#   Type: AWS::Kinesis::Stream
#   Properties:
#     ShardCount: 1
# ```
#
# ## Use instead
# ```yaml
#     StreamEncryption:
#       EncryptionType: KMS
#       KeyId: alias/aws/kinesis
# ```
# or a customer managed key (`KeyId: !Ref ClicksKey`) to control access with
# its key policy.
#
# ## References
# - https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-kinesis-stream-streamencryption.html
package faasguard.rules.enc.stream_unencrypted

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-007",
	"title": "Kinesis stream without server-side encryption",
	"severity": "medium",
	"area": "ENC",
	"remediation": "Set StreamEncryption with EncryptionType KMS and KeyId (alias/aws/kinesis or a customer managed key).",
	"fixes": {
		"terraform": "Set `encryption_type = \"KMS\"` and `kms_key_id` (`alias/aws/kinesis` or a customer managed key) on the `aws_kinesis_stream`.",
		"serverless": "On the `AWS::Kinesis::Stream` under `resources.Resources`, set `StreamEncryption` with `EncryptionType: KMS` and `KeyId` (`alias/aws/kinesis` or a customer managed key).",
	},
}

deny contains {
	"resource": s.id,
	"path": "encryption",
	"message": sprintf("Stream %s sets no %s, so its records are stored unencrypted", [s.name, lib.term("StreamEncryption", "encryption_type")]),
} if {
	some s in input.streams
	not s.encryption
}

deny contains {
	"resource": s.id,
	"path": "encryption.type",
	"message": sprintf("Stream %s sets %s %v, not KMS, so its records are stored unencrypted", [s.name, lib.term("EncryptionType", "encryption_type"), s.encryption.type]),
} if {
	some s in input.streams
	is_string(s.encryption.type)
	upper(s.encryption.type) != "KMS"
}

deny contains {
	"resource": s.id,
	"path": "encryption.type",
	"message": sprintf("Stream %s sets %s without %s KMS, so its records are stored unencrypted", [s.name, lib.term("StreamEncryption", "encryption"), lib.term("EncryptionType", "encryption_type")]),
} if {
	some s in input.streams
	is_object(s.encryption)
	not lib.is_unknown(s.encryption)
	not has_type(s.encryption)
}

has_type(e) if _ = e.type

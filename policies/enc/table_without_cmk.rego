# DynamoDB table without a customer managed KMS key
#
# ## What it does
# Flags DynamoDB tables (`AWS::DynamoDB::Table`, `AWS::DynamoDB::GlobalTable`,
# `AWS::Serverless::SimpleTable`) that are not encrypted with a customer
# managed key: no `SSESpecification`, `SSEEnabled` missing or false (the AWS
# owned key), an `SSEType` other than `KMS`, or no `KMSMasterKeyId` (the AWS
# managed key `aws/dynamodb`, also when named as `alias/aws/dynamodb`).
#
# A missing `SSEType` is not flagged: with `SSEEnabled: true` DynamoDB uses
# `KMS`. A `KMSMasterKeyId` written as `!Ref Key` or `!GetAtt Key.Arn` counts as
# a customer managed key. The severity is low because DynamoDB encrypts every
# table at rest; this rule is about who controls the key.
#
# In Terraform, a replica declared apart from its table
# (`aws_dynamodb_table_replica`) is judged on its own `kms_key_arn`: without
# one, or with an AWS managed key, the finding is at the replica. Its table's
# `server_side_encryption` does not choose the replica's key, which lives in
# the replica's region.
#
# ## Why is this bad?
# With the AWS owned or AWS managed key, DynamoDB's own IAM permissions are
# the only gate to the data, and the key cannot be disabled or audited. A
# customer managed key adds a key policy as a second gate, logs every use in
# CloudTrail, and can be disabled or revoked to cut off access at once.
#
# ## Example
# ```yaml
# Orders:
#   Type: AWS::DynamoDB::Table
#   Properties:
#     SSESpecification:
#       SSEEnabled: true
# ```
#
# ## Use instead
# ```yaml
#     SSESpecification:
#       SSEEnabled: true
#       SSEType: KMS
#       KMSMasterKeyId: !Ref OrdersKey
# ```
#
# ## References
# - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-table-ssespecification.html
package faasguard.rules.enc.table_without_cmk

import data.faasguard.lib
import data.faasguard.lib.enc
import rego.v1

metadata := {
	"id": "FG-ENC-004",
	"title": "DynamoDB table without a customer managed KMS key",
	"severity": "low",
	"area": "ENC",
	"remediation": "Set SSESpecification with SSEEnabled true, SSEType KMS and KMSMasterKeyId naming a customer managed key.",
	"fixes": {
		"terraform": "Add a `server_side_encryption` block to the `aws_dynamodb_table` with `enabled = true` and `kms_key_arn` naming a customer managed `aws_kms_key` (without `kms_key_arn` DynamoDB uses the AWS managed key `aws/dynamodb`); on an `aws_dynamodb_table_replica`, set `kms_key_arn` to a customer managed key in the replica's region.",
		"serverless": "On the `AWS::DynamoDB::Table` under `resources.Resources`, set `SSESpecification` with `SSEEnabled: true`, `SSEType: KMS` and `KMSMasterKeyId` naming a customer managed key.",
	},
}

deny contains {
	"resource": t.id,
	"path": p.path,
	"message": sprintf("Table %s %s", [t.name, p.why]),
} if {
	some t in input.tables
	not lib.is_unknown(t.encryption)
	p := problem(t)
}

# The first reason that applies, so a table gets one finding.
problem(t) := {
	"path": "encryption.kms_key",
	"why": "sets no kms_key_arn, so DynamoDB encrypts this replica with the key of the global table's encryption type: an AWS owned key or the AWS managed key aws/dynamodb, never one whose key policy you control",
} if {
	t.type == "aws_dynamodb_table_replica"
	not enc.key_set(t.encryption.kms_key)
} else := {
	"path": "encryption.kms_key",
	"why": sprintf("names the AWS managed key %s in kms_key_arn: name a customer managed key in the replica's region", [t.encryption.kms_key]),
} if {
	t.type == "aws_dynamodb_table_replica"
	not enc.customer_managed(t.encryption.kms_key)
} else := {
	"path": "encryption",
	"why": sprintf("%s, so DynamoDB encrypts it with an AWS owned key that no key policy or CloudTrail log covers", [lib.term("sets no SSESpecification", "has no server_side_encryption block")]),
} if {
	not t.encryption
} else := {
	"path": "encryption.enabled",
	"why": sprintf("sets %s to false, so DynamoDB encrypts it with an AWS owned key that no key policy or CloudTrail log covers", [lib.term("SSEEnabled", "server_side_encryption.enabled")]),
} if {
	t.encryption.enabled == false
} else := {
	"path": "encryption.enabled",
	"why": sprintf("does not set %s, so DynamoDB encrypts it with an AWS owned key that no key policy or CloudTrail log covers", [lib.term("SSEEnabled", "server_side_encryption.enabled")]),
} if {
	not has_field(t.encryption, "enabled")
} else := {
	"path": "encryption.sse_type",
	"why": sprintf("sets SSEType %v; only KMS encrypts with a KMS key", [t.encryption.sse_type]),
} if {
	is_string(t.encryption.sse_type)
	upper(t.encryption.sse_type) != "KMS"
} else := {
	"path": "encryption.kms_key",
	"why": sprintf("is encrypted with the AWS managed key aws/dynamodb: set %s to a customer managed key", [lib.term("KMSMasterKeyId", "server_side_encryption.kms_key_arn")]),
} if {
	not enc.customer_managed(t.encryption.kms_key)
}

# A replica's key that a plan leaves to apply time (`kms_key_arn` is computed
# when not written): it may be AWS's.
undecided contains lib.undecided(t, "encryption.kms_key", t.encryption.kms_key) if {
	some t in input.tables
	t.type == "aws_dynamodb_table_replica"
	lib.is_unknown(t.encryption.kms_key)
	not t.encryption.kms_key.ref
}

has_field(o, k) if {
	is_object(o)
	_ = o[k]
}

has_field(o, _) if lib.is_unknown(o)

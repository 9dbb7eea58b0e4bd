# Step Functions state machine without a customer managed KMS key
#
# ## What it does
# Flags state machines whose `EncryptionConfiguration` is missing or has a
# `Type` other than `CUSTOMER_MANAGED_KMS_KEY` (`AWS_OWNED_KEY`, the default).
# A `Type` the scanner cannot resolve is not flagged.
#
# The severity is low: Step Functions always encrypts definitions and
# execution history at rest. The rule is about who controls the key.
#
# ## Why is this bad?
# Execution history keeps every state's input and output for 90 days, often
# the whole payload of a business process. With the AWS owned key, IAM
# permissions (`states:GetExecutionHistory`, `states:DescribeExecution`) are the
# only gate; a customer managed key adds its key policy, logs use in
# CloudTrail, and can be disabled to cut off access.
#
# ## Example
# ```yaml
# Checkout:
#   Type: AWS::Serverless::StateMachine
#   Properties:
#     DefinitionUri: statemachine/checkout.asl.json
# ```
#
# ## Use instead
# ```yaml
# Checkout:
#   Type: AWS::StepFunctions::StateMachine
#   Properties:
#     DefinitionS3Location: ...
#     EncryptionConfiguration:
#       Type: CUSTOMER_MANAGED_KMS_KEY
#       KmsKeyId: !GetAtt CheckoutKey.Arn
#       KmsDataKeyReusePeriodSeconds: 300
# ```
# `AWS::Serverless::StateMachine` does not pass `EncryptionConfiguration`
# through yet (aws/serverless-application-model#3925): declare the state machine
# as `AWS::StepFunctions::StateMachine`. The execution role needs
# `kms:GenerateDataKey` and `kms:Decrypt` on the key.
#
# ## References
# - https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
# - https://github.com/aws/serverless-application-model/issues/3925
package faasguard.rules.enc.state_machine_without_cmk

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-010",
	"title": "Step Functions state machine without a customer managed KMS key",
	"severity": "low",
	"area": "ENC",
	"remediation": "Set EncryptionConfiguration with Type CUSTOMER_MANAGED_KMS_KEY and KmsKeyId (declare it as AWS::StepFunctions::StateMachine, as SAM's type does not pass it through yet).",
	"fixes": {
		"terraform": "Add an `encryption_configuration` block to the `aws_sfn_state_machine` with `type = \"CUSTOMER_MANAGED_KMS_KEY\"` and `kms_key_id` naming a customer managed key.",
		"serverless": "On the `AWS::StepFunctions::StateMachine` under `resources.Resources`, set `EncryptionConfiguration` with `Type: CUSTOMER_MANAGED_KMS_KEY` and `KmsKeyId`.",
	},
}

deny contains {
	"resource": m.id,
	"path": "encryption",
	"message": sprintf(
		"State machine %s sets no %s, so its definition and execution history are encrypted with an AWS owned key that no key policy or CloudTrail log covers",
		[m.name, lib.term("EncryptionConfiguration", "encryption_configuration")],
	),
} if {
	some m in input.state_machines
	not m.encryption
}

deny contains {
	"resource": m.id,
	"path": "encryption.type",
	"message": sprintf(
		"State machine %s sets %s %v, not CUSTOMER_MANAGED_KMS_KEY, so an AWS owned key protects its execution history",
		[m.name, lib.term("EncryptionConfiguration Type", "encryption_configuration.type"), m.encryption.type],
	),
} if {
	some m in input.state_machines
	is_string(m.encryption.type)
	m.encryption.type != "CUSTOMER_MANAGED_KMS_KEY"
}

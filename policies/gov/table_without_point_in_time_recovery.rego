# DynamoDB table without point-in-time recovery
#
# ## What it does
# Flags DynamoDB tables (`AWS::DynamoDB::Table`, `aws_dynamodb_table`, the
# replicas of an `AWS::DynamoDB::GlobalTable`, SAM's
# `AWS::Serverless::SimpleTable`) whose point-in-time recovery is off: set to
# false (the finding points at the value) or not set, which DynamoDB takes as
# off (the finding points at the table). A global table passes only when every
# replica enables it (the finding points at the first replica that does not).
# A SimpleTable takes `PointInTimeRecoverySpecification` as a table does (SAM
# passes it through). A value the scanner cannot resolve is not flagged.
#
# ## Why is this bad?
# Functions write to their tables with broad `dynamodb:PutItem` and
# `dynamodb:DeleteItem` rights; one faulty deployment, a bad migration script
# or a stolen key can overwrite or delete every item. Without point-in-time
# recovery the only copies are on-demand backups someone remembered to take;
# with it the table can be restored to any second of the last 35 days. AWS
# Foundational Security Best Practices (DynamoDB.2) and the CIS and PCI
# backup controls ask for it.
#
# ## Example
# ```yaml
# Orders:
#   Type: AWS::DynamoDB::Table
#   Properties:
#     BillingMode: PAY_PER_REQUEST
#     KeySchema:
#       - AttributeName: id
#         KeyType: HASH
# ```
#
# ## Use instead
# ```yaml
#     PointInTimeRecoverySpecification:
#       PointInTimeRecoveryEnabled: true
# ```
# The same block enables it on a SAM `AWS::Serverless::SimpleTable`.
#
# ## References
# - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html
# - https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html
package faasguard.rules.gov.table_without_point_in_time_recovery

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-GOV-002",
	"title": "DynamoDB table without point-in-time recovery",
	"severity": "medium",
	"area": "GOV",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set PointInTimeRecoverySpecification with PointInTimeRecoveryEnabled: true on the table (a SAM SimpleTable too; on each replica of a global table).",
	"fixes": {
		"terraform": "Add `point_in_time_recovery { enabled = true }` to the `aws_dynamodb_table`.",
		"serverless": "On the `AWS::DynamoDB::Table` under `resources.Resources`, set `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}`.",
	},
}

deny contains {
	"resource": t.id,
	"path": "point_in_time_recovery",
	"message": sprintf("DynamoDB table %s %s: deleted or overwritten items cannot be restored", [t.name, why(t)]),
} if {
	some t in input.tables
	dynamodb(t)
	off(t)
}

undecided contains lib.undecided(t, "point_in_time_recovery", t.point_in_time_recovery) if {
	some t in input.tables
	dynamodb(t)
	lib.is_unknown(t.point_in_time_recovery)
}

dynamodb(t) if startswith(t.type, "AWS::DynamoDB::")

dynamodb(t) if t.type == "aws_dynamodb_table"

dynamodb(t) if t.type == "AWS::Serverless::SimpleTable"

off(t) if not "point_in_time_recovery" in object.keys(t)

off(t) if t.point_in_time_recovery == false

why(t) := "has a replica with point-in-time recovery off" if {
	t.type == "AWS::DynamoDB::GlobalTable"
} else := sprintf("has point-in-time recovery off (%s false)", [field]) if {
	t.point_in_time_recovery == false
} else := "does not enable point-in-time recovery (off by default)"

field := "point_in_time_recovery.enabled" if input.format == "terraform"

else := "PointInTimeRecoveryEnabled"

# DynamoDB table without deletion protection
#
# ## What it does
# Flags DynamoDB tables (`AWS::DynamoDB::Table`, `aws_dynamodb_table`, the
# replicas of an `AWS::DynamoDB::GlobalTable`, SAM's
# `AWS::Serverless::SimpleTable`) whose deletion protection is off: set to
# false (the finding points at the value) or not set, which DynamoDB takes as
# off (the finding points at the table). A global table passes only when every
# replica enables it (the finding points at the first replica that does not).
# A SimpleTable has no such setting, so it is always reported. A value the
# scanner cannot resolve is not flagged. A `DeletionPolicy: Retain` does not
# count: it keeps the table when the stack is deleted, not when someone calls
# `DeleteTable`.
#
# ## Why is this bad?
# A table is deleted in one API call, by a person with broad rights, a
# cleanup script pointed at the wrong account, or a stack update that
# replaces the table. Point-in-time recovery (FG-GOV-002) keeps backups for
# 35 days after deletion, but the application is down until the table is
# restored under a new name. Deletion protection makes `DeleteTable` fail
# until the flag is turned off on purpose.
#
# ## Example
# ```yaml
# Orders:
#   Type: AWS::DynamoDB::Table
#   Properties:
#     BillingMode: PAY_PER_REQUEST
#     DeletionProtectionEnabled: false
# ```
#
# ## Use instead
# ```yaml
#     DeletionProtectionEnabled: true
# ```
# A SAM `AWS::Serverless::SimpleTable` cannot enable it: declare an
# `AWS::DynamoDB::Table` instead.
#
# ## References
# - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html#cfn-dynamodb-table-deletionprotectionenabled
package faasguard.rules.gov.table_without_deletion_protection

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-GOV-003",
	"title": "DynamoDB table without deletion protection",
	"severity": "low",
	"area": "GOV",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set DeletionProtectionEnabled: true on the table (on each replica of a global table); a SAM SimpleTable cannot, so declare an AWS::DynamoDB::Table instead.",
	"fixes": {
		"terraform": "Set `deletion_protection_enabled = true` on the `aws_dynamodb_table`.",
		"serverless": "On the `AWS::DynamoDB::Table` under `resources.Resources`, set `DeletionProtectionEnabled: true`.",
	},
}

deny contains {
	"resource": t.id,
	"path": "deletion_protection",
	"message": sprintf("DynamoDB table %s %s: one DeleteTable call removes it", [t.name, why(t)]),
} if {
	some t in input.tables
	dynamodb(t)
	off(t)
}

undecided contains lib.undecided(t, "deletion_protection", t.deletion_protection) if {
	some t in input.tables
	dynamodb(t)
	lib.is_unknown(t.deletion_protection)
}

dynamodb(t) if startswith(t.type, "AWS::DynamoDB::")

dynamodb(t) if t.type == "aws_dynamodb_table"

dynamodb(t) if t.type == "AWS::Serverless::SimpleTable"

off(t) if not "deletion_protection" in object.keys(t)

off(t) if t.deletion_protection == false

why(t) := "is a SAM SimpleTable, which cannot enable deletion protection (declare an AWS::DynamoDB::Table)" if {
	t.type == "AWS::Serverless::SimpleTable"
} else := "has a replica with deletion protection off" if {
	t.type == "AWS::DynamoDB::GlobalTable"
} else := sprintf("has deletion protection off (%s false)", [field]) if {
	t.deletion_protection == false
} else := "does not enable deletion protection (off by default)"

field := "deletion_protection_enabled" if input.format == "terraform"

else := "DeletionProtectionEnabled"

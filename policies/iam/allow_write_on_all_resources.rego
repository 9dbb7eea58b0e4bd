# Identity policy allows write actions on all resources (`Resource: "*"`)
#
# ## What it does
# Flags `Allow` statements in identity policies whose `Resource` includes `*` (or an ARN whose
# resource part is only wildcards, such as `arn:aws:s3:::*`) and whose actions include a write,
# permissions-management or tagging action (`s3:PutObject`, `dynamodb:DeleteItem`,
# `sqs:SendMessage`, `iam:AttachRolePolicy`, `s3:Put*`). Actions are classified by their verb
# (`rules/iam_access_levels.toml`, which also names a few actions whose verb says nothing, such
# as `rds-db:connect`); read-only actions (`Get`, `List`, `Describe`, ...) are left alone. The
# finding points at the `*` resource.
#
# Not reported: actions that IAM only grants on `*` (X-Ray `PutTraceSegments`,
# `cloudwatch:PutMetricData`, the network-interface actions of VPC functions,
# `cognito-identity:CreateIdentityPool`, ...; listed in the data file), reads whose verb
# looks like a write (`bedrock:InvokeModel`, also listed there), `*` (FG-IAM-001),
# `service:*` (FG-IAM-028) and `iam:PassRole` (FG-IAM-004).
#
# ## Why is this bad?
# `Resource: "*"` means every table, queue, bucket and topic in the account, in every region,
# including the ones created later by other teams. A function that only writes to its own table
# can then overwrite or delete any other table's data; a leaked credential or a bug in the code
# reaches the whole account instead of one resource.
#
# ## Example
# ```yaml
# Writer:
#   Type: AWS::Serverless::Function
#   Properties:
#     Policies:
#       - Statement:
#           - Effect: Allow
#             Action: [dynamodb:PutItem, dynamodb:DeleteItem]
#             Resource: "*"
# ```
#
# ## Use instead
# Name the resources, by reference:
# ```yaml
#       - Statement:
#           - Effect: Allow
#             Action: [dynamodb:PutItem, dynamodb:DeleteItem]
#             Resource: !GetAtt Orders.Arn
# ```
# or with a SAM policy template (`DynamoDBCrudPolicy: {TableName: !Ref Orders}`).
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
# - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-templates.html
package faasguard.rules.iam.allow_write_on_all_resources

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-002",
	"title": "Identity policy allows write actions on all resources",
	"severity": "high",
	"area": "IAM",
	"remediation": "Scope `Resource` to the ARNs the function writes to (`!GetAtt Table.Arn`, `!Sub ${Bucket.Arn}/*`) or use a SAM policy template with the resource name.",
	"fixes": {
		"terraform": "Scope the statement's `resources` (`Resource` in a `jsonencode` policy) to the ARNs written to, such as `aws_dynamodb_table.orders.arn` or `\"${aws_s3_bucket.data.arn}/*\"`, instead of `*`.",
		"serverless": "Scope the statement's `Resource` (`provider.iam.role.statements`, `provider.iamRoleStatements` or a function's `iamRoleStatements`) to the ARNs written to, such as `!GetAtt OrdersTable.Arn` or `arn:aws:s3:::${self:custom.bucket}/*`, instead of `*`.",
	},
}

deny contains {
	"resource": p.id,
	"path": sprintf("statements.%d.resource.%d", [i, j]),
	"message": sprintf("%s allows write actions on all resources (%s): %s", [iam.label(p), s.resource[j], iam.list_text(actions, 5)]),
} if {
	some [p, i, s] in iam.identity_allows
	# The resource check is cheap and rules most statements out.
	j := iam.first_all_resources(s)
	actions := [a | some a in s.action; reported(a)]
	count(actions) > 0
}

reported(a) if {
	is_string(a)
	not iam.full_wildcard(a)
	not iam.covers(lower(a), "iam", "passrole")
	iam.write_action(a)
}

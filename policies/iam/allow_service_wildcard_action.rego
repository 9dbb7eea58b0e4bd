# Identity policy allows every action of a service (`s3:*`)
#
# ## What it does
# Flags `Allow` statements in identity policies (role, user and group policies, customer managed
# policies, SAM `Policies` statements and policy templates) whose `Action` is `service:*` for one
# named service (`s3:*`, `dynamodb:*`, `iam:*`). It reports each such action, whatever the
# statement's `Resource` says.
#
# `*`, and patterns whose service part is a wildcard (`*:*`, `*:Get*`), cover every service: they
# are FG-IAM-001's, which reports them as administrator access. Partial wildcards such as
# `s3:Get*` are not reported here; on `Resource: "*"` their write forms (`s3:Put*`) are
# FG-IAM-002's. A role's trust policy is FG-IAM-001's too: there `sts:*` and `*` allow the same
# actions on the role.
#
# An action known only at deploy time (`!Ref` of a parameter without a default, a Terraform
# variable without a value, an unresolved `${ssm:...}`) may be `s3:*`: it is not reported, and the
# check is listed as undecided at that action.
#
# ## Why is this bad?
# `service:*` grants every present and future action of the service, not the few the function
# calls: for `s3:*` that includes deleting the bucket, rewriting its policy and turning off its
# public access block; for `dynamodb:*` deleting the table and its backups; for `lambda:*`
# replacing any function's code; for `iam:*` granting itself anything. Anyone who takes over the
# function's code (a vulnerable dependency, an injection) gets all of them on the resources the
# statement names.
#
# Checkov (CKV_AWS_62, CKV_AWS_63) and KICS (`iam_policies_with_full_privileges`) ask only about
# `*`, which FG-IAM-001 reports; the AWS Guard rules registry asks about full access to a service
# (`IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS`), which this rule answers. It is medium where
# FG-IAM-001 is high: one service's actions, not administrator access.
#
# ## Example
# ```yaml
# Processor:
#   Type: AWS::Serverless::Function
#   Properties:
#     Policies:
#       - Statement:
#           - Effect: Allow
#             Action: "s3:*"
#             Resource: !Sub "${Uploads.Arn}/*"
# ```
#
# ## Use instead
# List the actions the code calls:
# ```yaml
#       - Statement:
#           - Effect: Allow
#             Action: [s3:GetObject, s3:PutObject]
#             Resource: !Sub "${Uploads.Arn}/*"
# ```
# or use a SAM policy template (`S3ReadPolicy`, `S3CrudPolicy`). IAM Access Analyzer can
# generate a policy from the actions a role used (CloudTrail).
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-templates.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
# - https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-full-access.html
package faasguard.rules.iam.allow_service_wildcard_action

import data.faasguard.lib
import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-028",
	"title": "Identity policy allows every action of a service",
	"severity": "medium",
	"area": "IAM",
	"remediation": "Replace `service:*` with the specific actions of that service the function calls (or a SAM policy template such as `S3ReadPolicy` or `DynamoDBCrudPolicy`).",
	"fixes": {
		"terraform": "Replace `service:*` in the statement's `actions` (a `statement` of a `data \"aws_iam_policy_document\"`, or `Action` in a `jsonencode` policy) with the specific actions of that service the function calls.",
		"serverless": "Replace `service:*` in the statement's `Action` (`provider.iam.role.statements`, `provider.iamRoleStatements` or a function's `iamRoleStatements`) with the specific actions of that service the function calls.",
	},
}

deny contains {
	"resource": p.id,
	"path": sprintf("statements.%d.action.%d", [i, j]),
	"message": sprintf("%s allows %s: every action of %s, present and future", [iam.label(p), a, service]),
} if {
	some [p, i, s] in iam.identity_allows
	some j, a in s.action
	is_string(a)
	endswith(a, ":*")
	iam.service_wildcard(a)
	service := split(a, ":")[0]
}

# An action known only at deploy time may be `service:*`: undecided at that action.
undecided contains lib.undecided(p, sprintf("statements.%d.action.%d", [i, j]), a) if {
	some [p, i, s] in iam.identity_allows
	is_array(s.action)
	some j, a in s.action
	lib.is_unknown(a)
}

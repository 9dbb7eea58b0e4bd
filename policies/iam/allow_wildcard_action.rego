# Identity policy allows every action of a service (`*`, `s3:*`)
#
# ## What it does
# Flags `Allow` statements in identity policies (role, user and group policies, customer managed
# policies, SAM `Policies` statements and policy templates) whose `Action` is `*`, `service:*`
# or another pattern that covers every action of a service (`*:*`, `*:Get*`). It reports each
# such action, whatever the statement's `Resource` says.
#
# Partial wildcards such as `s3:Get*` are not reported here; on `Resource: "*"` their write forms
# (`s3:Put*`) are FG-IAM-002's. AWS managed policies (`AdministratorAccess`, ...) are FG-IAM-005's.
#
# ## Why is this bad?
# `Action: "*"` is administrator access, and `service:*` grants every present and future action
# of the service: for `s3:*` that includes deleting buckets and rewriting bucket policies, for
# `iam:*` granting itself anything, for `lambda:*` replacing any function's code. A function
# needs a handful of actions; anyone who takes over its code (a vulnerable dependency, an
# injection) gets all of them.
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
# - https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-templates.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
package faasguard.rules.iam.allow_wildcard_action

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-001",
	"title": "Identity policy allows every action of a service",
	"severity": "high",
	"area": "IAM",
	"remediation": "Replace `*` / `service:*` with the specific actions the function calls (or a SAM policy template).",
	"fixes": {
		"terraform": "Replace `*` / `service:*` in the statement's `actions` (a `statement` of a `data \"aws_iam_policy_document\"`, or `Action` in a `jsonencode` policy) with the specific actions the function calls.",
		"serverless": "Replace `*` / `service:*` in the statement's `Action` (`provider.iam.role.statements`, `provider.iamRoleStatements` or a function's `iamRoleStatements`) with the specific actions the function calls.",
	},
}

deny contains {
	"resource": p.id,
	"path": sprintf("statements.%d.action.%d", [i, j]),
	"message": sprintf("%s allows %s: %s", [iam.label(p), a, scope(a)]),
} if {
	some [p, i, s] in iam.identity_allows
	some j, a in s.action
	is_string(a)
	iam.full_wildcard(a)
}

scope(a) := "every action of every service (administrator access)" if {
	a in {"*", "*:*"}
} else := sprintf("every action of %s", [service]) if {
	service := split(a, ":")[0]
	not contains(service, "*")
} else := "the matching actions of every service"

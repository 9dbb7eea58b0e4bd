# Allow statement with `NotAction` or `NotResource`
#
# ## What it does
# Flags `Allow` statements that use `NotAction` or `NotResource`, in identity policies and in
# resource policies (bucket, queue, topic, key and secret policies). It points at the
# `NotAction` / `NotResource` value. AWS managed policies are left to FG-IAM-005.
#
# ## Why is this bad?
# `Allow` + `NotAction: iam:*` grants every action of every other service, present and future:
# it is an allow-list written as a deny-list. `Allow` + `NotResource: <one ARN>` grants the
# actions on every resource of the account except one. Either is far broader than it reads, and
# grows on its own as AWS adds services and the account adds resources. `NotAction` and
# `NotResource` belong in `Deny` statements ("deny everything except ...").
#
# ## Example
# ```yaml
# Policies:
#   - Statement:
#       - Effect: Allow
#         NotAction: iam:*
#         Resource: "*"
# ```
#
# ## Use instead
# Allow the actions and resources needed, and put exclusions in a `Deny`:
# ```yaml
#   - Statement:
#       - Effect: Allow
#         Action: [sqs:SendMessage]
#         Resource: !GetAtt Queue.Arn
#       - Effect: Deny
#         NotResource: !GetAtt Queue.Arn
#         Action: sqs:*
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
package faasguard.rules.iam.allow_not_action_or_not_resource

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-003",
	"title": "Allow statement with NotAction or NotResource",
	"severity": "medium",
	"area": "IAM",
	"remediation": "Rewrite the statement with `Action` and `Resource` listing what is allowed; keep `NotAction`/`NotResource` for `Deny` statements.",
	"fixes": {
		"terraform": "Rewrite the statement with `actions` and `resources` (`Action`/`Resource` in a `jsonencode` policy) listing what is allowed; keep `not_actions`/`not_resources` for `effect = \"Deny\"` statements.",
		"serverless": "Rewrite the statement in `provider.iam.role.statements` (or `iamRoleStatements`) with `Action` and `Resource` listing what is allowed; keep `NotAction`/`NotResource` for `Effect: Deny` statements.",
	},
}

fields := {
	"not_action": "every action except %s",
	"not_resource": "the actions on every resource except %s",
}

deny contains {
	"resource": p.id,
	"path": sprintf("statements.%d.%s", [i, field]),
	"message": sprintf("%s has an Allow statement with %s: it grants %s", [
		iam.label(p),
		key_name[field],
		sprintf(fields[field], [excluded(s[field])]),
	]),
} if {
	some p in input.policies
	p.kind in {"identity", "resource"}
	some i, s in p.statements
	s.effect == "Allow"
	some field, _ in fields
	s[field]
}

key_name := {"not_action": "NotAction", "not_resource": "NotResource"}

excluded(list) := iam.list_text(list, 3) if {
	count([x | some x in list; is_string(x)]) > 0
} else := "the listed values"

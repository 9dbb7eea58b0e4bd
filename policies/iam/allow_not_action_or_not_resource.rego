# Allow statement with `NotAction` or `NotResource`
#
# ## What it does
# Flags `Allow` statements that use `NotAction` or `NotResource`, in identity policies, in
# resource policies (bucket, queue, topic, key, secret, EFS file system and Logs destination
# policies) and in role trust policies (`AssumeRolePolicyDocument`, Terraform
# `assume_role_policy`, a SAM function's `AssumeRolePolicyDocument`). It points at the
# `NotAction` / `NotResource` value. AWS managed policies are left to FG-IAM-005.
#
# ## Why is this bad?
# `Allow` + `NotAction: iam:*` grants every action of every other service, present and future:
# it is an allow-list written as a deny-list. `Allow` + `NotResource: <one ARN>` grants the
# actions on every resource of the account except one. Either is far broader than it reads, and
# grows on its own as AWS adds services and the account adds resources. `NotAction` and
# `NotResource` belong in `Deny` statements ("deny everything except ...").
#
# In a trust policy, `Allow` + `NotAction: sts:AssumeRoleWithSAML` lets the principal call every
# other STS action on the role: assume it, pass session tags (`sts:TagSession`), set its source
# identity, and whatever action AWS adds next. A trust policy should name the one assume action its
# principal uses.
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
# In a trust policy:
# ```yaml
#     AssumeRolePolicyDocument:
#       Statement:
#         - Effect: Allow
#           Principal: {Service: lambda.amazonaws.com}
#           Action: sts:AssumeRole
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy
package faasguard.rules.iam.allow_not_action_or_not_resource

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-003",
	"title": "Allow statement with NotAction or NotResource",
	"severity": "medium",
	"area": "IAM",
	"remediation": "Rewrite the statement with `Action` and `Resource` listing what is allowed (in a role's `AssumeRolePolicyDocument`, `Action: sts:AssumeRole` or the assume action its principal uses); keep `NotAction`/`NotResource` for `Deny` statements.",
	"fixes": {
		"terraform": "Rewrite the statement with `actions` and `resources` (`Action`/`Resource` in a `jsonencode` policy) listing what is allowed (in a role's `assume_role_policy`, `actions = [\"sts:AssumeRole\"]` or the assume action its principal uses); keep `not_actions`/`not_resources` for `effect = \"Deny\"` statements.",
		"serverless": "Rewrite the statement in `provider.iam.role.statements` (or `iamRoleStatements`, or a role's `AssumeRolePolicyDocument` under `resources.Resources`) with `Action` and `Resource` listing what is allowed; keep `NotAction`/`NotResource` for `Effect: Deny` statements.",
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

# A trust policy: every STS action on the role but the listed ones.
deny contains {
	"resource": r.id,
	"path": sprintf("assume_role_policy.statements.%d.not_action", [i]),
	"message": sprintf("Trust policy of role %s has an Allow statement with NotAction: it grants every STS action on the role except %s, and any that AWS adds, where its principal needs %s: write `Action` with only that", [
		r.id,
		excluded(s.not_action),
		iam.assume_actions(s),
	]),
} if {
	some [r, i, s] in iam.trust_allows
	s.not_action
}

key_name := {"not_action": "NotAction", "not_resource": "NotResource"}

excluded(list) := iam.list_text(list, 3) if {
	count([x | some x in list; is_string(x)]) > 0
} else := "the listed values"

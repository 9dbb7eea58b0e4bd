# User or group permissions that do not require MFA
#
# ## What it does
# Reports an IAM user or group of the template whose identity policies allow actions without
# requiring MFA: no `Allow` statement of them carries an MFA condition (`Bool:
# aws:MultiFactorAuthPresent: "true"`, or an `aws:MultiFactorAuthAge` limit), and no `Deny`
# refuses requests made without MFA (`BoolIfExists: aws:MultiFactorAuthPresent: "false"`, the
# pattern AWS documents). One finding per user or group, at the first `Allow` statement without
# MFA.
#
# Inline policies, customer managed policies and AWS managed policies attached to the user or
# group all count; a policy attached to a user also gets FG-IAM-009's finding (where it is
# attached), which is a different fix. Roles are not judged: MFA is asked for when a person
# assumes them, in their trust policy.
#
# ## Why is this bad?
# A user's access key or password alone then carries every permission the user has: a leaked
# key in a CI log or a phished password is enough. Requiring MFA in the policy makes stolen
# long-lived credentials useless for anything but getting a session token with MFA.
#
# ## Example
# ```yaml
# Operators:
#   Type: AWS::IAM::Group
#   Properties:
#     ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
# ```
#
# ## Use instead
# Add a statement that denies everything but MFA setup when MFA is absent:
# ```yaml
#         - Effect: Deny
#           NotAction: [iam:CreateVirtualMFADevice, iam:EnableMFADevice, sts:GetSessionToken]
#           Resource: "*"
#           Condition:
#             BoolIfExists:
#               aws:MultiFactorAuthPresent: "false"
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage-mfa-only.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
package faasguard.rules.iam.user_permissions_without_mfa

import data.faasguard.lib
import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-014",
	"title": "User or group permissions that do not require MFA",
	"severity": "medium",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Add a `Deny` statement with `NotAction` for the MFA setup actions, `Resource: \"*\"` and `Condition: {BoolIfExists: {aws:MultiFactorAuthPresent: \"false\"}}` to the user's or group's policies, or `Bool: {aws:MultiFactorAuthPresent: \"true\"}` on each `Allow`.",
	"fixes": {
		"terraform": "Add a `statement` with `effect = \"Deny\"`, `not_actions` for the MFA setup actions, `resources = [\"*\"]` and a `condition` block (`test = \"BoolIfExists\"`, `variable = \"aws:MultiFactorAuthPresent\"`, `values = [\"false\"]`) to a policy attached to the user or group.",
	},
}

principals := {[u.id, "User"] | some u in input.users} | {[g.id, "Group"] | some g in input.groups}

# statements[principal]: [policy id, index, statement] of the principal's identity policies.
statements[who] contains [p.id, i, s] if {
	some p in input.policies
	p.kind in {"identity", "managed"}
	some who in iam.array_of(p.attached_to)
	is_string(who)
	some i, s in iam.array_of(p.statements)
}

deny contains {
	"resource": first[0],
	"path": sprintf("statements.%d", [first[1]]),
	"message": sprintf("%s %s is allowed %s without MFA: the statement has no aws:MultiFactorAuthPresent condition, and no Deny of its policies refuses requests made without MFA", [kind, who, actions(first[2])]),
} if {
	some [who, kind] in principals
	not mfa_enforced(who)
	first := min({x | some x in statements[who]; x[2].effect == "Allow"; not mfa_condition(x[2])})
}

mfa_enforced(who) if {
	some [_, _, s] in statements[who]
	s.effect == "Deny"
	some op, keys in iam.conditions(s)
	lower(op) in {"boolifexists", "bool"}
	is_object(keys)
	some key, values in keys
	lower(key) == "aws:multifactorauthpresent"
	some v in as_list(values)
	v in {false, "false"}
}

mfa_condition(s) if lib.is_unknown(s.condition)

mfa_condition(s) if {
	some op, keys in iam.conditions(s)
	lower(op) == "bool"
	is_object(keys)
	some key, values in keys
	lower(key) == "aws:multifactorauthpresent"
	some v in as_list(values)
	v in {true, "true"}
}

mfa_condition(s) if {
	some op, keys in iam.conditions(s)
	lower(op) in {"numericlessthan", "numericlessthanequals"}
	is_object(keys)
	some key, _ in keys
	lower(key) == "aws:multifactorauthage"
}

actions(s) := concat(", ", [a | some a in iam.array_of(s.action); is_string(a)]) if {
	count([a | some a in iam.array_of(s.action); is_string(a)]) > 0
} else := "every action except those in NotAction" if {
	s.not_action
} else := "actions known at deploy time"

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

# IAM group with an inline policy
#
# ## What it does
# Reports each inline policy of an IAM group.
#
# That is an entry of an `AWS::IAM::Group`'s `Policies`, an `AWS::IAM::GroupPolicy`, an
# `AWS::IAM::Policy` that names groups (CloudFormation creates it as an inline policy of each), and
# a Terraform `aws_iam_group_policy`. The finding points at the policy entry or at the group the
# policy names (at the resource for Terraform).
#
# A managed policy attached to a group (`ManagedPolicyArns`, `aws_iam_group_policy_attachment`) is
# the fix, not a finding. What the policy allows is judged by the other IAM rules.
#
# ## Why is this bad?
# An inline policy lives and dies with its group: it cannot be reused by another group or role,
# has no versions to roll back to, and does not show up where teams review their managed
# policies. Groups hold the permissions of people, which deserve the most visible form. That is
# a maintenance risk rather than a hole, hence the low severity (KICS rates it medium).
#
# ## Example
# ```yaml
# Operators:
#   Type: AWS::IAM::Group
#   Properties:
#     Policies:
#       - PolicyName: operate
#         PolicyDocument: {Statement: [{Effect: Allow, Action: "ssm:StartSession", Resource: "*"}]}
# ```
#
# ## Use instead
# A customer managed policy attached to the group:
# ```yaml
# OperatePolicy:
#   Type: AWS::IAM::ManagedPolicy
#   Properties:
#     Groups: [!Ref Operators]
#     PolicyDocument: {Statement: [{Effect: Allow, Action: "ssm:StartSession", Resource: "*"}]}
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#choosing-managed-or-inline
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#use-groups-for-permissions
package faasguard.rules.iam.group_inline_policy

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-010",
	"title": "IAM group with an inline policy",
	"severity": "low",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Move the statements into an `AWS::IAM::ManagedPolicy` with `Groups: [<group>]` (or `ManagedPolicyArns` on the group).",
	"fixes": {
		"terraform": "Move the statements of the `aws_iam_group_policy` into an `aws_iam_policy` and attach it with `aws_iam_group_policy_attachment`.",
	},
}

deny contains {
	"resource": g.id,
	"path": sprintf("policies.%d", [k]),
	"message": sprintf("Group %s has an inline policy%s: make it a managed policy attached to the group", [g.id, policy_name(p)]),
} if {
	some g in input.groups
	some k, p in iam.array_of(g.policies)
}

# `AWS::IAM::Policy` creates an inline policy in each group it names.
deny contains {
	"resource": r.id,
	"path": sprintf("properties.Groups.%d", [k]),
	"message": sprintf("Policy %s is an inline policy of group %s: make it a managed policy attached to the group", [r.id, name(who)]),
} if {
	some r in input.resources
	r.type == "AWS::IAM::Policy"
	some k, who in iam.array_of(r.properties.Groups)
}

deny contains {
	"resource": r.id,
	"path": "properties.GroupName",
	"message": sprintf("Policy %s is an inline policy of group %s: make it a managed policy attached to the group", [r.id, group]),
} if {
	some r in input.resources
	r.type == "AWS::IAM::GroupPolicy"
	# Read in the body, with a default: properties the adapter could not read (unknown) still
	# make an inline group policy, of a group known at deploy time.
	group := name(object.get(r, ["properties", "GroupName"], null))
}

# A Terraform inline group policy (at its header: an argument that refers to a group carries the
# span of the group's own block).
deny contains {
	"resource": p.id,
	"path": "",
	"message": sprintf("Policy %s is an inline policy of group %s: make it a managed policy attached to the group", [p.id, name(who)]),
} if {
	some p in input.policies
	p.type == "aws_iam_group_policy"
	some who in iam.array_of(p.attached_to)
}

# Fields are read only from objects: a group or policy written as a list or
# a scalar (a template CloudFormation would reject) names nothing.
name(v) := v if {
	is_string(v)
} else := v.ref if {
	is_object(v)
	is_string(v.ref)
} else := "(known at deploy time)"

policy_name(p) := sprintf(" (%s)", [p.PolicyName]) if {
	is_object(p)
	is_string(p.PolicyName)
} else := ""

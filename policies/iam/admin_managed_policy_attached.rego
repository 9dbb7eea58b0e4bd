# Administrator-like AWS managed policy attached
#
# ## What it does
# Flags AWS managed policies that grant administrator-level access (`AdministratorAccess`,
# `PowerUserAccess`, `IAMFullAccess`; the `admin_like` entries of `rules/managed_policies.json`)
# attached to a role, user or group: in `ManagedPolicyArns` (by ARN in any partition, also
# `!Sub arn:${AWS::Partition}:iam::aws:policy/...`) or in a SAM function's or state machine's
# `Policies` (by bare name). The finding points at the ARN or name where it is attached.
#
# ## Why is this bad?
# `AdministratorAccess` allows every action on every resource; `PowerUserAccess` everything
# except IAM and Organizations; `IAMFullAccess` lets the holder grant itself anything, so it is
# administrator access one API call away. A function, state machine or CI user with one of these
# turns any bug or leaked credential into control of the whole account.
#
# ## Example
# ```yaml
# Handler:
#   Type: AWS::Serverless::Function
#   Properties:
#     Policies:
#       - AdministratorAccess
# ```
#
# ## Use instead
# Grant what the code uses, with SAM policy templates or inline statements:
# ```yaml
#     Policies:
#       - DynamoDBCrudPolicy:
#           TableName: !Ref Orders
#       - SQSSendMessagePolicy:
#           QueueName: !GetAtt Jobs.QueueName
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-templates.html
package faasguard.rules.iam.admin_managed_policy_attached

import rego.v1

metadata := {
	"id": "FG-IAM-005",
	"title": "Administrator-like AWS managed policy attached",
	"severity": "high",
	"area": "IAM",
	"remediation": "Detach AdministratorAccess / PowerUserAccess / IAMFullAccess and grant the specific actions and resources needed (SAM policy templates or inline statements).",
	"fixes": {
		"terraform": "Detach the `AdministratorAccess` / `PowerUserAccess` / `IAMFullAccess` ARN (`policy_arn` of an `aws_iam_role_policy_attachment` or user/group attachment, an entry of a role's `managed_policy_arns`) and grant the needed actions and resources in an `aws_iam_role_policy` built from an `aws_iam_policy_document`.",
		"serverless": "Remove `arn:aws:iam::aws:policy/AdministratorAccess` (or `PowerUserAccess`, `IAMFullAccess`) from `provider.iam.role.managedPolicies` (`provider.iamManagedPolicies`, or a role's `ManagedPolicyArns` under `resources`) and list the needed actions and resources in `provider.iam.role.statements`.",
	},
}

deny contains {
	"resource": p.id,
	"path": "managed_name",
	"message": sprintf("AWS managed policy %s (%s) is attached to %s", [p.managed_name, grant_text(p.managed_name), principal(owner)]),
} if {
	some p in input.policies
	p.kind == "managed"
	p.admin_like == true
	some owner in p.attached_to
}

grants := {
	"AdministratorAccess": "every action on every resource",
	"PowerUserAccess": "every action except IAM, Organizations and account management",
	"IAMFullAccess": "iam:*, enough to grant itself anything",
}

grant_text(name) := t if {
	t := grants[name]
} else := "administrator-level access"

principal(id) := sprintf("the execution role of %s %s", [kind, owner.name]) if {
	some r in roles_by_id[id]
	r.implicit == true
	some [kind, owner] in role_owners[id]
} else := sprintf("role %s", [id]) if {
	some _ in roles_by_id[id]
} else := sprintf("%s %s", [lower(substring(r.type, 10, -1)), id]) if {
	some r in resources_by_id[id]
	r.type in {"AWS::IAM::User", "AWS::IAM::Group"}
} else := sprintf("%v", [id])

# Lookups built once per evaluation, keyed by id: a scan of every role,
# function and resource per finding made large templates quadratic.
roles_by_id[id] contains r if {
	some r in input.roles
	id := r.id
}

resources_by_id[id] contains r if {
	some r in input.resources
	id := r.id
}

# SAM names the role it creates `<Function>Role`.
role_owners[id] contains ["function", owner] if {
	some owner in input.functions
	id := concat("", [owner.id, "Role"])
}

role_owners[id] contains ["state machine", owner] if {
	some owner in input.state_machines
	id := concat("", [owner.id, "Role"])
}

# `iam:PassRole` allowed on all roles
#
# ## What it does
# Flags `Allow` statements in identity policies whose actions cover `iam:PassRole`
# (`iam:PassRole`, `iam:Pass*`, `iam:*`) and whose `Resource` is `*`, an ARN that is only
# wildcards, or every role of an account (`arn:aws:iam::123456789012:role/*`). The finding points
# at that resource. A condition such as `iam:PassedToService` does not change the finding: it
# limits which service receives the role, not which role. `Action: "*"` is FG-IAM-001's.
#
# ## Why is this bad?
# `iam:PassRole` lets the holder hand a role to a service: create a Lambda function, an ECS task
# or a CloudFormation stack that runs as that role. On `*`, the holder can pass the most
# privileged role of the account (an administrator role, a deployment role) to code it controls,
# which is a privilege escalation to everything that role can do.
#
# ## Example
# ```yaml
# Policies:
#   - Statement:
#       - Effect: Allow
#         Action: [lambda:CreateFunction, iam:PassRole]
#         Resource: "*"
# ```
#
# ## Use instead
# Pass only the roles the workload creates or launches with:
# ```yaml
#       - Effect: Allow
#         Action: iam:PassRole
#         Resource: !GetAtt WorkerRole.Arn
#         Condition:
#           StringEquals:
#             iam:PassedToService: lambda.amazonaws.com
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService
package faasguard.rules.iam.passrole_on_all_resources

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-004",
	"title": "iam:PassRole allowed on all roles",
	"severity": "high",
	"area": "IAM",
	"remediation": "Scope `iam:PassRole` to the ARNs of the roles that are passed, and add an `iam:PassedToService` condition.",
	"fixes": {
		"terraform": "Scope the `iam:PassRole` statement's `resources` to the ARNs of the roles passed (`aws_iam_role.task.arn`) and add a `condition` block with `test = \"StringEquals\"`, `variable = \"iam:PassedToService\"` and the service in `values`.",
		"serverless": "Scope the `iam:PassRole` statement's `Resource` in `provider.iam.role.statements` (or `iamRoleStatements`) to the ARNs of the roles passed, and add `Condition: {StringEquals: {iam:PassedToService: <service>.amazonaws.com}}`.",
	},
}

deny contains {
	"resource": p.id,
	"path": sprintf("statements.%d.resource.%d", [i, j]),
	"message": sprintf("%s allows %s on %s: it can pass any role, including the most privileged, to a service it controls", [iam.label(p), iam.list_text(actions, 3), s.resource[j]]),
} if {
	some [p, i, s] in iam.identity_allows
	j := min({k | some k, r in s.resource; is_string(r); all_roles(r)})
	actions := [a | some a in s.action; passrole(a)]
	count(actions) > 0
}

passrole(a) if {
	is_string(a)
	not a in {"*", "*:*"}
	iam.covers(lower(a), "iam", "passrole")
}

all_roles(r) if iam.all_resources(r)

all_roles(r) if regex.match(`^arn:[^:]+:iam::[^:]*:role/\*$`, r)

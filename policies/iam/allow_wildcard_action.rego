# Identity or trust policy allows every action (`*`, `*:*`; `sts:*` in a trust policy)
#
# ## What it does
# Flags `Allow` statements in identity policies (role, user and group policies, customer managed
# policies, SAM `Policies` statements and policy templates) whose `Action` is `*` or another
# pattern over every service (`*:*`, `*:Get*`). It reports each such action, whatever the
# statement's `Resource` says. Every action of one named service (`s3:*`) is FG-IAM-028's.
#
# It also reads role trust policies (`AssumeRolePolicyDocument`, Terraform `assume_role_policy`, a
# SAM function's `AssumeRolePolicyDocument`): there the same patterns (`*`, `sts:*`, `*:*`) allow
# every action on the role, and the finding says which assume action the trusted principal needs
# (`sts:AssumeRole` for accounts, roles and services, `sts:AssumeRoleWithWebIdentity` for OIDC
# providers, `sts:AssumeRoleWithSAML` for SAML providers). `sts:*` is reported like `*`: in a trust
# policy both grant every STS action that applies to a role. A partial pattern such as
# `sts:AssumeRole*` is not reported.
#
# Partial wildcards such as `s3:Get*` are not reported here (nor by FG-IAM-028); on `Resource: "*"` their write forms
# (`s3:Put*`) are FG-IAM-002's. AWS managed policies (`AdministratorAccess`, ...) are FG-IAM-005's.
# Who a trust policy trusts (`*`, a whole account, an OIDC provider without a subject) is
# FG-IAM-006's, FG-IAM-007's and FG-IAM-008's.
#
# An action known only at deploy time (`!Ref` of a parameter without a default, a Terraform
# variable without a value, an unresolved `${ssm:...}`) may be `*`: it is not reported, and the
# check is listed as undecided at that action.
#
# ## Why is this bad?
# `Action: "*"` is administrator access: every present and future action of every service, on
# the resources the statement names (with `Resource: "*"`, the whole account). A function needs a
# handful of actions; anyone who takes over its code (a vulnerable dependency, an injection) gets
# all of them. Checkov (CKV_AWS_62, CKV_AWS_63), KICS and the AWS Guard rules registry ask the same
# question.
#
# In a trust policy, `*` grants the trusted principal, besides assuming the role, every other STS
# action that applies to a role, today and as AWS adds them: passing session tags
# (`sts:TagSession`) and setting the session's source identity (`sts:SetSourceIdentity`) as it
# likes. Session tags can satisfy the `aws:PrincipalTag` conditions that attribute-based access
# control relies on, and a chosen source identity misnames who is behind the session in CloudTrail.
#
# ## Example
# ```yaml
# Processor:
#   Type: AWS::Serverless::Function
#   Properties:
#     Policies:
#       - Statement:
#           - Effect: Allow
#             Action: "*"
#             Resource: !Sub "${Uploads.Arn}/*"
# ```
#
# A trust policy:
# ```yaml
# DeployRole:
#   Type: AWS::IAM::Role
#   Properties:
#     AssumeRolePolicyDocument:
#       Statement:
#         - Effect: Allow
#           Principal: {AWS: arn:aws:iam::123456789012:role/ci}
#           Action: "*"
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
# generate a policy from the actions a role used (CloudTrail). In a trust policy, allow the assume
# action the principal calls (add `sts:TagSession` only when it passes session tags):
# ```yaml
#           Action: sts:AssumeRole
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
# - https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-templates.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
package faasguard.rules.iam.allow_wildcard_action

import data.faasguard.lib
import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-001",
	"title": "Identity or trust policy allows every action",
	"severity": "high",
	"area": "IAM",
	"remediation": "Replace `*` with the specific actions the function calls (or a SAM policy template); in a role's `AssumeRolePolicyDocument`, with the assume action its principal uses (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`).",
	"fixes": {
		"terraform": "Replace `*` in the statement's `actions` (a `statement` of a `data \"aws_iam_policy_document\"`, or `Action` in a `jsonencode` policy) with the specific actions the function calls; in a role's `assume_role_policy`, with the assume action its principal uses (`sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`).",
		"serverless": "Replace `*` in the statement's `Action` (`provider.iam.role.statements`, `provider.iamRoleStatements` or a function's `iamRoleStatements`) with the specific actions the function calls; in the `AssumeRolePolicyDocument` of a role under `resources.Resources`, with the assume action its principal uses (`sts:AssumeRole`).",
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
	# Every wildcard pattern has a `*`: the call is made for those only.
	contains(a, "*")
	iam.full_wildcard(a)
	not iam.service_wildcard(a)
}

# A trust policy: every action on the role.
deny contains {
	"resource": r.id,
	"path": sprintf("assume_role_policy.statements.%d.action.%d", [i, j]),
	"message": sprintf("Trust policy of role %s allows %s, every STS action on the role (assuming it, but also tagging the session and setting its source identity), where its principal needs %s: allow only that", [r.id, a, iam.assume_actions(s)]),
} if {
	some [r, i, s] in iam.trust_allows
	some j, a in iam.array_of(s.action)
	is_string(a)
	contains(a, "*")
	iam.full_wildcard(a)
}

# An action known only at deploy time (a parameter without a default, a variable without a value)
# may be `*`: the check is listed as undecided at that action rather than passed in silence.
undecided contains lib.undecided(p, sprintf("statements.%d.action.%d", [i, j]), a) if {
	some [p, i, s] in iam.identity_allows
	is_array(s.action)
	some j, a in s.action
	lib.is_unknown(a)
}

undecided contains lib.undecided(r, sprintf("assume_role_policy.statements.%d.action.%d", [i, j]), a) if {
	some [r, i, s] in iam.trust_allows
	is_array(s.action)
	some j, a in s.action
	lib.is_unknown(a)
}

scope(a) := "every action of every service (administrator access)" if {
	a in {"*", "*:*"}
} else := "the matching actions of every service"

# Role trusts a whole AWS account without `sts:ExternalId` or MFA
#
# ## What it does
# Reports a role whose trust policy lets every principal of an AWS account assume it, with no
# external id, MFA or principal condition.
#
# That is an `Allow` statement whose `AWS` principal is a whole account (`"123456789012"` or
# `arn:aws:iam::123456789012:root`) and whose `Condition` neither asks for an external id
# (`sts:ExternalId`), nor for MFA (`aws:MultiFactorAuthPresent: "true"` with `Bool`, or
# an `aws:MultiFactorAuthAge` limit), nor narrows the caller to named principals of that account
# (`aws:PrincipalArn`, `aws:userid`, `aws:username` with a value other than `*`). The finding
# points at the account principal.
#
# `Principal: "*"` and `arn:aws:iam::*:root` (every account) are FG-IAM-006's, which rates them
# critical; a role or user ARN (`arn:aws:iam::123456789012:role/deployer`) is a named principal,
# not a whole account. Trust in the template's own account (`!Sub
# arn:aws:iam::${AWS::AccountId}:root`, `data.aws_caller_identity.current.account_id`) is not
# known while scanning and is not reported: it delegates the decision to that account's own
# identity policies. A `BoolIfExists` MFA condition does not count: a caller with long-term keys
# carries no MFA key at all and passes it. An unknown principal, or a condition the scanner could
# not read, gives no finding.
#
# ## Why is this bad?
# Trusting `arn:aws:iam::123456789012:root` lets every user and role of that account that is
# allowed `sts:AssumeRole` become this role: a CI job, a developer's leaked key, or, when the
# account belongs to a vendor, any of the vendor's other customers' integrations that the vendor
# runs as the same principal (the confused deputy problem). An external id, agreed with the vendor
# and kept secret per customer, stops the vendor from being tricked into assuming your role for
# someone else; MFA stops long-term keys from being enough.
#
# ## Example
# ```yaml
# AuditRole:
#   Type: AWS::IAM::Role
#   Properties:
#     AssumeRolePolicyDocument:
#       Statement:
#         - Effect: Allow
#           Principal:
#             AWS: arn:aws:iam::123456789012:root
#           Action: sts:AssumeRole
# ```
#
# ## Use instead
# Ask the vendor for an external id, or trust the one role that needs it:
# ```yaml
#         - Effect: Allow
#           Principal:
#             AWS: arn:aws:iam::123456789012:root
#           Action: sts:AssumeRole
#           Condition:
#             StringEquals:
#               sts:ExternalId: !Ref VendorExternalId
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
package faasguard.rules.iam.account_trust_without_external_id

import data.faasguard.lib
import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-007",
	"title": "Role trusts a whole AWS account without sts:ExternalId or MFA",
	"severity": "high",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Trust the role or user that needs the role (`arn:aws:iam::<account>:role/<name>`) instead of the account, or add a condition: `StringEquals: {sts:ExternalId: <id agreed with the other account>}` for a vendor, `Bool: {aws:MultiFactorAuthPresent: \"true\"}` for people.",
	"fixes": {
		"terraform": "In the role's `assume_role_policy` (a `data \"aws_iam_policy_document\"` statement or `jsonencode`), replace the account in `principals`/`Principal.AWS` with the ARN of the role or user that needs the role, or add a `condition` block with `test = \"StringEquals\"`, `variable = \"sts:ExternalId\"` and the agreed id in `values` (or `test = \"Bool\"`, `variable = \"aws:MultiFactorAuthPresent\"`, `values = [\"true\"]`).",
		"serverless": "In the role's `AssumeRolePolicyDocument` under `resources.Resources`, replace the account in `Principal.AWS` with the ARN of the role or user that needs the role, or add `Condition: {StringEquals: {sts:ExternalId: <agreed id>}}` (or `Bool: {aws:MultiFactorAuthPresent: \"true\"}`).",
	},
}

deny contains {
	"resource": r.id,
	"path": sprintf("assume_role_policy.statements.%d.principal.AWS.%d", [i, j]),
	"message": sprintf("Trust policy of role %s lets every principal of account %s assume it (%s), and no condition narrows it (a specific sts:ExternalId, MFA, or aws:PrincipalArn)", [r.id, account, who]),
} if {
	some r in input.roles
	some i, s in iam.array_of(r.assume_role_policy.statements)
	s.effect == "Allow"
	some j, who in iam.array_of(s.principal.AWS)
	is_string(who)
	account := whole_account(who)
	not guarded(s)
}

# The account id of a principal that names a whole account.
whole_account(who) := who if regex.match(`^[0-9]{12}$`, who)

whole_account(who) := split(who, ":")[4] if regex.match(`^arn:aws[a-z-]*:iam::[0-9]{12}:root$`, who)

# A condition the adapter could not read is given the benefit of the doubt.
guarded(s) if {
	s.condition
	not is_object(s.condition)
}

guarded(s) if lib.is_unknown(s.condition)

guarded(s) if {
	some op, keys in iam.conditions(s)
	is_object(keys)
	some key, values in keys
	guard(operator(op), lower(key), values)
}

# `ForAnyValue:StringEquals` holds like `StringEquals` for a single-valued key.
operator(op) := trim_prefix(trim_prefix(lower(op), "foranyvalue:"), "forallvalues:")

# An external id: any known value, or a value from a parameter (unknown, but set).
guard(op, "sts:externalid", values) if {
	op in {"stringequals", "stringlike"}
	specific(values)
}

guard("bool", "aws:multifactorauthpresent", values) if {
	some v in as_list(values)
	v in {true, "true"}
}

guard(op, "aws:multifactorauthage", _) if op in {"numericlessthan", "numericlessthanequals"}

guard(op, key, values) if {
	key in {"aws:principalarn", "aws:userid", "aws:username"}
	op in {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
	specific(values)
}

# Known not to be `*` (or an ARN of any principal of an account); unknown values count as
# specific.
specific(values) if {
	vs := as_list(values)
	count(vs) > 0
	not any_wildcard(vs)
}

any_wildcard(vs) if {
	some v in vs
	is_string(v)
	wildcard(v)
}

wildcard(v) if v == "*"

wildcard(v) if regex.match(`^arn:[^:]*:(iam|sts)::[^:]*:\*$`, v)

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

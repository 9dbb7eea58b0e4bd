# Cognito identity pool allows unauthenticated identities
#
# ## What it does
# Reports a Cognito identity pool that hands out AWS credentials to unauthenticated (guest)
# identities: `AllowUnauthenticatedIdentities: true` (`allow_unauthenticated_identities = true`).
# The finding points at the setting and names the role guests get when the template attaches one
# (`AWS::Cognito::IdentityPoolRoleAttachment`, `aws_cognito_identity_pool_roles_attachment`).
#
# Guest access is sometimes intended (a public app that writes analytics events); the finding then
# asks for the guest role to be reviewed and kept minimal. An unknown setting gives no finding.
#
# ## Why is this bad?
# Anyone on the internet who knows the pool id (it ships in the app) can call
# `GetId`/`GetCredentialsForIdentity` and receive temporary AWS credentials for the guest role,
# with no sign-in at all. Whatever that role allows (a bucket, a table, a function) is open to
# everyone, and guest identities are free to create in bulk.
#
# ## Example
# ```yaml
# AppIdentities:
#   Type: AWS::Cognito::IdentityPool
#   Properties:
#     AllowUnauthenticatedIdentities: true
# ```
#
# ## Use instead
# Require sign-in through the pool's providers:
# ```yaml
#     AllowUnauthenticatedIdentities: false
#     CognitoIdentityProviders:
#       - ClientId: !Ref AppClient
#         ProviderName: !GetAtt UserPool.ProviderName
# ```
#
# ## References
# - https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools.html#enable-or-disable-unauthenticated-identities
# - https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html
package faasguard.rules.iam.identity_pool_allows_guests

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-IAM-019",
	"title": "Cognito identity pool allows unauthenticated identities",
	"severity": "medium",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Set `AllowUnauthenticatedIdentities: false`; if guests are intended, keep the unauthenticated role to the few actions guests need, on named resources.",
	"fixes": {
		"terraform": "Set `allow_unauthenticated_identities = false` on the `aws_cognito_identity_pool`; if guests are intended, keep the `unauthenticated` role of the `aws_cognito_identity_pool_roles_attachment` to the few actions guests need, on named resources.",
	},
}

deny contains {
	"resource": p.id,
	"path": "allow_unauthenticated",
	"message": sprintf("Identity pool %s gives AWS credentials to unauthenticated identities%s: anyone with the pool id gets them without signing in", [p.id, role_text(p)]),
} if {
	some p in input.identity_pools
	p.allow_unauthenticated == true
}

role_text(p) := sprintf(" (role %s)", [p.unauthenticated_role]) if {
	is_string(p.unauthenticated_role)
} else := sprintf(" (role %s)", [p.unauthenticated_role.ref]) if {
	is_string(p.unauthenticated_role.ref)
} else := ""

# Whether guests are allowed is unknown until deployment: listed, not reported.
undecided contains lib.undecided(p, "allow_unauthenticated", p.allow_unauthenticated) if {
	some p in input.identity_pools
	lib.is_unknown(p.allow_unauthenticated)
}

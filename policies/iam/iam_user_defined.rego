# IAM user defined in a serverless template
#
# ## What it does
# Reports each IAM user the template defines (`AWS::IAM::User`, Terraform `aws_iam_user`), at
# the resource.
#
# Its login profile, access keys and directly attached policies are reported by FG-IAM-011,
# FG-IAM-012 and FG-IAM-009 at their own places; this rule says that the user should not exist,
# even when it has none of those yet.
#
# ## Why is this bad?
# IAM users are long-lived identities: a user defined next to an application is usually a
# service account for something that should assume a role, or a person who should come in
# through IAM Identity Center. Either way the credentials it will get are managed by hand,
# outside the template's lifecycle, and are the first thing leaked.
#
# ## Example
# ```yaml
# ReportsUploader:
#   Type: AWS::IAM::User
# ```
#
# ## Use instead
# A role the uploader assumes (OIDC federation for CI, an execution role for compute), or IAM
# Identity Center for people.
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles
package faasguard.rules.iam.iam_user_defined

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-013",
	"title": "IAM user defined in a serverless template",
	"severity": "low",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Replace the IAM user with a role that the workload or CI job assumes, or with IAM Identity Center access for people.",
	"fixes": {
		"terraform": "Replace the `aws_iam_user` with an `aws_iam_role` that the workload or CI job assumes (OIDC federation for CI), or with IAM Identity Center access for people.",
	},
}

deny contains {
	"resource": u.id,
	"path": "",
	"message": sprintf("IAM user %s is defined here: workloads and CI jobs should assume roles, and people should sign in through IAM Identity Center", [label(u)]),
} if {
	some u in input.users
}

label(u) := sprintf("%s (%s)", [u.id, u.user_name]) if {
	is_string(u.user_name)
	u.user_name != u.id
} else := u.id

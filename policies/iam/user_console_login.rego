# IAM user with a console login profile
#
# ## What it does
# Reports an IAM user the template gives a console password: an `AWS::IAM::User` with a
# `LoginProfile`, or a Terraform `aws_iam_user_login_profile` (also for a user defined outside the
# unit). The finding points at the login profile and says whether the user must change the
# password at first sign-in (`PasswordResetRequired`).
#
# A login profile without `PasswordResetRequired: true` is the same finding, not a second one:
# the template should not create console users at all. The password written in the template is
# FG-SEC-001's.
#
# ## Why is this bad?
# A console password is a long-lived credential of a person, created by a deployment pipeline:
# its initial value passes through the template or the Terraform state, nothing ties it to MFA,
# and it outlives the person's job unless someone remembers to delete it. People should sign in
# through IAM Identity Center or another identity provider, with MFA and one place to revoke
# access.
#
# ## Example
# ```yaml
# Alice:
#   Type: AWS::IAM::User
#   Properties:
#     LoginProfile:
#       Password: !Ref InitialPassword
# ```
#
# ## Use instead
# Give people access through IAM Identity Center (permission sets) or a federated role; leave
# `LoginProfile` out of templates.
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp
# - https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-iam-user-loginprofile.html
package faasguard.rules.iam.user_console_login

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-011",
	"title": "IAM user with a console login profile",
	"severity": "medium",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Remove the `LoginProfile` and give the person access through IAM Identity Center or a federated role with MFA.",
	"fixes": {
		"terraform": "Remove the `aws_iam_user_login_profile` and give the person access through IAM Identity Center (`aws_ssoadmin_account_assignment`) or a federated role with MFA.",
	},
}

deny contains {
	"resource": u.id,
	"path": "login_profile",
	"message": sprintf("User %s has a console password (login profile)%s: people should sign in through IAM Identity Center or a federated role", [u.id, reset_text(u.login_profile)]),
} if {
	some u in input.users
	u.login_profile
}

# A login profile for a user defined outside the unit (or not known while scanning).
deny contains {
	"resource": r.id,
	"path": "properties.user",
	"message": sprintf("%s gives user %s a console password%s: people should sign in through IAM Identity Center or a federated role", [r.id, r.properties.user, reset_text(r.properties)]),
} if {
	some r in input.resources
	r.type == "aws_iam_user_login_profile"
	not r.mode
	is_string(r.properties.user)
	not r.properties.user in user_names
}

user_names := {u.user_name | some u in input.users; is_string(u.user_name)}

reset_text(p) := ", which need not be changed at first sign-in" if {
	not p.password_reset_required == true
} else := ""

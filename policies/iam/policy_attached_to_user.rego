# Permissions granted directly to a user instead of a group or role
#
# ## What it does
# Reports each place where the template grants permissions to an IAM user directly, instead of
# to a group the user belongs to or a role the user assumes.
#
# The places: an inline policy of an `AWS::IAM::User` (`Policies`) and a managed policy ARN in its
# `ManagedPolicyArns`; an `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy` or
# `AWS::IAM::UserPolicy` that names users (`Users`, `UserName`), whether the user is defined in
# the template or not; in Terraform an `aws_iam_user_policy`, an `aws_iam_user_policy_attachment`
# and an `aws_iam_policy_attachment` with `users`; and a Google project grant
# (`google_project_iam_member`, `google_project_iam_binding`) to a `user:` member. The finding
# points at the policy entry, the ARN, the user entry or the member (at the resource for a
# Terraform policy or attachment).
#
# Where a user's permissions come from is this rule's question; what those permissions allow is
# judged by the other IAM rules, and a user policy without MFA by FG-IAM-014, so one user policy
# can carry a finding of each: fixing one does not fix the other.
#
# ## Why is this bad?
# Permissions attached to individual users are granted and revoked person by person: they pile
# up, survive role changes, and nobody can tell who may do what without reading every user.
# Groups (for people) and roles (for workloads and federated people) keep one place per job to
# review, and a leaver loses everything by leaving the group.
#
# ## Example
# ```yaml
# Alice:
#   Type: AWS::IAM::User
#   Properties:
#     ManagedPolicyArns:
#       - arn:aws:iam::aws:policy/AmazonS3FullAccess
# ```
#
# ## Use instead
# Attach the policy to a group and put the user in it:
# ```yaml
# DataEngineers:
#   Type: AWS::IAM::Group
#   Properties:
#     ManagedPolicyArns:
#       - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
# Alice:
#   Type: AWS::IAM::User
#   Properties:
#     Groups: [!Ref DataEngineers]
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#use-groups-for-permissions
# - https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-2
# - https://cloud.google.com/iam/docs/using-iam-securely#policy_management
package faasguard.rules.iam.policy_attached_to_user

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-009",
	"title": "Permissions granted directly to a user instead of a group or role",
	"severity": "medium",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Attach the policy to an IAM group and add the user to it (`Groups` of the `AWS::IAM::User`), or to a role the user assumes.",
	"fixes": {
		"terraform": "Attach the policy to an `aws_iam_group` (`aws_iam_group_policy_attachment`, `aws_iam_group_policy`) and add the user with `aws_iam_user_group_membership`; on Google, grant the role to a `group:` member instead of `user:`.",
	},
}

# The inline policies of a user.
deny contains {
	"resource": u.id,
	"path": sprintf("policies.%d", [k]),
	"message": sprintf("User %s has an inline policy%s: its permissions belong to a group or role", [u.id, policy_name(p)]),
} if {
	some u in input.users
	some k, p in iam.array_of(u.policies)
}

# The managed policies of a user.
deny contains {
	"resource": u.id,
	"path": sprintf("managed_policy_arns.%d", [k]),
	"message": sprintf("User %s has managed policy %s attached: attach it to a group or role instead", [u.id, arn_text(arn)]),
} if {
	some u in input.users
	some k, arn in iam.array_of(u.managed_policy_arns)
}

# A CloudFormation policy resource that names users (in the template or not: every entry of
# `Users` is a user, also one only known at deploy time).
deny contains {
	"resource": r.id,
	"path": sprintf("properties.Users.%d", [k]),
	"message": sprintf("Policy %s is attached to user %s: attach it to a group or role instead", [r.id, name(who)]),
} if {
	some r in input.resources
	r.type in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}
	some k, who in iam.array_of(r.properties.Users)
}

deny contains {
	"resource": r.id,
	"path": "properties.UserName",
	"message": sprintf("Policy %s is an inline policy of user %s: attach it to a group or role instead", [r.id, name(r.properties.UserName)]),
} if {
	some r in input.resources
	r.type == "AWS::IAM::UserPolicy"
}

# A Terraform inline user policy (at its header: an argument that refers to a user carries the
# span of the user's own block).
deny contains {
	"resource": p.id,
	"path": "",
	"message": sprintf("Policy %s is an inline policy of user %s: attach it to a group or role instead", [p.id, name(who)]),
} if {
	some p in input.policies
	p.type == "aws_iam_user_policy"
	some who in iam.array_of(p.attached_to)
}

# Terraform attachments of a policy to users.
deny contains {
	"resource": r.id,
	"path": "",
	"message": sprintf("%s attaches %s to user %s: attach it to a group or role instead", [r.id, arn_text(r.properties.policy_arn), text(r.properties.user)]),
} if {
	some r in input.resources
	r.type == "aws_iam_user_policy_attachment"
	not r.mode
}

deny contains {
	"resource": r.id,
	"path": "",
	"message": sprintf("%s attaches %s to %s %s: attach it to a group or role instead", [r.id, arn_text(r.properties.policy_arn), noun, concat(", ", users)]),
} if {
	some r in input.resources
	r.type == "aws_iam_policy_attachment"
	not r.mode
	users := [text(u) | some u in iam.array_of(r.properties.users)]
	count(users) > 0
	noun := plural(count(users), "user")
}

plural(1, word) := word

plural(n, word) := sprintf("%ss", [word]) if n != 1

# Google project roles granted to a person's account.
deny contains {
	"resource": r.id,
	"path": "properties.member",
	"message": sprintf("%s grants %s to %s directly: grant it to a group", [r.id, text(r.properties.role), r.properties.member]),
} if {
	some r in input.resources
	r.type == "google_project_iam_member"
	not r.mode
	is_string(r.properties.member)
	startswith(r.properties.member, "user:")
}

deny contains {
	"resource": r.id,
	"path": sprintf("properties.members.%d", [k]),
	"message": sprintf("%s grants %s to %s directly: grant it to a group", [r.id, text(r.properties.role), m]),
} if {
	some r in input.resources
	r.type == "google_project_iam_binding"
	not r.mode
	some k, m in iam.array_of(r.properties.members)
	is_string(m)
	startswith(m, "user:")
}

# A user as written: its id or name, the resource a deploy-time value refers to.
name(v) := v if {
	is_string(v)
} else := v.ref if {
	is_string(v.ref)
} else := "(known at deploy time)"

policy_name(p) := sprintf(" (%s)", [p.PolicyName]) if {
	is_string(p.PolicyName)
} else := ""

arn_text(arn) := arn if {
	is_string(arn)
} else := arn.ref if {
	is_string(arn.ref)
} else := "(known at deploy time)"

text(v) := v if {
	is_string(v)
} else := "(unknown)"

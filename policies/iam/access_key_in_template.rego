# Long-lived access key created in the template
#
# ## What it does
# Reports an access key the template creates: an `AWS::IAM::AccessKey` or Terraform
# `aws_iam_access_key` that is not `Inactive`, and a Google `google_service_account_key`. The
# finding points at the key resource; its message says when the key is for the root user, and
# when one user gets more than one active key in the unit.
#
# Keys written into the template as literals are FG-SEC-001's; this rule is about keys the
# deployment creates.
#
# ## Why is this bad?
# A created key's secret comes back as a stack output, a `GetAtt`, or a value in the Terraform
# state, where anyone who can read the stack or the state can take it. It never expires, works
# from anywhere, and is usually copied into CI settings and laptops. Workloads should use roles
# (Lambda execution roles, OIDC federation for CI, workload identity on Google); people should
# use IAM Identity Center. A root user key is the account itself.
#
# ## Example
# ```yaml
# DeployerKey:
#   Type: AWS::IAM::AccessKey
#   Properties:
#     UserName: !Ref Deployer
# ```
#
# ## Use instead
# A role the CI job assumes through OIDC federation (see FG-IAM-008), or a role of the compute
# that runs the code; no `AWS::IAM::AccessKey`.
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html
# - https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys
package faasguard.rules.iam.access_key_in_template

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-012",
	"title": "Long-lived access key created in the template",
	"severity": "high",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Remove the `AWS::IAM::AccessKey`: let the workload assume a role (an execution role, OIDC federation for CI) instead of holding a key.",
	"fixes": {
		"terraform": "Remove the `aws_iam_access_key` (or `google_service_account_key`): let the workload assume a role (OIDC federation for CI, `aws_iam_role` for compute, Google workload identity federation) instead of holding a key.",
	},
}

deny contains {
	"resource": k.id,
	"path": "",
	"message": sprintf("%s creates a long-lived access key for %s%s: whoever reads the stack outputs or the state can use it", [k.id, owner(k), extra(k)]),
} if {
	some k in input.access_keys
	k.cloud == "aws"
	active(k)
}

deny contains {
	"resource": k.id,
	"path": "",
	"message": sprintf("%s creates a long-lived private key for service account %s: whoever reads the state can act as the service account", [k.id, text(k.service_account)]),
} if {
	some k in input.access_keys
	k.cloud == "gcp"
}

active(k) if not k.status

active(k) if {
	is_string(k.status)
	lower(k.status) != "inactive"
}

owner(k) := "the root user" if {
	root(k.user)
} else := sprintf("user %s", [k.user]) if {
	is_string(k.user)
} else := "a user known only at deploy time"

root(u) if {
	is_string(u)
	lower(u) == "root"
}

# Active AWS keys per user.
keys_of[u] contains k.id if {
	some k in input.access_keys
	k.cloud == "aws"
	active(k)
	u := k.user
	is_string(u)
}

extra(k) := sprintf(" (the user gets %d active keys here)", [count(keys_of[k.user])]) if {
	count(keys_of[k.user]) > 1
} else := ""

text(v) := v if {
	is_string(v)
} else := "(known at deploy time)"

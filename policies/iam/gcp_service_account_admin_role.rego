# Google service account granted a basic (Owner/Editor) or admin role on the project
#
# ## What it does
# Flags project, folder and organization IAM grants (`google_project_iam_*`,
# `google_folder_iam_*`, `google_organization_iam_*`: members, bindings, and
# the bindings of an `_iam_policy`) that give a service account
# (`serviceAccount:` member) a basic role (`roles/owner`, `roles/editor`) or
# an administrator role (a predefined role whose name ends in `admin`, such
# as `roles/iam.securityAdmin`, `roles/storage.admin`,
# `roles/resourcemanager.projectIamAdmin`). The finding points at the member.
#
# A role or member the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# A service account is what a function or a pipeline runs as: anyone who can
# deploy code to it, steal its key or impersonate it gets its roles. Editor
# can change almost every resource in the project, Owner can also grant
# itself anything, and the admin roles control IAM, keys or whole services.
# A compromised function then becomes a compromised project. Give each
# workload a dedicated account with predefined roles scoped to the resources
# it uses.
#
# ## Example
# ```hcl
# resource "google_project_iam_member" "deployer" {
#   project = "orders-prod"
#   role    = "roles/editor"
#   member  = "serviceAccount:orders@orders-prod.iam.gserviceaccount.com"
# }
# ```
#
# ## Use instead
# ```hcl
#   role = "roles/datastore.user"
# ```
# or grant the role on the one resource the account uses
# (`google_storage_bucket_iam_member`, `google_pubsub_topic_iam_member`).
#
# ## References
# - https://cloud.google.com/iam/docs/service-account-overview#roles
# - https://cloud.google.com/iam/docs/best-practices-service-accounts#restrict-admin-privileges
# - https://cloud.google.com/iam/docs/understanding-roles#basic
package faasguard.rules.iam.gcp_service_account_admin_role

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-IAM-023",
	"title": "Google service account granted a basic (Owner/Editor) or admin role on the project",
	"severity": "high",
	"area": "IAM",
	"formats": ["terraform"],
	"remediation": "Grant the service account predefined roles that cover what it does, on the resources it uses, instead of Owner, Editor or an admin role on the project.",
	"fixes": {"terraform": "In the `google_project_iam_member` / `_binding` (or the folder or organization one), replace `roles/owner`, `roles/editor` or the `*admin` role with the narrow predefined roles the service account needs, or grant them on the resource itself (`google_storage_bucket_iam_member`, `google_pubsub_topic_iam_member`, ...)."},
}

deny contains {
	"resource": b.id,
	"path": sprintf("members.%d", [k]),
	"message": sprintf("%s grants %s on %s %s to %s: %s on the whole %s; grant narrow predefined roles on the resources it uses", [b.id, b.role, b.resource_kind, target(b), m, kind_of(b.role), b.resource_kind]),
} if {
	some b in input.iam_bindings
	b.resource_kind in {"project", "folder", "organization"}
	is_string(b.role)
	kind_of(b.role)
	some k, m in b.members
	is_string(m)
	startswith(m, "serviceAccount:")
}

# Basic roles, then predefined administrator roles.
kind_of(role) := "a basic role that can change almost everything" if {
	role in {"roles/owner", "roles/editor"}
} else := "an administrator role" if {
	startswith(role, "roles/")
	endswith(lower(role), "admin")
}

target(b) := b.resource if is_string(b.resource)

else := "(known at apply)"

undecided contains lib.undecided(b, "role", b.role) if {
	some b in input.iam_bindings
	b.resource_kind in {"project", "folder", "organization"}
	lib.is_unknown(b.role)
	some m in b.members
	is_string(m)
	startswith(m, "serviceAccount:")
}

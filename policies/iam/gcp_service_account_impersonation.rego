# Google member granted service-account impersonation on a project, folder or organization
#
# ## What it does
# Flags project, folder and organization IAM grants (`google_project_iam_*`,
# `google_folder_iam_*`, `google_organization_iam_*`: members, bindings, and
# the bindings of an `_iam_policy`) of a role that lets its member act as
# every service account below the grant, to any member. The finding points
# at the member.
#
# The roles:
# - directly: Service Account User (`roles/iam.serviceAccountUser`), Service
#   Account Token Creator (`roles/iam.serviceAccountTokenCreator`), Service
#   Account Key Admin (`roles/iam.serviceAccountKeyAdmin`, keys for any
#   account), Workload Identity User (`roles/iam.workloadIdentityUser`), and
#   the basic roles Owner and Editor and the Dataproc Editor and Admin roles,
#   which include `iam.serviceAccounts.actAs`;
# - in one step: Service Account Admin (`roles/iam.serviceAccountAdmin`, which
#   sets any account's IAM policy) and the roles that set the IAM policy of
#   the project, folder or organization itself (`roles/iam.securityAdmin`,
#   `roles/resourcemanager.projectIamAdmin`, `folderIamAdmin`, `folderAdmin`,
#   `organizationAdmin`).
#
# A `serviceAccount:` member granted Owner, Editor or an admin role is
# FG-IAM-023's (a workload with a basic or admin role) and is not reported
# twice here.
#
# The same roles granted on one service account
# (`google_service_account_iam_member`) are the intended use and are not
# reported. A role or member the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# Granted on the project, these roles apply to every service account in it,
# present and future: the member can act as (deploy code running as, or mint
# access tokens for) any of them, including the most privileged, so the grant
# is worth the sum of every service account's roles. It is a classic
# privilege-escalation path, and the audit log shows the impersonated account,
# not the person.
#
# ## Example
# ```hcl
# resource "google_project_iam_member" "deployers" {
#   project = "orders-prod"
#   role    = "roles/iam.serviceAccountUser"
#   member  = "group:deployers@example.com"
# }
# ```
#
# ## Use instead
# ```hcl
# resource "google_service_account_iam_member" "deployers" {
#   service_account_id = google_service_account.orders.name
#   role               = "roles/iam.serviceAccountUser"
#   member             = "group:deployers@example.com"
# }
# ```
#
# ## References
# - https://cloud.google.com/iam/docs/service-account-permissions#user-role
# - https://cloud.google.com/iam/docs/best-practices-service-accounts#project-folder-grants
# - https://cloud.google.com/iam/docs/service-account-impersonation
package faasguard.rules.iam.gcp_service_account_impersonation

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-IAM-024",
	"title": "Google member granted service-account impersonation on a project, folder or organization",
	"severity": "high",
	"area": "IAM",
	"formats": ["terraform"],
	"remediation": "Grant Service Account User or Token Creator on the one service account the member needs to act as, not on the project; replace basic and IAM admin roles with the narrow predefined roles the member needs.",
	"fixes": {"terraform": "Remove the grant from the `google_project_iam_*` (or folder, organization) resource: grant `roles/iam.serviceAccountUser` / `roles/iam.serviceAccountTokenCreator` with a `google_service_account_iam_member` on the one service account the member needs, and replace basic, Key Admin and IAM admin roles with narrow predefined roles."},
}

impersonation := {
	"roles/iam.serviceAccountUser": "act as (deploy code running as)",
	"roles/iam.serviceAccountTokenCreator": "mint access tokens for",
	"roles/iam.serviceAccountKeyAdmin": "create keys for, and so sign in as,",
	"roles/iam.workloadIdentityUser": "impersonate through workload identity",
	"roles/owner": "act as (the basic role includes iam.serviceAccounts.actAs)",
	"roles/editor": "act as (the basic role includes iam.serviceAccounts.actAs)",
	"roles/dataproc.editor": "run clusters and jobs as (the role includes iam.serviceAccounts.actAs)",
	"roles/dataproc.admin": "run clusters and jobs as (the role includes iam.serviceAccounts.actAs)",
	"roles/iam.serviceAccountAdmin": "grant itself the Token Creator role on, and so impersonate,",
	"roles/iam.securityAdmin": "grant itself any role on, and so impersonate,",
	"roles/resourcemanager.projectIamAdmin": "grant itself any role on, and so impersonate,",
	"roles/resourcemanager.folderIamAdmin": "grant itself any role on, and so impersonate,",
	"roles/resourcemanager.folderAdmin": "grant itself any role on, and so impersonate,",
	"roles/resourcemanager.organizationAdmin": "grant itself any role on, and so impersonate,",
}

# A service account granted a basic or admin role is FG-IAM-023's finding.
reported_by_admin_rule(role, m) if {
	startswith(m, "serviceAccount:")
	role in {"roles/owner", "roles/editor"}
}

reported_by_admin_rule(role, m) if {
	startswith(m, "serviceAccount:")
	endswith(lower(role), "admin")
}

deny contains {
	"resource": b.id,
	"path": sprintf("members.%d", [k]),
	"message": sprintf("%s grants %s on %s %s to %s: it can %s every service account in the %s, whatever their roles; grant it on one service account (google_service_account_iam_member)", [b.id, b.role, b.resource_kind, target(b), who(m), impersonation[b.role], b.resource_kind]),
} if {
	some b in input.iam_bindings
	b.resource_kind in {"project", "folder", "organization"}
	impersonation[b.role]
	some k, m in b.members
	lib.known(m)
	not reported_by_admin_rule(b.role, m)
}

who(m) := m if is_string(m)

else := "a member"

target(b) := b.resource if is_string(b.resource)

else := "(known at apply)"

undecided contains lib.undecided(b, "role", b.role) if {
	some b in input.iam_bindings
	b.resource_kind in {"project", "folder", "organization"}
	lib.is_unknown(b.role)
}

# Function or Cloud Run service runs as the default compute service account, or roles are granted to it
#
# ## What it does
# Flags:
# - Cloud Functions and Cloud Run services that set no service account, so
#   they run as a default one: the Compute Engine default service account
#   (`PROJECT_NUMBER-compute@developer.gserviceaccount.com`) for 2nd gen
#   functions and Cloud Run, the App Engine default service account
#   (`PROJECT_ID@appspot.gserviceaccount.com`) for 1st gen functions
#   (finding at the resource);
# - functions and services that name one of those default accounts
#   (finding at the account);
# - project, folder and organization IAM grants to a default account
#   (finding at the member).
#
# A service account the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# The default service accounts are shared by every workload in the project
# that does not choose its own, and Google grants them the Editor role on the
# project unless the organization policy
# `iam.automaticIamGrantsForDefaultServiceAccounts` is enforced. Code in any
# function running as one can change almost everything in the project, and
# every role added to it is added to all of them. A dedicated service account
# per function carries only what that function needs.
#
# ## Example
# ```hcl
# resource "google_cloudfunctions2_function" "api" {
#   service_config {
#     available_memory = "256M"
#   }
# }
# ```
#
# ## Use instead
# ```hcl
#   service_config {
#     service_account_email = google_service_account.api.email
#   }
# ```
#
# ## References
# - https://cloud.google.com/functions/docs/securing/function-identity
# - https://cloud.google.com/run/docs/securing/service-identity
# - https://cloud.google.com/iam/docs/service-account-types#default
package faasguard.rules.iam.gcp_default_service_account

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-IAM-025",
	"title": "Function or Cloud Run service runs as the default compute service account, or roles are granted to it",
	"severity": "medium",
	"area": "IAM",
	"formats": ["terraform"],
	"remediation": "Create a service account for each function or service, grant it only the roles it needs, and run the function as it.",
	"fixes": {"terraform": "Create a `google_service_account` for the function and set it: `service_account_email` on the `google_cloudfunctions_function` (in `service_config` of the `google_cloudfunctions2_function`), `template.spec.service_account_name` on the `google_cloud_run_service`, `template.service_account` on the `google_cloud_run_v2_service`; grant roles to that account instead of the `-compute@developer.gserviceaccount.com` or `@appspot.gserviceaccount.com` one."},
}

# No service account: a default one.
deny contains {
	"resource": f.id,
	"path": "",
	"message": sprintf("%s sets no %s, so it runs as the %s, which is shared by every workload that does not choose its own and holds Editor on the project unless the organization policy iam.automaticIamGrantsForDefaultServiceAccounts is enforced; run it as a dedicated service account", [f.id, setting[f.type], default_for[f.type]]),
} if {
	some f in input.functions
	f.cloud == "gcp"
	not has_role(f)
}

deny contains {
	"resource": f.id,
	"path": "role",
	"message": sprintf("%s runs as %s, a default service account shared by every workload that chooses none; run it as a dedicated service account", [f.id, f.role]),
} if {
	some f in input.functions
	f.cloud == "gcp"
	default_account(f.role)
}

deny contains {
	"resource": b.id,
	"path": sprintf("members.%d", [k]),
	"message": sprintf("%s grants %s on %s %s to the default service account %s: every workload running as it gets the role; grant it to a dedicated service account", [b.id, role(b), b.resource_kind, target(b), m]),
} if {
	some b in input.iam_bindings
	b.resource_kind in {"project", "folder", "organization"}
	some k, m in b.members
	is_string(m)
	default_account(trim_prefix(m, "serviceAccount:"))
}

has_role(f) if _ = f.role

default_account(email) if {
	is_string(email)
	endswith(lower(email), "-compute@developer.gserviceaccount.com")
}

default_account(email) if {
	is_string(email)
	endswith(lower(email), "@appspot.gserviceaccount.com")
}

setting := {
	"google_cloudfunctions_function": "service_account_email",
	"google_cloudfunctions2_function": "service_config.service_account_email",
	"google_cloud_run_service": "template.spec.service_account_name",
	"google_cloud_run_v2_service": "template.service_account",
}

default_for := {
	"google_cloudfunctions_function": "App Engine default service account (PROJECT_ID@appspot.gserviceaccount.com)",
	"google_cloudfunctions2_function": "Compute Engine default service account (PROJECT_NUMBER-compute@developer.gserviceaccount.com)",
	"google_cloud_run_service": "Compute Engine default service account (PROJECT_NUMBER-compute@developer.gserviceaccount.com)",
	"google_cloud_run_v2_service": "Compute Engine default service account (PROJECT_NUMBER-compute@developer.gserviceaccount.com)",
}

role(b) := b.role if is_string(b.role)

else := "a role"

target(b) := b.resource if is_string(b.resource)

else := "(known at apply)"

undecided contains lib.undecided(f, "role", f.role) if {
	some f in input.functions
	f.cloud == "gcp"
	lib.is_unknown(f.role)

	# A dedicated account the unit creates is not a default one, known or not.
	not startswith(object.get(f.role, "ref", ""), "google_service_account.")
}

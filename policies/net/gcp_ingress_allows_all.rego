# Cloud Function or Cloud Run ingress allows all traffic
#
# ## What it does
# Flags Google Cloud Functions and Cloud Run services whose ingress admits
# requests from the whole internet (`ALLOW_ALL`, Cloud Run `all` /
# `INGRESS_TRAFFIC_ALL`, or no setting: that is Google's default) when the
# service has no reason to take them:
# - its invoker role (`roles/cloudfunctions.invoker`, `roles/run.invoker`) is
#   granted to `allUsers` or `allAuthenticatedUsers`, so nothing stands
#   between the internet and the code (FG-NET-001 reports the grant itself;
#   this rule the missing network boundary), or
# - it is a 2nd gen function started by an `event_trigger`: Eventarc and
#   Pub/Sub deliver events as internal traffic, so an endpoint open to the
#   internet only adds a way in.
#
# An authenticated HTTP function open to all traffic is the normal case and
# is not reported, nor is a 1st gen event-driven function (it has no HTTP
# endpoint). An ingress the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# Ingress is the network boundary of a serverless service: with `ALLOW_ALL`
# every request from anywhere reaches the function, bypassing the VPC Service
# Controls perimeter, Cloud Armor and the load balancer's logging. A public
# service that should be reachable by anyone is better served through an
# external Application Load Balancer (with Cloud Armor), with ingress limited
# to internal traffic and the load balancer.
#
# ## Example
# ```hcl
# resource "google_cloud_run_v2_service" "web" {
#   ingress = "INGRESS_TRAFFIC_ALL"
#   ...
# }
# resource "google_cloud_run_v2_service_iam_member" "public" {
#   name   = google_cloud_run_v2_service.web.name
#   role   = "roles/run.invoker"
#   member = "allUsers"
# }
# ```
#
# ## Use instead
# ```hcl
#   ingress = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
# ```
# Event-driven functions: `service_config { ingress_settings = "ALLOW_INTERNAL_ONLY" }`.
#
# ## References
# - https://cloud.google.com/functions/docs/networking/network-settings#ingress_settings
# - https://cloud.google.com/run/docs/securing/ingress
# - https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/cloudfunctions2_function#ingress_settings
package faasguard.rules.net.gcp_ingress_allows_all

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-014",
	"title": "Cloud Function or Cloud Run ingress allows all traffic",
	"severity": "medium",
	"area": "NET",
	"formats": ["terraform"],
	"remediation": "Limit ingress to internal traffic (and the Cloud Load Balancer, for a public service behind Cloud Armor).",
	"fixes": {"terraform": "Set `ingress_settings = \"ALLOW_INTERNAL_ONLY\"` (or `\"ALLOW_INTERNAL_AND_GCLB\"` behind a load balancer) on the `google_cloudfunctions_function`, in `service_config` of the `google_cloudfunctions2_function`; `ingress = \"INGRESS_TRAFFIC_INTERNAL_ONLY\"` (or `INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER`) on the `google_cloud_run_v2_service`; the `run.googleapis.com/ingress` annotation `internal` (or `internal-and-cloud-load-balancing`) on the `google_cloud_run_service`."},
}

deny contains {
	"resource": f.id,
	"path": path(f),
	"message": sprintf("%s %s %s, and %s: %s", [kind[f.type], f.name, ingress_text(f), why, fix(f, public)]),
} if {
	some f in input.functions
	f.cloud == "gcp"
	open_to_all(f)
	some public, why in exposure(f)
}

# Why the open ingress matters: the public invoker grant (true), or the
# event trigger of a 2nd gen function (false). A public event function is
# reported once, for its grant; of several public grants, the first by
# address is named (one finding, one value: a function may give one output).
exposure(f) := {true: sprintf("%s grants the invoker role to %s, so %s calls it directly", [grant[0], grant[1], anyone[grant[1]]])} if {
	grant := sort([[u.id, u.member] | some u in public_urls[f.id]])[0]
} else := {false: "it is started by an event trigger, which reaches it as internal traffic"} if {
	f.type == "google_cloudfunctions2_function"
	count(object.get(f, "events", [])) > 0
}

# Public invoker grants by the function they are on, built once.
public_urls[fid] contains u if {
	some u in input.function_urls
	u.cloud == "gcp"
	u.auth_type == "NONE"
	fid := u.function
	is_string(fid)
}

anyone := {"allUsers": "anyone on the internet", "allAuthenticatedUsers": "anyone with a Google account"}

# No ingress setting is Google's default: all traffic.
open_to_all(f) if not has_ingress(f)

open_to_all(f) if f.ingress in {"ALLOW_ALL", "all", "INGRESS_TRAFFIC_ALL"}

has_ingress(f) if _ = f.ingress

path(f) := "ingress" if has_ingress(f)

else := ""

ingress_text(f) := sprintf("has ingress %s", [f.ingress]) if has_ingress(f)

else := sprintf("sets no %s, so its ingress allows all traffic", [setting[f.type]])

kind := {
	"google_cloudfunctions_function": "Cloud Function",
	"google_cloudfunctions2_function": "Cloud Function",
	"google_cloud_run_service": "Cloud Run service",
	"google_cloud_run_v2_service": "Cloud Run service",
}

setting := {
	"google_cloudfunctions_function": "ingress_settings",
	"google_cloudfunctions2_function": "service_config.ingress_settings",
	"google_cloud_run_service": "run.googleapis.com/ingress annotation",
	"google_cloud_run_v2_service": "ingress",
}

# The fix in the resource's own terms: behind a load balancer for a public
# service, internal only for an event-driven one.
fix(f, true) := sprintf("set %s behind an external Application Load Balancer with Cloud Armor", [value_for[f.type][0]])

fix(f, false) := sprintf("set %s", [value_for[f.type][1]])

value_for := {
	"google_cloudfunctions_function": ["ingress_settings = \"ALLOW_INTERNAL_AND_GCLB\"", "ingress_settings = \"ALLOW_INTERNAL_ONLY\""],
	"google_cloudfunctions2_function": ["service_config.ingress_settings = \"ALLOW_INTERNAL_AND_GCLB\"", "service_config.ingress_settings = \"ALLOW_INTERNAL_ONLY\""],
	"google_cloud_run_service": ["the run.googleapis.com/ingress annotation to \"internal-and-cloud-load-balancing\"", "the run.googleapis.com/ingress annotation to \"internal\""],
	"google_cloud_run_v2_service": ["ingress = \"INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER\"", "ingress = \"INGRESS_TRAFFIC_INTERNAL_ONLY\""],
}

undecided contains lib.undecided(f, "ingress", f.ingress) if {
	some f in input.functions
	f.cloud == "gcp"
	lib.is_unknown(f.ingress)
	count(exposure(f)) > 0
}

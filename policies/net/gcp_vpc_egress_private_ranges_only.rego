# Cloud Function or Cloud Run service with a VPC connector whose internet egress bypasses the VPC
#
# ## What it does
# Flags Cloud Functions and Cloud Run services that are connected to a VPC
# (a Serverless VPC Access connector, or Cloud Run Direct VPC egress) but
# send only private-range traffic through it: egress `PRIVATE_RANGES_ONLY`
# (`private-ranges-only` in the Cloud Run annotation), or no egress setting,
# which is Google's default. The finding points at the egress setting, or at
# the connector when there is none.
#
# Functions without a connector are not reported (they have no VPC to route
# through). A value the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# With private ranges only, the function's calls to the internet leave
# straight from Google's serverless infrastructure: the VPC's firewall rules,
# Cloud NAT's fixed egress IPs (which partners allow-list), VPC flow logs and
# VPC Service Controls do not see them. A compromised dependency can then
# exfiltrate data to any host, and the egress controls the team set up on the
# VPC protect nothing. `ALL_TRAFFIC` puts every outbound call under them.
#
# ## Example
# ```hcl
# resource "google_cloudfunctions_function" "worker" {
#   vpc_connector = google_vpc_access_connector.main.id
# }
# ```
#
# ## Use instead
# ```hcl
#   vpc_connector                 = google_vpc_access_connector.main.id
#   vpc_connector_egress_settings = "ALL_TRAFFIC"
# ```
#
# ## References
# - https://cloud.google.com/functions/docs/networking/network-settings#route-egress-to-vpc
# - https://cloud.google.com/run/docs/configuring/vpc-connectors#manage
# - https://cloud.google.com/run/docs/configuring/vpc-direct-vpc
package faasguard.rules.net.gcp_vpc_egress_private_ranges_only

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-016",
	"title": "Cloud Function or Cloud Run service with a VPC connector whose internet egress bypasses the VPC (`PRIVATE_RANGES_ONLY`)",
	"severity": "low",
	"area": "NET",
	"formats": ["terraform"],
	"remediation": "Route all egress through the VPC connector, so the VPC's firewall rules, Cloud NAT and flow logs apply to the function's outbound calls.",
	"fixes": {"terraform": "Set `vpc_connector_egress_settings = \"ALL_TRAFFIC\"` on the `google_cloudfunctions_function` (in `service_config` of the `google_cloudfunctions2_function`); `template.vpc_access.egress = \"ALL_TRAFFIC\"` on the `google_cloud_run_v2_service`; the `run.googleapis.com/vpc-access-egress` annotation `all-traffic` in `template.metadata` of the `google_cloud_run_service`."},
}

deny contains {
	"resource": f.id,
	"path": "vpc_egress",
	"message": sprintf("%s sends only private ranges through its VPC connector (egress %s): its internet traffic bypasses the VPC's firewall rules and Cloud NAT; set %s", [f.id, f.vpc_egress, fix[f.type]]),
} if {
	some f in connected
	f.vpc_egress in {"PRIVATE_RANGES_ONLY", "private-ranges-only"}
}

deny contains {
	"resource": f.id,
	"path": "vpc_connector",
	"message": sprintf("%s has a VPC connector but no egress setting, so only private ranges go through it (Google's default): its internet traffic bypasses the VPC's firewall rules and Cloud NAT; set %s", [f.id, fix[f.type]]),
} if {
	some f in connected
	not has(f, "vpc_egress")
}

connected contains f if {
	some f in input.functions
	f.cloud == "gcp"
	has(f, "vpc_connector")
}

has(x, k) if _ = x[k]

fix := {
	"google_cloudfunctions_function": "vpc_connector_egress_settings = \"ALL_TRAFFIC\"",
	"google_cloudfunctions2_function": "service_config.vpc_connector_egress_settings = \"ALL_TRAFFIC\"",
	"google_cloud_run_service": "the run.googleapis.com/vpc-access-egress annotation to \"all-traffic\"",
	"google_cloud_run_v2_service": "template.vpc_access.egress = \"ALL_TRAFFIC\"",
}

undecided contains lib.undecided(f, "vpc_egress", f.vpc_egress) if {
	some f in connected
	lib.is_unknown(f.vpc_egress)
}

# Region outside the allowed regions
#
# ## What it does
# When the configuration names allowed regions (`allowed_regions`, region
# codes or groups such as `eu`, `eea`, `europe`, `us`; see
# `rules/regions.toml`), flags every region the unit uses that is not among
# them: the deployment region in `samconfig.toml`, regions in ARNs the template
# references, DynamoDB global table replicas, S3 replication targets. The
# finding points at where the region is written. Without `allowed_regions`
# the rule is silent. A region it cannot know (a provider region from a
# parameter, a Terraform variable without a value, an unresolved
# `${env:AWS_REGION, 'us-east-1'}`) is listed as undecided, not passed.
#
# An ARN whose region the service imposes is not counted: CloudFront takes a
# distribution's ACM viewer certificate and its Lambda@Edge functions from
# us-east-1 only, and an edge-optimized API Gateway domain's certificate
# (`CertificateArn`, not `RegionalCertificateArn`) too, whatever region the
# unit deploys to. Those name no place where data is stored.
#
# ## Why is this bad?
# Data-residency commitments (GDPR transfer rules, contracts, sector
# regulation) are about where data is stored and processed. A replica, a
# cross-region queue or a deployment to the wrong region moves data out of the
# permitted jurisdiction, usually without anyone noticing until an audit.
#
# ## Example
# ```yaml
# # faasguard.toml: allowed_regions = ["eu"]
# Orders:
#   Type: AWS::DynamoDB::GlobalTable
#   Properties:
#     Replicas:
#       - Region: eu-west-1
#       - Region: us-east-1
# ```
#
# ## Use instead
# ```yaml
#     Replicas:
#       - Region: eu-west-1
#       - Region: eu-central-1
# ```
#
# ## References
# - https://aws.amazon.com/compliance/data-residency/
# - https://docs.aws.amazon.com/whitepapers/latest/navigating-gdpr-compliance/in-detail.html
# - https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region
package faasguard.rules.res.region_outside_allowed

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-RES-001",
	"title": "Region outside the allowed regions",
	"severity": "high",
	"area": "RES",
	"remediation": "Use a region from the allowed set, or add the region to allowed_regions if the data may be there.",
	"fixes": {
		"terraform": "Use an allowed region: `region` of the `provider \"aws\"` / `provider \"google\"` block (or of the resource), `location` on Azure, `region_name` of a DynamoDB `replica`, the destination of an S3 replication rule; or add the region to `allowed_regions` under `[residency]` in `.faasguard.toml` if the data may be there.",
		"serverless": "Set `provider.region` (and `--region` when deploying) to an allowed region and reference resources in allowed regions only; or add the region to `allowed_regions` under `[residency]` in `.faasguard.toml` if the data may be there.",
	},
}

# The configured entries, lower-cased; each a region code or a group name.
configured := {lower(a) | some a in data.faasguard.config.allowed_regions; is_string(a)}

# The region tables, read once per evaluation (see FG-RUN-001's `runtimes`).
region_data := data.faasguard.regions

groups := object.get(region_data, "groups", {})

allowed contains code if {
	some a in configured
	some code in groups[a]
}

allowed contains a if {
	some a in configured
	not groups[a]
}

deny contains {
	"resource": r.id,
	"path": "",
	"message": sprintf("Region %s%s, from %s, is outside the allowed regions (%s)", [
		r.region, display_name(r.region), source_label(r), concat(", ", sort(configured)),
	]),
} if {
	count(configured) > 0
	some r in input.regions
	is_string(r.region)
	not lower(r.region) in allowed
}

# ` (Europe (Ireland))`; region codes are unique across clouds.
# A region the scanner cannot know (a parameter, a variable, an unresolved `${env:}`) may be
# outside the allowed set: listed as undecided when a set is configured.
undecided contains lib.undecided(r, "region", r.region) if {
	count(configured) > 0
	some r in input.regions
	lib.is_unknown(r.region)
}

display_name(code) := sprintf(" (%s)", [names[0]]) if {
	names := sort([name |
		some cloud, regions in region_data
		cloud != "groups"
		name := regions[code].name
	])
	count(names) > 0
} else := ""

source_label(r) := sprintf("%s in %s", [source_text[r.source], r.resource]) if {
	is_string(r.resource)
} else := source_text[r.source] if {
	source_text[r.source]
} else := r.source

source_text := {
	"samconfig": "samconfig",
	"arn": "an ARN",
	"replica": "a replica",
	"replication": "a replication rule",
	"provider": "the provider",
	"property": "a region property",
}

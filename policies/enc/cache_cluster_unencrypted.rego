# DAX cluster without encryption at rest or a TLS endpoint
#
# ## What it does
# Flags DynamoDB Accelerator clusters (`AWS::DAX::Cluster`, `aws_dax_cluster`)
# - without encryption at rest: `SSESpecification.SSEEnabled` /
#   `server_side_encryption.enabled` false or not set (DAX's default is off,
#   and an empty `server_side_encryption {}` block leaves it off);
# - whose endpoint accepts plain connections: `ClusterEndpointEncryptionType`
#   / `cluster_endpoint_encryption_type` `NONE` or not set (the default).
#
# Both settings can only be chosen when the cluster is created. A value the
# scanner cannot resolve is not flagged.
#
# ## Why is this bad?
# DAX caches the items of DynamoDB tables in memory and on the nodes' disks:
# the table's own encryption (FG-ENC-004) does not cover the cache, so an
# unencrypted cluster keeps readable copies of the data on disk, and a `NONE`
# endpoint sends every item between the function and the cluster in clear
# text inside the VPC.
#
# ## Example
# ```yaml
# OrdersCache:
#   Type: AWS::DAX::Cluster
#   Properties:
#     NodeType: dax.t3.small
#     ReplicationFactor: 3
#     IAMRoleARN: !GetAtt DaxRole.Arn
# ```
#
# ## Use instead
# ```yaml
#     SSESpecification:
#       SSEEnabled: true
#     ClusterEndpointEncryptionType: TLS
# ```
#
# ## References
# - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionAtRest.html
# - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionInTransit.html
package faasguard.rules.enc.cache_cluster_unencrypted

import rego.v1

metadata := {
	"id": "FG-ENC-020",
	"title": "DAX cluster without encryption at rest or TLS endpoint",
	"severity": "high",
	"area": "ENC",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set SSESpecification.SSEEnabled: true and ClusterEndpointEncryptionType: TLS on the DAX cluster (both replace the cluster).",
	"fixes": {
		"terraform": "Add `server_side_encryption { enabled = true }` and `cluster_endpoint_encryption_type = \"TLS\"` to the `aws_dax_cluster` (both replace the cluster).",
		"serverless": "On the `AWS::DAX::Cluster` under `resources.Resources`, set `SSESpecification: {SSEEnabled: true}` and `ClusterEndpointEncryptionType: TLS`.",
	},
}

deny contains {
	"resource": c.id,
	"path": "encryption_at_rest",
	"message": sprintf(
		"DAX cluster %s does not encrypt its cache at rest (%s not set): cached items stay readable on the nodes' disks; enable it",
		[c.name, sse_arg],
	),
} if {
	some c in dax
	not has_field(c, "encryption_at_rest")
}

deny contains {
	"resource": c.id,
	"path": "encryption_at_rest",
	"message": sprintf(
		"DAX cluster %s has encryption at rest turned off (%s false): cached items stay readable on the nodes' disks; enable it",
		[c.name, sse_arg],
	),
} if {
	some c in dax
	c.encryption_at_rest == false
}

deny contains {
	"resource": c.id,
	"path": "endpoint_encryption",
	"message": sprintf(
		"DAX cluster %s accepts unencrypted connections (%s not set, so NONE): items travel in clear text; set it to TLS",
		[c.name, tls_arg],
	),
} if {
	some c in dax
	not has_field(c, "endpoint_encryption")
}

deny contains {
	"resource": c.id,
	"path": "endpoint_encryption",
	"message": sprintf(
		"DAX cluster %s accepts unencrypted connections (%s NONE): items travel in clear text; set it to TLS",
		[c.name, tls_arg],
	),
} if {
	some c in dax
	is_string(c.endpoint_encryption)
	upper(c.endpoint_encryption) == "NONE"
}

dax contains c if {
	some c in input.caches
	c.kind == "dax"
}

sse_arg := "server_side_encryption.enabled" if input.format == "terraform"

else := "SSESpecification.SSEEnabled"

tls_arg := "cluster_endpoint_encryption_type" if input.format == "terraform"

else := "ClusterEndpointEncryptionType"

has_field(x, k) if _ = x[k]

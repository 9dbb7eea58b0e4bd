# EFS file system not encrypted at rest
#
# ## What it does
# Flags EFS file systems (`AWS::EFS::FileSystem`, `aws_efs_file_system`)
# whose `Encrypted` / `encrypted` is false or not set (both CloudFormation and
# Terraform create an unencrypted file system then). A value the scanner
# cannot resolve is not flagged; the AWS managed key `aws/elasticfilesystem`
# passes.
#
# ## Why is this bad?
# Functions mount EFS for models, uploads and shared state: data that outlives
# an invocation and is often personal or proprietary. Encryption at rest can
# only be chosen when the file system is created; turning it on later means
# creating a new file system and copying every file. An unencrypted file
# system fails PCI DSS 3.5, HIPAA 164.312(a)(2)(iv) and the AWS Foundational
# Security Best Practices (EFS.1).
#
# ## Example
# ```yaml
# SharedFiles:
#   Type: AWS::EFS::FileSystem
#   Properties:
#     PerformanceMode: generalPurpose
# ```
#
# ## Use instead
# ```yaml
#     Encrypted: true
#     KmsKeyId: !Ref FilesKey
# ```
#
# ## References
# - https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html
# - https://docs.aws.amazon.com/securityhub/latest/userguide/efs-controls.html
package faasguard.rules.enc.file_system_unencrypted

import rego.v1

metadata := {
	"id": "FG-ENC-017",
	"title": "EFS file system not encrypted at rest",
	"severity": "high",
	"area": "ENC",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set Encrypted: true on the file system (with KmsKeyId for a customer managed key); an existing file system must be recreated and its data copied.",
	"fixes": {
		"terraform": "Set `encrypted = true` on the `aws_efs_file_system` (with `kms_key_id` for a customer managed key); Terraform replaces the file system, so copy its data first.",
		"serverless": "On the `AWS::EFS::FileSystem` under `resources.Resources`, set `Encrypted: true` (with `KmsKeyId` for a customer managed key).",
	},
}

deny contains {
	"resource": f.id,
	"path": "encrypted",
	"message": sprintf("EFS file system %s is not encrypted at rest (%s not set); set it to true", [f.name, arg]),
} if {
	some f in input.file_systems
	f.cloud == "aws"
	not has_field(f, "encrypted")
}

deny contains {
	"resource": f.id,
	"path": "encrypted",
	"message": sprintf("EFS file system %s is not encrypted at rest (%s false); set it to true", [f.name, arg]),
} if {
	some f in input.file_systems
	f.cloud == "aws"
	f.encrypted == false
}

arg := "encrypted" if input.format == "terraform"

else := "Encrypted"

has_field(x, k) if _ = x[k]

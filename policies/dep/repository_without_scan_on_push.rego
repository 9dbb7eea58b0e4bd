# ECR repository without image scanning on push
#
# ## What it does
# Flags ECR repositories (`AWS::ECR::Repository`, `aws_ecr_repository`) whose
# `ImageScanningConfiguration.ScanOnPush` / `image_scanning_configuration.scan_on_push`
# is false or not set (both default to off). A unit that declares a
# registry-wide scanning configuration (`AWS::ECR::RegistryScanningConfiguration`,
# `aws_ecr_registry_scanning_configuration`), which replaces the repository
# setting, gets no finding; a value the scanner cannot resolve is not flagged.
#
# ## Why is this bad?
# Container image functions ship an operating system and language packages
# inside the image. Without a scan when the image is pushed, nobody learns
# that the image a function is about to run carries packages with known
# vulnerabilities; the images are the function's dependencies, and this is
# the only place their advisories are checked.
#
# ## Example
# ```yaml
# RenderImages:
#   Type: AWS::ECR::Repository
#   Properties:
#     RepositoryName: render
# ```
#
# ## Use instead
# ```yaml
#     ImageScanningConfiguration:
#       ScanOnPush: true
# ```
# Or turn on enhanced scanning for the registry (Amazon Inspector), which
# also rescans images when new advisories appear.
#
# ## References
# - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
# - https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html
package faasguard.rules.dep.repository_without_scan_on_push

import rego.v1

metadata := {
	"id": "FG-DEP-004",
	"title": "ECR repository without image scanning on push",
	"severity": "medium",
	"area": "DEP",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Set ImageScanningConfiguration: {ScanOnPush: true} on the repository, or configure scanning for the whole registry (AWS::ECR::RegistryScanningConfiguration, enhanced scanning with Amazon Inspector).",
	"fixes": {"terraform": "Add `image_scanning_configuration { scan_on_push = true }` to the `aws_ecr_repository`, or an `aws_ecr_registry_scanning_configuration` for the whole registry."},
}

deny contains {
	"resource": r.id,
	"path": "scan_on_push",
	"message": sprintf("ECR repository %s does not scan images on push (%s not set, so off): vulnerable packages in the images functions run go unnoticed", [r.name, arg]),
} if {
	some r in input.repositories
	not registry_scanning
	not "scan_on_push" in object.keys(r)
}

deny contains {
	"resource": r.id,
	"path": "scan_on_push",
	"message": sprintf("ECR repository %s does not scan images on push (%s is false): vulnerable packages in the images functions run go unnoticed", [r.name, arg]),
} if {
	some r in input.repositories
	not registry_scanning
	r.scan_on_push == false
}

# A registry scanning configuration overrides every repository's setting.
registry_scanning if {
	some x in input.resources
	x.type in {"AWS::ECR::RegistryScanningConfiguration", "aws_ecr_registry_scanning_configuration"}
}

arg := "image_scanning_configuration.scan_on_push" if input.format == "terraform"

else := "ImageScanningConfiguration.ScanOnPush"

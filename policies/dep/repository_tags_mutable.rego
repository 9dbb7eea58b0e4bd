# ECR repository with mutable image tags
#
# ## What it does
# Flags ECR repositories (`AWS::ECR::Repository`, `aws_ecr_repository`) whose
# `ImageTagMutability` / `image_tag_mutability` is `MUTABLE` or not set (the
# default is `MUTABLE`). `IMMUTABLE` and `IMMUTABLE_WITH_EXCLUSION` pass;
# `MUTABLE_WITH_EXCLUSION` is flagged (tags stay mutable except the excluded
# ones). A value the scanner cannot resolve is not flagged.
#
# ## Why is this bad?
# With mutable tags, pushing an image under an existing tag (`prod`,
# `1.4.2`) silently replaces what the tag means. Lambda resolves the tag to a
# digest when it deploys, so the running function keeps its image, but the
# next deployment (or a rollback to "the same" tag) ships whatever was pushed
# last, reviewed or not. Immutable tags make a tag name one image for good.
#
# ## Example
# ```yaml
# RenderImages:
#   Type: AWS::ECR::Repository
#   Properties:
#     ImageTagMutability: MUTABLE
# ```
#
# ## Use instead
# ```yaml
#     ImageTagMutability: IMMUTABLE
# ```
#
# ## References
# - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
# - https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html
package faasguard.rules.dep.repository_tags_mutable

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-DEP-005",
	"title": "ECR repository with mutable image tags",
	"severity": "medium",
	"area": "DEP",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Set ImageTagMutability: IMMUTABLE on the repository and push every build under a new tag.",
	"fixes": {"terraform": "Set `image_tag_mutability = \"IMMUTABLE\"` on the `aws_ecr_repository` and push every build under a new tag."},
}

deny contains {
	"resource": r.id,
	"path": "image_tag_mutability",
	"message": sprintf("ECR repository %s lets image tags be overwritten (%s not set, so MUTABLE): a tag can come to name a different image; set it to IMMUTABLE", [r.name, arg]),
} if {
	some r in input.repositories
	not "image_tag_mutability" in object.keys(r)
}

deny contains object.union(
	{
		"resource": r.id,
		"path": "image_tag_mutability",
		"message": sprintf("ECR repository %s lets image tags be overwritten (%s is %s): a tag can come to name a different image; set it to %s", [r.name, arg, r.image_tag_mutability, immutable[r.image_tag_mutability]]),
	},
	lib.replace(r.image_tag_mutability, immutable[r.image_tag_mutability]),
) if {
	some r in input.repositories
	immutable[r.image_tag_mutability]
}

# The setting that fixes each mutable one (exclusions kept).
immutable := {"MUTABLE": "IMMUTABLE", "MUTABLE_WITH_EXCLUSION": "IMMUTABLE_WITH_EXCLUSION"}

arg := "image_tag_mutability" if input.format == "terraform"

else := "ImageTagMutability"

# Lambda function without code signing
#
# ## What it does
# Flags Lambda functions deployed from a .zip package that name no code
# signing config (`CodeSigningConfigArn`, `code_signing_config_arn`, in the
# Serverless Framework an `extensions:` override of `<Fn>LambdaFunction`), and
# code signing configs whose `UntrustedArtifactOnDeployment` is `Warn` (the
# default when the policy is not written): such a config lets unsigned or
# wrongly signed code deploy and only logs it, so it is reported on the config
# once rather than on every function that uses it. Container image functions
# are not flagged (Lambda code signing does not apply to them; images are
# signed and verified in ECR). A config the scanner cannot resolve is not
# flagged.
#
# ## Why is this bad?
# Without code signing, anyone who can call `lambda:UpdateFunctionCode` (a CI
# role, a leaked deploy key, a compromised pipeline step) can replace the
# function's code with their own, and Lambda runs it with the function's
# role. A code signing config that enforces makes Lambda refuse code that is
# not signed by an allowed AWS Signer profile, so the code that runs is the
# code your build signed.
#
# ## Example
# ```yaml
# Ingest:
#   Type: AWS::Serverless::Function
#   Properties:
#     Runtime: python3.12
#     Handler: app.handler
#     CodeUri: src/
# ```
#
# ## Use instead
# ```yaml
#     CodeSigningConfigArn: !Ref SignedCode
# SignedCode:
#   Type: AWS::Lambda::CodeSigningConfig
#   Properties:
#     AllowedPublishers:
#       SigningProfileVersionArns: [!GetAtt Signer.ProfileVersionArn]
#     CodeSigningPolicies:
#       UntrustedArtifactOnDeployment: Enforce
# ```
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-codesigningconfig.html
package faasguard.rules.dep.function_without_code_signing

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-DEP-003",
	"title": "Lambda function without code signing",
	"severity": "low",
	"area": "DEP",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Create an AWS::Lambda::CodeSigningConfig with UntrustedArtifactOnDeployment: Enforce and an AWS Signer profile as allowed publisher, set the function's CodeSigningConfigArn to it, and sign the package in the build (sam deploy --signing-profiles).",
	"fixes": {
		"terraform": "Create an `aws_lambda_code_signing_config` with `policies { untrusted_artifact_on_deployment = \"Enforce\" }` and an `aws_signer_signing_profile` in `allowed_publishers`, set `code_signing_config_arn` on the `aws_lambda_function`, and sign the package (`aws_signer_signing_job`).",
		"serverless": "Declare an `AWS::Lambda::CodeSigningConfig` (UntrustedArtifactOnDeployment: Enforce) under `resources.Resources` and set its ARN with `resources.extensions.<Fn>LambdaFunction.Properties.CodeSigningConfigArn`; sign the package before deploying.",
	},
}

lambda_types := {"AWS::Lambda::Function", "AWS::Serverless::Function", "aws_lambda_function"}

deny contains {
	"resource": f.id,
	"path": "code_signing_config",
	"message": sprintf("Function %s has no code signing config (%s): Lambda deploys any code pushed to it, signed or not", [f.name, arg]),
} if {
	some f in input.functions
	f.cloud == "aws"
	f.type in lambda_types
	zip_package(f)
	not "code_signing_config" in object.keys(f)
}

deny contains {
	"resource": c.id,
	"path": "untrusted_artifact_on_deployment",
	"message": sprintf("Code signing config %s does not enforce (%s is %s): Lambda deploys unsigned code and only logs a warning; set it to Enforce", [c.name, policy_arg, setting]),
} if {
	some c in input.code_signing_configs
	setting := warn_setting(c)
}

# Image functions are verified in ECR; an unknown package type may be one.
zip_package(f) if not "package_type" in object.keys(f)

zip_package(f) if f.package_type == "Zip"

warn_setting(c) := "Warn" if c.untrusted_artifact_on_deployment == "Warn"

warn_setting(c) := "not set, so Warn" if not "untrusted_artifact_on_deployment" in object.keys(c)

undecided contains lib.undecided(c, "untrusted_artifact_on_deployment", c.untrusted_artifact_on_deployment) if {
	some c in input.code_signing_configs
	lib.is_unknown(c.untrusted_artifact_on_deployment)
}

undecided contains lib.undecided(f, "package_type", f.package_type) if {
	some f in input.functions
	f.cloud == "aws"
	f.type in lambda_types
	lib.is_unknown(f.package_type)
	not "code_signing_config" in object.keys(f)
}

arg := "code_signing_config_arn" if input.format == "terraform"

else := "CodeSigningConfigArn"

policy_arg := "policies.untrusted_artifact_on_deployment" if input.format == "terraform"

else := "CodeSigningPolicies.UntrustedArtifactOnDeployment"

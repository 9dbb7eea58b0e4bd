# Secret held in an SSM String parameter instead of a SecureString
#
# ## What it does
# Flags SSM parameters (`AWS::SSM::Parameter`, `aws_ssm_parameter`) of type
# `String` or `StringList` whose name says they hold a secret (the last
# segment of `/app/db/password`, `/billing/stripe_api_key`) or whose value the
# secret detector recognizes (the same detection as FG-SEC-001). A parameter
# whose type or name the scanner cannot resolve is not flagged.
#
# CloudFormation cannot create a `SecureString` parameter: in a template the
# fix is a Secrets Manager secret, or a `SecureString` created outside the
# template and read with a `{{resolve:ssm-secure:...}}` dynamic reference.
#
# ## Why is this bad?
# A `String` parameter is stored and returned in clear text: anyone or any
# role with `ssm:GetParameter` or `ssm:GetParametersByPath` on the path reads
# it, with no key policy as a second gate, it is shown in the console and in
# the parameter's history, and Terraform writes it into plan and state files.
# A `SecureString` is encrypted with a KMS key, and reading it needs
# `kms:Decrypt` too (with `WithDecryption`), which is logged.
#
# ## Example
# ```hcl
# resource "aws_ssm_parameter" "db_password" {
#   name  = "/orders/db/password"
#   type  = "String"
#   value = var.db_password
# }
# ```
#
# ## Use instead
# ```hcl
#   type   = "SecureString"
#   key_id = aws_kms_key.params.arn
# ```
#
# ## References
# - https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-parameter.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm-secure-strings.html
package faasguard.rules.enc.secret_in_plain_ssm_parameter

import rego.v1

metadata := {
	"id": "FG-ENC-019",
	"title": "Secret held in an SSM String parameter instead of a SecureString",
	"severity": "high",
	"area": "ENC",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "CloudFormation cannot create a SecureString: keep the secret in an AWS::SecretsManager::Secret, or create a SecureString parameter outside the template and read it with {{resolve:ssm-secure:NAME}}.",
	"fixes": {
		"terraform": "Set `type = \"SecureString\"` on the `aws_ssm_parameter` (with `key_id` naming a customer managed key to control who decrypts it).",
		"serverless": "CloudFormation cannot create a SecureString: replace the `AWS::SSM::Parameter` under `resources.Resources` with an `AWS::SecretsManager::Secret`, or create a SecureString outside the service and read it with `${ssm:/path/name}` (decrypted by the Framework).",
	},
}

deny contains {
	"resource": p.id,
	"path": "parameter_type",
	"message": sprintf(
		"SSM parameter %s holds a secret (%s) as a plain %s: anyone allowed ssm:GetParameter reads it in clear text; %s",
		[p.name, why(p), p.parameter_type, fix],
	),
} if {
	some p in input.ssm_parameters
	p.parameter_type in {"String", "StringList"}
	holds_secret(p)
}

holds_secret(p) if p.sensitive_name == true

holds_secret(p) if detected[p.id]

# Parameters whose value the secret detector flagged.
detected contains h.resource if {
	some h in input.hardcoded_secrets
}

why(p) := sprintf("its name %s says so", [p.parameter_name]) if {
	p.sensitive_name == true
	is_string(p.parameter_name)
} else := "its name says so" if {
	p.sensitive_name == true
} else := "its value looks like a secret"

fix := "make it a SecureString" if input.format == "terraform"

else := "keep it in Secrets Manager, or in a SecureString created outside the template"

# Function uses a Lambda layer published by another account
#
# ## What it does
# Flags each layer version a Lambda function loads (`Layers`, `layers`, SAM
# `Globals`, the Serverless Framework's `provider.layers`) whose ARN names an
# account that is not the function's own. The function's account is known
# from a literal ARN written for it (its role, key, dead-letter target or
# code signing config) or from a template parameter or variable whose name
# says it is an account id and whose default is one; when no account is
# known, or the layer's ARN is not literal, nothing is reported. Layers that
# AWS publishes (Lambda Insights, AWS Distro for OpenTelemetry, Powertools for
# AWS Lambda, the Parameters and Secrets and AppConfig extensions, AWS SDK for
# pandas, Lambda Web Adapter) are allowed: their accounts are listed in
# `rules/lambda_layer_publishers.toml`.
#
# ## Why is this bad?
# A layer is code that runs inside the function, with its role and its
# secrets. A layer version in another account is code your organisation
# neither builds nor reviews: its owner decides what it contains, and a
# compromised or malicious publisher reaches every function that loads it.
# Layer versions are immutable, but whoever owns the account can publish a
# new version and delete the old one, which breaks the next deployment.
#
# ## Example
# ```yaml
# Ingest:
#   Type: AWS::Serverless::Function
#   Properties:
#     Role: arn:aws:iam::111122223333:role/ingest
#     Layers:
#       - arn:aws:lambda:eu-west-1:999988887777:layer:pdf-tools:4
# ```
#
# ## Use instead
# Copy the layer's content into a layer your account publishes from source
# you build and review (or vendor it into the package), and reference that:
# ```yaml
#     Layers:
#       - !Ref PdfToolsLayer
# ```
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html
# - https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html
package faasguard.rules.dep.layer_from_other_account

import rego.v1

metadata := {
	"id": "FG-DEP-006",
	"title": "Function uses a Lambda layer published by another account",
	"severity": "medium",
	"area": "DEP",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Publish the layer's content in your own account (AWS::Lambda::LayerVersion or AWS::Serverless::LayerVersion, built from source you review) and list that layer in Layers, or vendor the code into the function's package.",
	"fixes": {
		"terraform": "Publish the layer's content from source you review with an `aws_lambda_layer_version` in your account and list its `arn` in the function's `layers`.",
		"serverless": "Declare the layer's content under `layers:` in the service (built from source you review) and reference it as `{Ref: <Name>LambdaLayer}` in the function's `layers`.",
	},
}

deny contains {
	"resource": f.id,
	"path": sprintf("layers.%d", [i]),
	"message": sprintf("Function %s loads layer %s, published by account %s, not its own (%s): that account decides what code runs inside the function", [f.name, name, account, concat(", ", sort(own))]),
} if {
	some f in input.functions
	f.cloud == "aws"
	is_array(f.layers)
	some i, layer in f.layers
	[account, name] := layer_account(layer)
	own := own_accounts(f)
	count(own) > 0
	not account in own
	not publishers[account]
}

# The accounts of known layer publishers, read once per evaluation (see FG-RUN-001's
# `runtimes`).
publishers := data.faasguard.lambda_layer_publishers.accounts

# `arn:aws:lambda:eu-west-1:999988887777:layer:pdf-tools:4` (any partition).
layer_account(arn) := [parts[4], parts[6]] if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) >= 7
	parts[0] == "arn"
	parts[2] == "lambda"
	parts[5] == "layer"
	regex.match(`^[0-9]{12}$`, parts[4])
}

# The accounts of the literal ARNs written for the function, and of the
# parameters that hold the account id.
own_accounts(f) := {a |
	some field in ["role", "kms_key", "on_failure", "code_signing_config"]
	a := arn_account(f[field])
} | parameter_accounts

parameter_accounts := {p.default |
	some p in input.parameters
	contains(lower(p.name), "account")
	is_string(p.default)
	regex.match(`^[0-9]{12}$`, p.default)
}

arn_account(arn) := parts[4] if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) >= 6
	parts[0] == "arn"
	regex.match(`^[0-9]{12}$`, parts[4])
}

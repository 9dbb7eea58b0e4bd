# Secret-named parameter with a default value or without NoEcho
#
# ## What it does
# Flags CloudFormation parameters whose name says they hold a secret
# (`DbPassword`, `ApiToken`, `ClientSecret`, also with a last word saying it
# is a parameter: `ClientSecretParameter`, `ApiTokenParam`; not a name saying
# the value refers to the secret: `DbSecretArn`, `TokenParameterName`) when
# they have a `Default` (the finding points at it) or do not set
# `NoEcho: true` (the finding points at the parameter). A default that FG-SEC-001 reports as a hardcoded secret
# is not reported twice: this rule then only says whether `NoEcho` is missing.
#
# Not flagged: parameters of the AWS-specific types (`AWS::SSM::Parameter::Value<String>`,
# `AWS::EC2::KeyPair::KeyName`, ...), whose value is the *name* of something
# rather than the secret, parameters whose default is a dynamic reference
# (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`), which
# CloudFormation resolves without ever showing the value, and empty defaults
# (`Default: ""`, an optional parameter).
#
# ## Why is this bad?
# A default is a secret written into the template, with all the exposure of
# [FG-SEC-001]: version control, CI logs, `GetTemplate`. Without `NoEcho`,
# CloudFormation shows the value passed at deploy time in plain text in the
# console, in `DescribeStacks` and in stack events, to anyone with read access
# to the stack.
#
# ## Example
# ```yaml
# Parameters:
#   DbPassword:
#     Type: String
#     Default: changeme123
# ```
#
# ## Use instead
# ```yaml
# Parameters:
#   DbPassword:
#     Type: String
#     NoEcho: true
# ```
# or, better, no parameter at all: a dynamic reference to Secrets Manager where
# the value is used, or a parameter of type
# `AWS::SSM::Parameter::Value<String>` holding the name of the SSM parameter.
#
# ## References
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#parameters-section-structure-properties
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
package faasguard.rules.sec.secret_parameter_exposed

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-SEC-002",
	"title": "Secret parameter with a default or without NoEcho",
	"severity": "high",
	"area": "SEC",
	# Template parameters exist only in CloudFormation and SAM.
	"formats": ["cloudformation"],
	"remediation": "Remove the Default and set NoEcho: true, or replace the parameter with a dynamic reference to Secrets Manager or SSM Parameter Store.",
}

# One finding per parameter: at its default when it has one, else at
# `NoEcho: false` when written, else at the parameter. A default that FG-SEC-001
# already reports as a hardcoded secret is left to it; only a missing NoEcho
# is reported here then.
deny contains {"resource": p.id, "path": "default", "message": msg} if {
	some p in input.parameters
	candidate(p)
	has_default(p)
	not default_reported(p)
	msg := sprintf("Parameter %s looks like a secret but has a Default value%s", [p.name, echo_note(p)])
}

deny contains {
	"resource": p.id,
	"path": "no_echo",
	"message": sprintf("Parameter %s looks like a secret but does not set NoEcho: true; CloudFormation shows its value in the console and in DescribeStacks", [p.name]),
} if {
	some p in input.parameters
	candidate(p)
	not reported_at_default(p)
	not p.no_echo == true
}

reported_at_default(p) if {
	has_default(p)
	not default_reported(p)
}

default_reported(p) if {
	some s in secrets_by_resource[p.id]
	startswith(s.path, "default")
}

# Hardcoded secrets by the item they are in, built once per evaluation.
secrets_by_resource[id] contains s if {
	some s in input.hardcoded_secrets
	id := s.resource
}

candidate(p) if {
	# Terraform variables are `parameters` items too; NoEcho and stack
	# defaults are CloudFormation's (a secret default is FG-SEC-001's).
	p.type == "AWS::CloudFormation::Parameter"
	p.sensitive_name == true
	not aws_specific_type(p)
	not dynamic_reference_default(p)
}

# `AWS::SSM::Parameter::Value<String>`, `AWS::EC2::KeyPair::KeyName`,
# `List<AWS::EC2::...>`: the value names something, it is not the secret.
aws_specific_type(p) if startswith(p.parameter_type, "AWS::")

aws_specific_type(p) if startswith(p.parameter_type, "List<AWS::")

dynamic_reference_default(p) if {
	is_string(p.default)
	startswith(trim_space(p.default), "{{resolve:")
}

has_default(p) if {
	p.default != ""
	lib.known(p.default)
}

echo_note(p) := "" if p.no_echo == true

else := " and does not set NoEcho: true"

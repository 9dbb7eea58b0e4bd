# State machine without X-Ray tracing
#
# ## What it does
# Flags Step Functions state machines (SAM `AWS::Serverless::StateMachine`,
# CloudFormation `AWS::StepFunctions::StateMachine`) whose X-Ray tracing is not
# enabled: `Tracing.Enabled` / `TracingConfiguration.Enabled` false (the
# finding points at the value) or not set (it points at the state machine).
#
# ## Why is this bad?
# A workflow calls many functions and services; without tracing, the trace of a
# request stops at the state machine, and the slow or failing step of an
# execution has to be found by reading each service's logs one by one.
#
# ## Example
# ```yaml
# OrderFlow:
#   Type: AWS::Serverless::StateMachine
#   Properties:
#     DefinitionUri: statemachine/order.asl.json
# ```
#
# ## Use instead
# ```yaml
# OrderFlow:
#   Type: AWS::Serverless::StateMachine
#   Properties:
#     DefinitionUri: statemachine/order.asl.json
#     Tracing:
#       Enabled: true
# ```
# In CloudFormation: `TracingConfiguration: {Enabled: true}`; the role needs
# the X-Ray write permissions.
#
# ## References
# - https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachine-tracingconfiguration.html
package faasguard.rules.obs.state_machine_tracing_disabled

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-OBS-005",
	"title": "State machine without X-Ray tracing",
	"severity": "low",
	"area": "OBS",
	"remediation": "Set Tracing.Enabled (SAM) or TracingConfiguration.Enabled (CloudFormation) to true and give the role X-Ray write permissions.",
	"fixes": {
		"terraform": "Add `tracing_configuration { enabled = true }` to the `aws_sfn_state_machine` and give its role X-Ray write permissions.",
		"serverless": "On the `AWS::StepFunctions::StateMachine` under `resources.Resources`, set `TracingConfiguration: {Enabled: true}` and give its role X-Ray write permissions.",
	},
}

deny contains {
	"resource": m.id,
	"path": "tracing",
	"message": sprintf("State machine %s %s: its executions are not traced in X-Ray", [m.name, state(m)]),
} if {
	some m in input.state_machines
	not_enabled(m)
}

not_enabled(m) if not "tracing" in object.keys(m)

not_enabled(m) if m.tracing == false

state(m) := "has tracing disabled" if m.tracing == false

else := "has no tracing configuration"

# Tracing set from a value unknown until deployment: listed, not reported.
undecided contains lib.undecided(m, "tracing", m.tracing) if {
	some m in input.state_machines
	lib.is_unknown(m.tracing)
}

# Step Functions Task state without a timeout
#
# ## What it does
# Flags `Task` states of a Standard state machine's inline definition
# (`Definition` or `DefinitionString`) that set neither `TimeoutSeconds` nor
# `TimeoutSecondsPath`, including the states inside `Parallel` branches and
# `Map` iterators (`Iterator`, `ItemProcessor`). The finding points at the
# state. Express state machines are not flagged: a whole Express execution
# stops after five minutes.
#
# ## Why is this bad?
# The Amazon States Language sets no timeout on a task by default: a Task
# waits for its activity worker, callback (`.waitForTaskToken`) or service
# integration as long as the execution may run, which for a Standard workflow
# is a year. A lost callback or a crashed worker leaves the execution stuck,
# holding whatever it locked, and no `Retry` or `Catch` ever runs because
# `States.Timeout` is never raised.
#
# ## Example
# ```yaml
# Definition:
#   StartAt: Approve
#   States:
#     Approve:
#       Type: Task
#       Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
#       End: true
# ```
#
# ## Use instead
# ```yaml
#     Approve:
#       Type: Task
#       Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
#       TimeoutSeconds: 3600
#       Catch:
#         - ErrorEquals: [States.Timeout]
#           Next: Escalate
# ```
#
# ## References
# - https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html#sfn-stuck-execution
# - https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html
package faasguard.rules.tmo.state_machine_task_without_timeout

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-TMO-004",
	"title": "Step Functions Task state without TimeoutSeconds",
	"severity": "medium",
	"area": "TMO",
	"remediation": "Set TimeoutSeconds (or TimeoutSecondsPath) on every Task state, and Catch States.Timeout where a stuck task needs handling.",
	"fixes": {
		"terraform": "Set `TimeoutSeconds` (or `TimeoutSecondsPath`) on every `Task` state of the `aws_sfn_state_machine`'s `definition`, and `Catch` `States.Timeout` where a stuck task needs handling.",
		"serverless": "Set `TimeoutSeconds` (or `TimeoutSecondsPath`) on every `Task` state in the `Definition` of the `AWS::StepFunctions::StateMachine` under `resources.Resources`, and `Catch` `States.Timeout` where a stuck task needs handling.",
	},
}

deny contains {
	"resource": sm.id,
	"path": concat(".", ["definition", concat(".", segments)]),
	"message": sprintf("Task state %s of state machine %s has no TimeoutSeconds: a lost response leaves executions stuck", [name, sm.name]),
} if {
	some sm in input.state_machines
	not lib.is_unknown(sm.workflow_type)
	not express(sm)
	is_object(sm.definition)
	walk(sm.definition, [path, state])
	count(path) >= 2
	is_object(state)
	state.Type == "Task"
	segments := [sprintf("%v", [p]) | some p in path]
	is_state_path(segments)
	not has_timeout(state)
	name := segments[count(segments) - 1]
}

# A type chosen at deploy time might be EXPRESS: not flagged either.
express(sm) if upper(sm.workflow_type) == "EXPRESS"

has_timeout(state) if "TimeoutSeconds" in object.keys(state)

has_timeout(state) if "TimeoutSecondsPath" in object.keys(state)

# Only states: `States.<name>`, then any number of nested
# `.Branches.<i>.States.<name>` (Parallel) or `.Iterator|ItemProcessor.States.<name>`
# (Map), not objects with a `Type` inside a state's `Parameters`. The segments
# are joined with a unit separator so that state names may contain dots.
is_state_path(segments) if {
	regex.match(
		`^States\x1f[^\x1f]+(\x1f(Branches\x1f[0-9]+|Iterator|ItemProcessor)\x1fStates\x1f[^\x1f]+)*$`,
		concat("\u001f", segments),
	)
}

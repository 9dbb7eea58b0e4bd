package group2

import rego.v1

deny contains msg if {
	input.settings.replicas < 2
	msg := sprintf("group2: %d replica is not enough", [input.settings.replicas])
}

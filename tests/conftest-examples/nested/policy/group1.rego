package group1

import rego.v1

deny contains msg if {
	input.settings.debug == true
	msg := "group1: debug must be off"
}

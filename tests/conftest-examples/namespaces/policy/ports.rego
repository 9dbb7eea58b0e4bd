package main.ports

import rego.v1

deny contains msg if {
	some c in input.spec.template.spec.containers
	some p in c.ports
	p.containerPort < 1024
	msg := sprintf("privileged port found [%d]", [p.containerPort])
}

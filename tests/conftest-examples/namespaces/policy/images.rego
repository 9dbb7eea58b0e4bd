package images

import rego.v1

deny contains msg if {
	some c in input.spec.template.spec.containers
	endswith(c.image, ":latest")
	msg := sprintf("unallowed image found [%q]", [c.image])
}

package main

import rego.v1

# Resource type prefixes a plan must not change.
blast_radius := ["google_iam", "google_container"]

changed_types contains rc.type if {
	some rc in input.resource_changes
	some action in rc.change.actions
	action != "no-op"
}

touched contains prefix if {
	some prefix in blast_radius
	some t in changed_types
	startswith(t, prefix)
}

deny contains msg if {
	count(touched) > 0
	names := [p | some p in blast_radius; touched[p]]
	msg := sprintf("Terraform plan will change prohibited resources in the following namespaces: %s", [concat(", ", names)])
}

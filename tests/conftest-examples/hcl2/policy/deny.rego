package main

import rego.v1

deny contains msg if {
	some name
	some listener in input.resource.aws_alb_listener[name]
	listener.protocol == "HTTP"
	msg := sprintf("ALB `%v` is using HTTP rather than HTTPS", [name])
}

deny contains msg if {
	some name
	some rule in input.resource.aws_security_group_rule[name]
	rule.type == "ingress"
	contains(rule.cidr_blocks[_], "0.0.0.0/0")
	msg := sprintf("ASG `%v` defines a fully open ingress", [name])
}

deny contains msg if {
	some name
	some disk in input.resource.azurerm_managed_disk[name]
	some settings in disk.encryption_settings
	not settings.enabled
	msg := sprintf("Azure disk `%v` is not encrypted", [name])
}

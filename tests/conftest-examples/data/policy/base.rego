package main

import data.services

deny[msg] {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	port := input.spec.ports[_].port
	port == services.ports[_]
	msg := sprintf("Cannot expose port %v on LoadBalancer. Denied ports: %v", [port, services.ports])
}

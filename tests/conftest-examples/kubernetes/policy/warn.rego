package main

import data.kubernetes

warn[msg] {
	kubernetes.is_service
	msg := sprintf("Found service %s but services are not allowed", [input.metadata.name])
}

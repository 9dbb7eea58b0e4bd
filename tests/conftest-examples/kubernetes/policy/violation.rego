package main

import data.kubernetes

violation[{"msg": msg, "details": {}}] {
	kubernetes.is_deployment
	container := input.spec.template.spec.containers[_]
	container.securityContext.privileged
	msg := sprintf("Container %s is privileged", [container.name])
}

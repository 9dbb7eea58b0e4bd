package main

import data.kubernetes

name := input.metadata.name

deny[msg] {
	kubernetes.is_deployment
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Containers must not run as root in Deployment %s", [name])
}

deny[msg] {
	kubernetes.is_deployment
	not input.spec.selector.matchLabels.app
	msg := sprintf("Containers must provide app label for pod selectors in Deployment %s", [name])
}

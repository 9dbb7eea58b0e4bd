package main

test_deployment_without_security_context_is_denied {
	deny["Containers must not run as root in Deployment web"] with input as {"kind": "Deployment", "metadata": {"name": "web"}}
}

test_deployment_with_app_label_is_not_denied_for_it {
	not deny["Containers must provide app label for pod selectors in Deployment web"] with input as {
		"kind": "Deployment",
		"metadata": {"name": "web"},
		"spec": {"selector": {"matchLabels": {"app": "web"}}},
	}
}

test_services_not_denied {
	count(deny) == 0 with input as {"kind": "Service", "metadata": {"name": "svc"}}
}

test_services_warned {
	warn["Found service svc but services are not allowed"] with input as {"kind": "Service", "metadata": {"name": "svc"}}
}

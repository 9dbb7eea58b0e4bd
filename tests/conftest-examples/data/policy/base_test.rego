package main

test_service_denied {
	deny[_] with input as {"kind": "Service", "spec": {"type": "LoadBalancer", "ports": [{"port": 22}]}}
}

package main

import rego.v1

test_blank_input if {
	count(deny) == 0 with input as {}
}

test_unencrypted_azure_disk if {
	cfg := parse_config_file("unencrypted_azure_disk.tf")
	deny["Azure disk `sample` is not encrypted"] with input as cfg
}

test_fails_with_http_alb if {
	cfg := parse_config("hcl2", `
		resource "aws_alb_listener" "name" {
			protocol = "HTTP"
		}
	`)
	deny["ALB `name` is using HTTP rather than HTTPS"] with input as cfg
}

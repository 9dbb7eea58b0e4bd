package main

import rego.v1

deny contains "org: an owner is required" if not input.owner

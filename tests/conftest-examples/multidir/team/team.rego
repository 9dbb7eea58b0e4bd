package main

import rego.v1

deny contains "team: a cost centre is required" if not input.cost_centre

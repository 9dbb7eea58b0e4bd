# Helpers shared by the built-in rules (not a rule itself: no metadata).
package faasguard.lib

import rego.v1

# A value the adapter could not know statically.
is_unknown(x) if {
	is_object(x)
	x.unknown == true
}

# A value that is set and knowable.
known(x) if not is_unknown(x)

# An unknown value the deployer supplies, in whole or in part, at deploy time (a parameter
# without a default, a Terraform input variable without a value, a Serverless `${param:}`,
# `${ssm:}`, `${env:}`): it may be anything, `*` included. An unknown the template computes (a
# resource's attribute, the stack's own account) is not.
supplied(x) if {
	is_unknown(x)
	x.supplied == true
}

# Items of a collection by id. A scan of the collection on every call: the
# built-in rules use keyed partial rules instead (`m[id] contains x`, built
# once per evaluation); kept for users' policies.
by_id(collection, id) := item if {
	some item in collection
	item.id == id
}

# A property's name in the terms of the format being scanned, for messages: Terraform's argument
# (`kms_key_id`) in a Terraform unit, CloudFormation's (`KmsKeyId`) otherwise (a Serverless
# service's `resources:` are CloudFormation).
term(_, tf) := tf if input.format == "terraform"

term(cfn, _) := cfn if input.format != "terraform"

# Strings of a list, skipping unknowns.
strings(list) := [s | some s in list; is_string(s)]

# A result's single-value fix: the value the result points at is `from`, and
# `to` fixes it (`faasguard scan --fix`, SARIF `fixes`). Merged into the
# result: `object.union({"resource": ..., "message": ...}, lib.replace(a, b))`.
# The edit is made only where the value is written literally.
replace(from, to) := {"replace": {"from": from, "to": to}}

# A check a rule could not decide because the value at `path` of `item` is
# unknown (`is_unknown`): rules list it in `undecided`, and reports show it
# apart from findings (docs/adr/0030-pull-request-mode.md):
#
#   undecided contains lib.undecided(f, "runtime", f.runtime) if {
#   	some f in input.functions
#   	lib.is_unknown(f.runtime)
#   }
undecided(item, path, value) := {"resource": item.id, "path": path, "reason": unknown_reason(value)}

# Why a value is unknown, as the adapter said ("variable runtime has no value").
unknown_reason(x) := x.reason if {
	is_string(x.reason)
	x.reason != ""
} else := "its value is only known at deploy time"

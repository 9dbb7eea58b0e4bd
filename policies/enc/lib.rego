# Helpers shared by the encryption rules (not a rule itself: no metadata).
package faasguard.lib.enc

import data.faasguard.lib
import rego.v1

# A key is configured: a non-empty string, or a value the adapter cannot know
# (`!GetAtt Key.Arn`, `!Ref KeyParam`), which counts as set.
key_set(k) if lib.is_unknown(k)

key_set(k) if {
	is_string(k)
	trim_space(k) != ""
}

# A key that AWS manages for a service: `alias/aws/<service>` (also as an
# alias ARN) or the short `aws/<service>` that Secrets Manager accepts.
aws_managed(k) if {
	is_string(k)
	regex.match(`^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias/aws/`, k)
}

aws_managed(k) if {
	is_string(k)
	startswith(k, "aws/")
}

# A key that the account manages: set, and not an AWS managed alias.
customer_managed(k) if {
	key_set(k)
	not aws_managed(k)
}

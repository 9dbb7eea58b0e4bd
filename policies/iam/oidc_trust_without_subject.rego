# OIDC federated trust without a subject condition, or with a wildcard subject
#
# ## What it does
# Reports a role that trusts tokens of an OIDC provider (`sts:AssumeRoleWithWebIdentity`) without
# a condition on the token's claims, or, for GitHub Actions, GitLab and Terraform Cloud, without a
# `sub` condition that names the repository owner, group or organization.
#
# For every `Allow` statement of a role's trust policy with a `Federated` principal that covers
# `sts:AssumeRoleWithWebIdentity`:
# - a statement with no condition on any claim of the token (`<provider>:aud`, `<provider>:sub`,
#   ...) is reported, whatever the provider: whoever obtains a token from it can assume the role;
# - when the provider is GitHub Actions (`token.actions.githubusercontent.com`, also with an
#   enterprise suffix), GitLab (`gitlab.com` or a host named `gitlab...`) or Terraform Cloud
#   (`app.terraform.io`), known from the principal or from the condition keys, the statement needs
#   a `<provider>:sub` condition with a positive operator (`StringEquals`, `StringLike`,
#   `ForAnyValue:...`), and every value of it must start by naming the owner: `repo:<org>/`
#   (or a customized GitHub subject starting `repository:<org>/`, `repository_owner:<org>`,
#   `repository_owner_id:`, `repository_id:`, `job_workflow_ref:<org>/`, also after other claims
#   of a customized subject, but before any wildcard), `project_path:<group>/`,
#   `organization:<org>:`. A missing `sub` condition is reported at the principal; each value
#   that names no owner (`*`, `repo:*`, `repo:org*`, `repo:*/app`) at the value;
# - a GitHub subject that names the owner only after a first claim the workflow's author chooses
#   (`workflow:`, `environment:`, `context:`) is reported at the value: another owner's repository
#   whose subject template is that one claim can forge the rest (`ref:` is not: a Git ref cannot
#   hold `:`).
# - a Google `google_iam_workload_identity_pool_provider` with an `oidc` issuer and no
#   `attribute_condition` is reported at the resource.
#
# `repo:<org>/*` is accepted, as Checkov accepts it: it trusts the workflows of one organization's
# repositories, which the organization controls. `StringEquals` takes `*` literally, so
# `repo:*` there matches no token today; it is still reported, as Checkov does: the condition does
# not say whose repositories may assume the role, and it opens the day the operator becomes
# `StringLike`. A missing `aud` condition alone is not reported: STS only accepts a token whose
# audience is in the OIDC provider's client-id list. Unknown principals, conditions and values
# (a parameter, a variable) give no finding of their own.
#
# ## Why is this bad?
# GitHub, GitLab and Terraform Cloud sign a token for every job of every user: the `sub` claim is
# what tells your repository's jobs from anyone else's. A role that trusts the provider without a
# `sub` condition, or with `repo:*`, can be assumed from a workflow in any repository on GitHub,
# including one an attacker creates for the purpose; this has exposed real AWS accounts.
#
# ## Example
# ```yaml
# DeployRole:
#   Type: AWS::IAM::Role
#   Properties:
#     AssumeRolePolicyDocument:
#       Statement:
#         - Effect: Allow
#           Principal:
#             Federated: !Ref GitHubOidcProvider
#           Action: sts:AssumeRoleWithWebIdentity
#           Condition:
#             StringLike:
#               token.actions.githubusercontent.com:sub: repo:*
# ```
#
# ## Use instead
# Name the repository (and, better, the branch or environment):
# ```yaml
#           Condition:
#             StringEquals:
#               token.actions.githubusercontent.com:aud: sts.amazonaws.com
#             StringLike:
#               token.actions.githubusercontent.com:sub: repo:my-org/my-service:ref:refs/heads/main
# ```
#
# ## References
# - https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub
# - https://docs.gitlab.com/ci/cloud_services/aws/
# - https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration
# - https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines#conditions
package faasguard.rules.iam.oidc_trust_without_subject

import data.faasguard.lib
import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-008",
	"title": "OIDC federated trust without a subject condition, or with a wildcard subject",
	"severity": "high",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Add a condition on the token's subject that names your repository: `StringLike: {token.actions.githubusercontent.com:sub: repo:<org>/<repo>:*}` for GitHub Actions, `project_path:<group>/<project>:*` for GitLab, `organization:<org>:project:<project>:workspace:<workspace>:*` for Terraform Cloud, and `StringEquals` on `<provider>:aud`.",
	"fixes": {
		"terraform": "Add a `condition` block to the trust statement (`test = \"StringLike\"`, `variable = \"token.actions.githubusercontent.com:sub\"`, `values = [\"repo:<org>/<repo>:*\"]`; for GitLab `gitlab.com:sub` and `project_path:<group>/<project>:*`, for Terraform Cloud `app.terraform.io:sub` and `organization:<org>:...`), or `Condition` in a `jsonencode` policy. On a `google_iam_workload_identity_pool_provider`, set `attribute_condition` (`assertion.repository_owner == \"<org>\"`).",
		"serverless": "In the role's `AssumeRolePolicyDocument` under `resources.Resources`, add `Condition: {StringLike: {token.actions.githubusercontent.com:sub: \"repo:<org>/<repo>:*\"}}` (or the GitLab/Terraform Cloud subject) to the statement that allows `sts:AssumeRoleWithWebIdentity`.",
	},
}

# No condition on the token at all, whatever the provider.
deny contains {
	"resource": r.id,
	"path": sprintf("assume_role_policy.statements.%d.principal.Federated.%d", [i, j]),
	"message": sprintf("Trust policy of role %s lets anyone who gets a token from %s assume it: the statement has no condition on the token's subject or audience%s", [r.id, provider_text(s), consequence(s)]),
} if {
	some [r, i, s] in web_identity
	not token_condition(s)
	j := first_federated(s)
}

# GitHub, GitLab, Terraform Cloud: conditions on the token, but none on its subject.
deny contains {
	"resource": r.id,
	"path": sprintf("assume_role_policy.statements.%d.principal.Federated.%d", [i, j]),
	"message": sprintf("Trust policy of role %s accepts %s tokens with no `%s:sub` condition%s", [r.id, providers[p].name, host, consequence(s)]),
} if {
	some [r, i, s] in web_identity
	is_object(s.condition)
	not lib.is_unknown(s.condition)
	token_condition(s)
	some [p, host] in ci_providers(s)
	not subject_keys(s, host)
	j := first_federated(s)
}

# A subject that does not name the owner.
deny contains {
	"resource": r.id,
	"path": sprintf("assume_role_policy.statements.%d.condition.%s.%s.%d", [i, op, key, k]),
	"message": sprintf("Trust policy of role %s accepts %s tokens whose subject matches `%s`: it names no %s (`%s`), so %s of other owners match it", [r.id, providers[p].name, v, providers[p].owner, providers[p].form, providers[p].jobs]),
} if {
	some [r, i, s] in web_identity
	some [p, host] in ci_providers(s)
	some [op, key] in subject_keys(s, host)
	some k, v in as_list(s.condition[op][key])
	is_string(v)
	not owner_named(p, v)
}

# GitHub: a subject that names the owner, but after a first claim the workflow's author chooses
# (its name, its environment): a repository of any owner whose subject template holds only that
# claim can put the rest of this subject into it, and its tokens match.
deny contains {
	"resource": r.id,
	"path": sprintf("assume_role_policy.statements.%d.condition.%s.%s.%d", [i, op, key, k]),
	"message": sprintf("Trust policy of role %s accepts GitHub Actions tokens whose subject matches `%s`: its first claim `%s` is chosen by whoever writes the workflow, so a repository of any owner whose subject template is only `%s` can name a %s `%s` and match", [r.id, v, first, first, claim_noun[first], trim_prefix(v, concat("", [first, ":"]))]),
} if {
	some [r, i, s] in web_identity
	some [p, host] in ci_providers(s)
	p == "github"
	some [op, key] in subject_keys(s, host)
	some k, v in as_list(s.condition[op][key])
	is_string(v)
	owner_named("github", v)
	first := split(v, ":")[0]
	claim_noun[first]
}

# Claims of a GitHub token whose value the workflow's author sets freely, `:` included. Checkov's
# CKV_AWS_393 counts `ref`, `head_ref` and `base_ref` too; a Git ref cannot hold `:`, so a branch
# name cannot carry the rest of a subject, and those are not reported.
claim_noun := {
	"workflow": "workflow",
	"environment": "deployment environment",
	"context": "context",
}

# Google: a workload identity pool provider that admits every identity of its issuer.
deny contains {
	"resource": res.id,
	"path": "properties.attribute_condition",
	"message": sprintf("Workload identity pool provider %s sets no attribute_condition: every identity that %s signs can be mapped into the pool%s", [res.id, issuer, google_consequence(issuer)]),
} if {
	some res in input.resources
	res.type == "google_iam_workload_identity_pool_provider"
	not res.mode
	some oidc in iam.array_of(res.properties.oidc)
	issuer := oidc.issuer_uri
	is_string(issuer)
	not res.properties.attribute_condition
}

providers := {
	"github": {
		"name": "GitHub Actions",
		"owner": "repository owner",
		"form": "repo:<org>/<repo>:...",
		"jobs": "workflows in repositories",
	},
	"gitlab": {
		"name": "GitLab",
		"owner": "group",
		"form": "project_path:<group>/<project>:...",
		"jobs": "pipelines in projects",
	},
	"terraform": {
		"name": "Terraform Cloud",
		"owner": "organization",
		"form": "organization:<org>:project:...",
		"jobs": "runs in workspaces",
	},
}

# [role, statement index, statement]: Allow statements of trust policies that let a federated
# principal assume the role with a web identity token. A statement that only names SAML
# providers is left out.
web_identity contains [r, i, s] if {
	some r in input.roles
	some i, s in iam.array_of(r.assume_role_policy.statements)
	s.effect == "Allow"
	count(iam.array_of(s.principal.Federated)) > 0
	not saml_only(s)
	some a in iam.array_of(s.action)
	is_string(a)
	iam.covers(lower(a), "sts", "assumerolewithwebidentity")
}

saml_only(s) if {
	every f in iam.array_of(s.principal.Federated) {
		is_string(f)
		contains(f, ":saml-provider/")
	}
}

first_federated(s) := min({j | some j, _ in iam.array_of(s.principal.Federated)})

# The statement has a condition on a claim of the token (a key `<issuer host>:<claim>`), under an
# operator that holds only when the claim matches. A condition the adapter could not read counts.
token_condition(s) if lib.is_unknown(s.condition)

token_condition(s) if {
	s.condition
	not is_object(s.condition)
}

token_condition(s) if {
	some op, keys in iam.conditions(s)
	positive(op)
	is_object(keys)
	some key, _ in keys
	token_key(key)
}

# `token.actions.githubusercontent.com:sub`, `cognito-identity.amazonaws.com:aud`: the part before
# the claim is a host, unlike `aws:` or `sts:` global keys.
token_key(key) if {
	parts := split(key, ":")
	count(parts) >= 2
	prefix := concat(":", array.slice(parts, 0, count(parts) - 1))
	regex.match(`[./]`, prefix)
}

positive(op) if {
	o := trim_prefix(lower(op), "foranyvalue:")
	o in {"stringequals", "stringequalsignorecase", "stringlike"}
}

# [provider, host]: the CI providers the statement trusts, from its known principals and its
# condition keys.
ci_providers(s) := {[p, host] |
	some host in hosts(s)
	p := provider_of(host)
}

hosts(s) := {h | some f in iam.array_of(s.principal.Federated); is_string(f); h := host_of(f)} | {h |
	some _, keys in iam.conditions(s)
	is_object(keys)
	some key, _ in keys
	token_key(key)
	parts := split(lower(key), ":")
	h := concat(":", array.slice(parts, 0, count(parts) - 1))
}

# `arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com` → the host.
host_of(f) := lower(substring(f, indexof(f, "oidc-provider/") + 14, -1)) if contains(f, "oidc-provider/")

provider_of(host) := "github" if {
	regex.match(`^token\.actions\.githubusercontent\.com(/|$)`, host)
} else := "gitlab" if {
	regex.match(`^gitlab\.com(/|$)`, host)
} else := "gitlab" if {
	regex.match(`^gitlab[.-][^/]*$`, host)
} else := "terraform" if {
	regex.match(`^app\.terraform\.io(/|$)`, host)
}

# [operator, key] of the positive conditions on the subject of the host's tokens.
subject_keys(s, host) := keys if {
	keys := {[op, key] |
		some op, ks in iam.conditions(s)
		positive(op)
		is_object(ks)
		some key, _ in ks
		parts := split(lower(key), ":")
		count(parts) >= 2
		parts[count(parts) - 1] == "sub"
		startswith(concat(":", array.slice(parts, 0, count(parts) - 1)), host)
	}
	count(keys) > 0
}

# The subject starts by naming the owner literally.
# GitHub: a customized subject may put other claims first (`job:deploy:repo:org/app:...`); the
# owner must be named before the first wildcard. (A first claim the workflow's author chooses is
# reported by its own clause above.)
owner_named("github", v) if regex.match(`(^|:)(repo|repository|job_workflow_ref):[^*?:/]+/`, literal_prefix(v))

owner_named("github", v) if regex.match(`(^|:)(repository_owner|repository_owner_id|repository_id):[^*?:]+(:|$)`, literal_prefix(v))

owner_named("gitlab", v) if regex.match(`^project_path:[^*?:/]+/`, v)

owner_named("terraform", v) if regex.match(`^organization:[^*?:]+:`, v)

provider_text(s) := min({sprintf("%s (%s)", [providers[p].name, host]) | some [p, host] in ci_providers(s)}) if {
	count(ci_providers(s)) > 0
} else := sprintf("its OIDC provider (%s)", [concat(", ", sort(hosts(s)))]) if {
	count(hosts(s)) > 0
} else := "its identity provider"

consequence(s) := sprintf(", so %s of any owner can assume it", [min({providers[p].jobs | some [p, _] in ci_providers(s)})]) if {
	count(ci_providers(s)) > 0
} else := ""

google_consequence(issuer) := " (any repository on GitHub)" if {
	contains(issuer, "token.actions.githubusercontent.com")
} else := " (any project on GitLab)" if {
	contains(issuer, "gitlab")
} else := " (any workspace on Terraform Cloud)" if {
	contains(issuer, "app.terraform.io")
} else := ""

# The value up to its first wildcard.
literal_prefix(v) := regex.split(`[*?]`, v)[0]

as_list(v) := v if is_array(v)

as_list(v) := [v] if not is_array(v)

use super::*;
use proptest::prelude::*;
use regex::bytes::RegexBuilder;

use super::entropy::MASK;

fn fresh() -> SecretScanner {
    SecretScanner::from_toml(BUILTIN_RULES).expect("builtin rules load")
}

fn rules(key: Option<&str>, value: &str) -> Vec<String> {
    SecretScanner::builtin()
        .scan(key, value)
        .into_iter()
        .map(|h| h.rule)
        .collect()
}

/// The one hit on `value`, which must cover `secret`.
fn only_hit(key: Option<&str>, value: &str, secret: &str) -> SecretHit {
    let hits = SecretScanner::builtin().scan(key, value);
    assert_eq!(hits.len(), 1, "{key:?} = {value:?}: {hits:#?}");
    let hit = hits.into_iter().next().unwrap();
    assert_eq!(&value[hit.start..hit.end], secret, "{hit:#?}");
    hit
}

const GITHUB_PAT: &str = "ghp_Zx81Vq0pLm2Nb7Tr4Yc6Wd9Hs3Kf5Ga1Je0U";
const STRIPE_LIVE: &str = "sk_live_51HxY2mKq8Pz3RtVw9LbN4cDfRb";
const SLACK_BOT: &str = "xoxb-2871349501-4539018273645-Hq7ZpK2mXv9LcR4tWn8YbJd3";
const SLACK_HOOK: &str =
    "https://hooks.slack.com/services/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";
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const GOOGLE_KEY: &str = "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn pem() -> String {
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n{}\n-----END RSA PRIVATE KEY-----",
        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
        "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK"
    )
}

#[test]
fn every_shipped_rule_compiles() {
    let scanner = fresh();
    // 212 ported from gitleaks plus our own; see the header of the rules file.
    assert!(scanner.rule_count() >= 218, "{}", scanner.rule_count());
    scanner.compile_all().expect("every rule compiles");
    assert_eq!(scanner.compiled_count(), scanner.rule_count());
    // And each in the fast mode: none of the shipped patterns needs Unicode.
    for rule in &scanner.rules {
        RegexBuilder::new(&rule.pattern)
            .unicode(false)
            .build()
            .unwrap_or_else(|e| panic!("{} needs Unicode mode: {e}", rule.id));
    }
}

#[test]
fn every_shipped_rule_has_a_description_and_keywords() {
    for rule in &fresh().rules {
        assert!(!rule.description.is_empty(), "{}", rule.id);
    }
    assert!(
        fresh().unconditional.is_empty(),
        "every shipped rule has keywords"
    );
}

#[test]
fn no_regex_is_compiled_until_a_keyword_occurs() {
    let scanner = fresh();
    assert_eq!(scanner.compiled_count(), 0, "loading compiles nothing");
    assert!(scanner.scan(None, "hello world").is_empty());
    assert!(scanner.scan(Some("Stage"), "production").is_empty());
    assert_eq!(scanner.compiled_count(), 0, "no keyword, no compile");
    assert_eq!(scanner.scan(None, GITHUB_PAT).len(), 1);
    let after = scanner.compiled_count();
    assert!(
        (1..10).contains(&after),
        "only the rules keyed on ghp_: {after}"
    );
    scanner.scan(None, GITHUB_PAT);
    assert_eq!(scanner.compiled_count(), after, "compiled once");
}

#[test]
fn rules_without_keywords_run_on_every_value() {
    let scanner = SecretScanner::from_toml(
        r#"
        [[rules]]
        id = "always"
        description = "d"
        regex = '''zz(\d{4})'''
        [[rules]]
        id = "keyed"
        description = "d"
        regex = '''qq\d{4}'''
        keywords = ["qq"]
        "#,
    )
    .unwrap();
    let hits = scanner.scan(None, "a zz1234 b");
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].rule.as_str(), hits[0].start, hits[0].end),
        ("always", 4, 8)
    );
    assert_eq!(scanner.compiled_count(), 1);
}

#[test]
fn aws_access_key_id_is_found_even_when_it_is_the_documentation_example() {
    let hit = only_hit(None, "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(hit.rule, "aws-access-token");
    assert_eq!(hit.redacted, "AKIA****LE");
    let text = "aws configure set aws_access_key_id AKIAZ7QW3PLM4XK2N5RT --profile ci";
    only_hit(None, text, "AKIAZ7QW3PLM4XK2N5RT");
    // A low-entropy run is below the rule's threshold.
    assert!(rules(None, "AKIAAAAAAAAAAAAAAAAA").is_empty());
}

#[test]
fn aws_secret_key_under_a_name() {
    let hit = only_hit(Some("AWS_SECRET_ACCESS_KEY"), AWS_SECRET, AWS_SECRET);
    assert_eq!(hit.rule, "aws-secret-access-key");
    // A name without "aws" still gives it away.
    let hit = only_hit(Some("SecretAccessKey"), AWS_SECRET, AWS_SECRET);
    assert_eq!(hit.rule, NAMED_VALUE_RULE);
    // Inside a script, the assignment is the key.
    let script = format!("export AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n./deploy.sh");
    only_hit(Some("UserData"), &script, AWS_SECRET);
}

#[test]
fn vendor_tokens() {
    assert_eq!(GITHUB_PAT.len(), 40);
    assert_eq!(only_hit(None, GITHUB_PAT, GITHUB_PAT).rule, "github-pat");
    assert_eq!(
        only_hit(Some("GITHUB_TOKEN"), GITHUB_PAT, GITHUB_PAT).rule,
        "github-pat"
    );
    assert_eq!(only_hit(None, SLACK_BOT, SLACK_BOT).rule, "slack-bot-token");
    assert_eq!(
        only_hit(None, SLACK_HOOK, SLACK_HOOK).rule,
        "slack-webhook-url"
    );
    let hit = only_hit(Some("STRIPE_KEY"), STRIPE_LIVE, STRIPE_LIVE);
    assert_eq!(
        (hit.rule.as_str(), hit.redacted.as_str()),
        ("stripe-access-token", "sk_live_****Rb")
    );
    assert_eq!(only_hit(None, JWT, JWT).rule, "jwt");
    assert_eq!(GOOGLE_KEY.len(), 39);
    assert_eq!(
        only_hit(Some("MAPS_KEY"), GOOGLE_KEY, GOOGLE_KEY).rule,
        "gcp-api-key"
    );
}

#[test]
fn private_key_blocks() {
    let pem = pem();
    let hit = only_hit(Some("SigningCert"), &pem, &pem);
    assert_eq!(hit.rule, "private-key");
    assert_eq!(hit.redacted, "-----****--");
    // Escaped newlines, as in a JSON string or a one-line env var.
    let escaped = pem.replace('\n', "\\n");
    assert_eq!(only_hit(None, &escaped, &escaped).rule, "private-key");
}

#[test]
fn webhook_urls_and_connection_strings() {
    let discord = "https://discord.com/api/webhooks/1183920475615023104/Xq3vK9pLm2Zt7Rb4Nw8Yc1Hd6Jf0Gs5Ua3Ek7Mo9Qi2Vx4Bn8Cl1Dr6Ty0Wp5Hz";
    assert_eq!(only_hit(None, discord, discord).rule, "discord-webhook-url");
    let teams = "https://contoso.webhook.office.com/webhookb2/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a/6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
    assert_eq!(only_hit(None, teams, teams).rule, "microsoft-teams-webhook");
    let url = "postgres://app:N8vq2LxR4tZp@db.internal:5432/orders";
    assert_eq!(
        only_hit(Some("DATABASE_URL"), url, "N8vq2LxR4tZp").rule,
        "url-embedded-credentials"
    );
    let key =
        "bnfyjXvZZ5llxIJVeRTn4bLaE9EA0Xf9Bf7YGxisK8pw3g6Ip+KNOJW6YXEpXSgF3WAGgnVX5jhUtVkGKee97Q==";
    assert_eq!(key.len(), 88);
    let conn = format!("DefaultEndpointsProtocol=https;AccountName=fnstore;AccountKey={key};EndpointSuffix=core.windows.net");
    assert_eq!(
        only_hit(Some("AzureWebJobsStorage"), &conn, key).rule,
        "azure-storage-account-key"
    );
}

#[test]
fn literal_passwords_under_password_names() {
    // Whichever rule reports it, it is reported.
    only_hit(Some("DB_PASSWORD"), "hunter2!x", "hunter2!x");
    let hit = only_hit(Some("ADMIN_PASSWORD"), "  hunter2!x ", "hunter2!x");
    assert_eq!(hit.rule, NAMED_VALUE_RULE);
    assert_eq!(hit.redacted, "****");
    assert_eq!(
        only_hit(Some("MasterUserPassword"), "changeme", "changeme").rule,
        NAMED_VALUE_RULE
    );
    // Tokens need to look random.
    assert_eq!(
        only_hit(Some("API_TOKEN"), "q8Zk3pLm7NvX2cR9", "q8Zk3pLm7NvX2cR9").rule,
        NAMED_VALUE_RULE
    );
    assert!(rules(Some("API_TOKEN"), "disabled").is_empty());
    assert!(rules(Some("AUTH_SECRET"), "see the runbook for this").is_empty());
}

#[test]
fn references_and_placeholders_are_not_secrets() {
    let cases: &[(&str, &str)] = &[
        ("DB_PASSWORD", "${env:DB_PASSWORD}"),
        ("DB_PASSWORD", "${ssm:/myapp/prod/db-password}"),
        (
            "DB_PASSWORD",
            "{{resolve:secretsmanager:prod/db:SecretString:password}}",
        ),
        ("DB_PASSWORD", "{{resolve:ssm-secure:/db/pwd:1}}"),
        ("DB_PASSWORD", "prefix-${AWS::StackName}-suffix"),
        (
            "DB_SECRET",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
        ),
        (
            "DB_SECRET_ARN",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
        ),
        ("DB_PASSWORD", "/myapp/prod/db-password"),
        ("PASSWORD", "****"),
        ("PASSWORD", "********************"),
        ("PASSWORD", "xxxxxxxx"),
        ("PASSWORD", "<your-password>"),
        ("PASSWORD", "example"),
        ("PASSWORD", ""),
        ("API_KEY", "YOUR_API_KEY_HERE"),
        ("API_KEY", "$API_KEY"),
        ("TOKEN_URL", "https://auth.example.com/oauth2/token"),
        ("AUTH_TYPE", "AWS_IAM_AUTHORIZER"),
        ("ACCESS_KEY_ID", "not-a-key-at-all-really"),
        ("KMS_KEY", "alias/aws/lambda/production"),
        ("PASSWORD_MIN_LENGTH", "1234567890"),
        ("Stage", "production"),
        ("Description", "Rotates the database password every 30 days"),
    ];
    for (key, value) in cases {
        let hits = SecretScanner::builtin().scan(Some(key), value);
        assert!(hits.is_empty(), "{key} = {value:?}: {hits:#?}");
    }
    for value in [
        "hello world",
        "arn:aws:iam::123456789012:role/service-role",
        "python3.12",
    ] {
        assert!(rules(None, value).is_empty(), "{value}");
    }
    let url = "postgres://app:${DbPassword}@db.internal:5432/orders";
    assert!(rules(Some("DATABASE_URL"), url).is_empty());
    assert!(rules(None, "mysql://user:password@localhost/db").is_empty());
}

#[test]
fn hits_are_sorted_and_nested_spans_collapse() {
    let value = format!("first {STRIPE_LIVE} then {GITHUB_PAT}");
    let hits = SecretScanner::builtin().scan(None, &value);
    let found: Vec<_> = hits.iter().map(|h| &value[h.start..h.end]).collect();
    assert_eq!(found, [STRIPE_LIVE, GITHUB_PAT]);
    // Two upstream Slack rules match this token with the same span: one hit,
    // from the rule listed first.
    let both = "xoxb-2871349501-4539018273645Hq7ZpK2mXv";
    assert_eq!(rules(None, both), ["slack-bot-token"]);
}

#[test]
fn entropy_threshold_is_strict_and_secret_group_is_honoured() {
    let scanner = SecretScanner::from_toml(
        r#"
        [[rules]]
        id = "t"
        description = "d"
        regex = '''(k)=(\w+)'''
        secretGroup = 2
        entropy = 2
        keywords = ["k="]
        "#,
    )
    .unwrap();
    // "abcd" has exactly 2 bits per char: not above the threshold.
    assert!(scanner.scan(None, "k=abcd").is_empty());
    let hits = scanner.scan(None, "k=abcde");
    assert_eq!((hits[0].start, hits[0].end), (2, 7));
}

#[test]
fn rule_errors_name_the_rule() {
    let err = |text: &str| SecretScanner::from_toml(text).unwrap_err().to_string();
    let e = err("[[rules]]\nid = \"bad\"\nregex = '''(unclosed'''\n");
    assert!(e.contains("`bad`") && e.contains("invalid regex"), "{e}");
    let e = err("[[rules]]\nid = \"a\"\nregex = 'x'\n[[rules]]\nid = \"a\"\nregex = 'y'\n");
    assert!(e.contains("`a` is defined twice"), "{e}");
    let e = err("[[rules]]\nid = \"nore\"\n");
    assert!(e.contains("`nore` has no regex"), "{e}");
    let e = err("[[rules]]\nid = \"p\"\nregex = 'x'\npath = 'y'\n");
    assert!(e.contains("unknown field"), "{e}");
    let e = err("[[rules]]\nid = \"one\"\nregex = '('\n[[rules]]\nid = \"two\"\nregex = ')'\n");
    assert!(
        e.contains("2 problems") && e.contains("`one`") && e.contains("`two`"),
        "{e}"
    );
    // The group count needs compilation: reported by compile_all, and the rule never fires.
    let scanner =
        SecretScanner::from_toml("[[rules]]\nid = \"g\"\nregex = '(a)b'\nsecretGroup = 2\n")
            .unwrap();
    assert!(scanner.scan(None, "ab").is_empty());
    let e = scanner.compile_all().unwrap_err().to_string();
    assert!(e.contains("`g`") && e.contains("secretGroup 2"), "{e}");
}

#[test]
#[rustfmt::skip]
fn sensitive_names() {
    for key in [
        "PASSWORD", "DB_PASSWORD", "dbPassword", "MasterUserPassword", "db-pass", "DB_PWD",
        "SECRET", "CLIENT_SECRET", "clientSecret", "GITHUB_TOKEN", "githubToken",
        "OAuth2Token", "API_KEY", "apiKey", "x-api-key", "APIKey", "PRIVATE_KEY",
        "privateKey", "CREDENTIALS", "BASIC_AUTH", "Authorization", "SECRET_KEY_BASE",
        "AWS_SECRET_ACCESS_KEY", "SecretString", "slackbottoken",
    ] {
        assert!(looks_sensitive_name(key), "{key}");
    }
    for key in [
        "TOKEN_URL", "tokenEndpoint", "DB_SECRET_ARN", "SECRET_NAME", "SECRET_ARN_PROD",
        "PASSWORD_MIN_LENGTH", "ACCESS_KEY_ID", "AUTH_TYPE", "AuthorizationType", "AUTHOR",
        "Authorizer", "KMS_KEY", "KEY", "PWD", "BYPASS_CACHE", "TABLE_NAME",
        "PRIVATE_KEY_PATH", "AccessTokenValidity",
        "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "SecretStringTemplate",
        "SecretsManagerSecretId", "customer_master_key_spec", "MasterKeySpec",
        "signing_key_usage", "encryption_key_algorithm",
    ] {
        assert!(!looks_sensitive_name(key), "{key}");
    }
}

#[test]
#[rustfmt::skip]
fn sensitive_parameter_names() {
    for name in [
        "GitHubClientSecretParameter", "ApiTokenParam", "ClientSecret", "db_password_param",
        "DbPasswordParameters", "ApiTokenValue", "var.api_token_param",
    ] {
        assert!(looks_sensitive_parameter_name(name), "{name}");
    }
    for name in [
        "ClientSecretArnParameter", "TokenParameterName", "DbSecretArn", "SecretName",
        "TokenPath", "Parameter", "Param", "TableNameParam",
    ] {
        assert!(!looks_sensitive_parameter_name(name), "{name}");
    }
    // An environment variable named so holds a parameter's name.
    assert!(!looks_sensitive_name("DB_PASSWORD_PARAM"));
}

#[test]
fn oidc_condition_keys_audiences_subjects_and_principals_are_not_secrets() {
    let cases: &[(&str, &str)] = &[
        (
            "token.actions.githubusercontent.com:aud",
            "sts.amazonaws.com",
        ),
        (
            "token.actions.githubusercontent.com:sub",
            "repo:acme/orders:ref:refs/heads/main",
        ),
        ("token.actions.githubusercontent.com:sub", "repo:acme/*"),
        (
            "accounts.google.com:aud",
            "123456789012-abc.apps.googleusercontent.com",
        ),
        ("aws:SecureTransport", "false"),
        (
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub",
            "system:serviceaccount:prod:orders",
        ),
        ("AUTH_AUDIENCE_PRINCIPAL", "lambda.amazonaws.com"),
        (
            "TOKEN_SUBJECT_FILTER",
            "repo:Acme-Corp/Orders:environment:production",
        ),
        ("AUTH_SERVICE", "cognito-idp.eu-west-1.amazonaws.com"),
        ("AUTH_TOKEN", "https://auth.example.com/oauth2/token"),
    ];
    for (key, value) in cases {
        let hits = SecretScanner::builtin().scan(Some(key), value);
        assert!(hits.is_empty(), "{key} = {value:?}: {hits:#?}");
    }
    assert!(!looks_sensitive_name(
        "token.actions.githubusercontent.com:sub"
    ));
    // The names still work; the values decide.
    assert_eq!(
        only_hit(Some("API_TOKEN"), "q8Zk3pLm7NvX2cR9", "q8Zk3pLm7NvX2cR9").rule,
        NAMED_VALUE_RULE
    );
    // A random part inside a subject-shaped value is still a credential.
    let sneaky = "svc:Xk9fQ2mLp7Rz4TbW8vNc";
    assert_eq!(
        only_hit(Some("AUTH_TOKEN"), sneaky, sneaky).rule,
        NAMED_VALUE_RULE
    );
    // Password names report any literal that is not a host name.
    only_hit(Some("DB_PASSWORD"), "repo:hunter2", "repo:hunter2");
    only_hit(Some("ADMIN_PASSWORD"), "svc:hunter2!x", "svc:hunter2!x");
}

#[test]
fn entropy_values() {
    assert_eq!(shannon_entropy(""), 0.0);
    assert_eq!(shannon_entropy("aaaa"), 0.0);
    assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-12);
    assert!(
        (shannon_entropy("ééaa") - 1.0).abs() < 1e-12,
        "counts chars, not bytes"
    );
    assert!(shannon_entropy(AWS_SECRET) > 4.0);
}

#[test]
fn redaction() {
    assert_eq!(redact(STRIPE_LIVE), "sk_live_****Rb");
    assert_eq!(redact(GITHUB_PAT), "ghp_****0U");
    assert_eq!(redact(SLACK_BOT), "xoxb-****d3");
    assert_eq!(redact("hunter2!x"), "****");
    assert_eq!(redact(""), "****");
    assert_eq!(
        redact("hunter2!hunter"),
        "hu****er",
        "head capped at a third"
    );
    assert_eq!(
        redact("abcdefghijk\n"),
        "ab****",
        "no control characters shown"
    );
}

/// How many characters of `secret` a redaction reveals.
fn revealed(redacted: &str) -> usize {
    redacted.chars().count() - MASK.len()
}

proptest! {
    #[test]
    fn redact_reveals_at_most_a_third(secret in "\\PC{0,80}") {
        let r = redact(&secret);
        let n = secret.chars().count();
        prop_assert!(r.contains(MASK));
        prop_assert!(revealed(&r) <= n / 3, "{r:?} for {secret:?}");
    }

    #[test]
    fn scan_never_panics_and_spans_are_valid(
        key in proptest::option::of("[A-Za-z_]{0,20}"),
        value in "(AKIA|ghp_|xoxb-|sk_live_|eyJ|-----BEGIN |://|:|@|\\$\\{|\\}|\\{\\{|=|[A-Za-z0-9+/_.-]{1,12}|\\s|é|日本|\u{1F600})*",
        raw in any::<String>(),
    ) {
        for value in [value.as_str(), raw.as_str()] {
            for hit in SecretScanner::builtin().scan(key.as_deref(), value) {
                prop_assert!(hit.start < hit.end && hit.end <= value.len(), "{hit:?}");
                prop_assert!(value.is_char_boundary(hit.start) && value.is_char_boundary(hit.end));
                let secret = &value[hit.start..hit.end];
                prop_assert_eq!(&hit.redacted, &redact(secret));
                prop_assert!(revealed(&hit.redacted) <= secret.chars().count() / 3);
            }
        }
    }
}

#[test]
fn step_functions_path_fields_are_not_secret_names() {
    // `.$` fields hold a path or an intrinsic the state machine evaluates.
    for (key, value) in [
        ("TaskToken.$", "$$.Task.Token"),
        ("token.$", "$.auth.token"),
        ("secret_key.$", "States.Format('Bearer-{}',$.auth.token)"),
    ] {
        let hits = SecretScanner::builtin().scan(Some(key), value);
        assert!(hits.is_empty(), "{key} = {value:?}: {hits:#?}");
        assert!(!looks_sensitive_name(key), "{key}");
    }
    // The same name without `.$` holds a literal.
    assert!(!SecretScanner::builtin()
        .scan(Some("TaskToken"), "q8Zk3pLm7NvX2cR9wT4y")
        .is_empty());
}

//! Names that say a value is a secret (`DB_PASSWORD`, `apiKey`), and the
//! false friends that only look like one (`password_policy`).

use super::is_condition_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameKind {
    /// A human-chosen secret: any literal is a finding.
    Password,
    /// A token or key: must also look random.
    Secret,
}

/// Word parts meaning "secret" on their own.
#[rustfmt::skip]
pub(super) const SECRET_WORDS: &[&str] = &[
    "secret", "secrets", "token", "tokens", "credential", "credentials", "creds",
    "cred", "auth", "authorization", "apikey", "apikeys", "apisecret", "privatekey",
    "secretkey", "accesskey", "authkey", "clientsecret", "sessionkey", "signingkey",
    "encryptionkey", "masterkey", "accesstoken", "refreshtoken", "authtoken",
];

/// Words that make a following `key` a secret (`API_KEY`, `privateKey`);
/// `KEY` alone is usually a KMS key id or an S3 object key.
#[rustfmt::skip]
pub(super) const KEY_QUALIFIERS: &[&str] = &[
    "api", "private", "secret", "access", "signing", "encryption", "encrypt", "master",
    "session", "hmac", "client", "app", "account", "shared", "license", "auth", "ssh",
    "jwt", "webhook", "subscription",
];

/// Words that, after the sensitive word, say the value is about the secret
/// rather than the secret itself: `TOKEN_URL`, `SECRET_ARN`, `PASSWORD_LENGTH`.
#[rustfmt::skip]
pub(super) const FALSE_FRIENDS: &[&str] = &[
    "url", "urls", "uri", "uris", "endpoint", "endpoints", "host", "hostname", "port",
    "domain", "arn", "arns", "name", "names", "id", "ids", "type", "types", "path",
    "paths", "file", "files", "dir", "length", "len", "size", "min", "max", "ttl",
    "expiry", "expiration", "expires", "expire", "timeout", "seconds", "secs",
    "minutes", "mins", "hours", "days", "lifetime", "validity", "age", "version",
    "enabled", "enable", "disabled", "required", "mode", "method", "methods",
    "provider", "scheme", "issuer", "audience", "scope", "scopes", "flow", "flows",
    "param", "params", "parameter", "parameters", "ssm", "ref", "reference", "field",
    "fields", "location", "region", "policy", "policies", "rotation", "count",
    "format", "prefix", "suffix", "pattern", "regex", "alias", "table", "bucket",
    "queue", "topic", "stream", "function", "role", "user", "username", "login",
    "email", "source", "level", "header", "headers", "template", "templates", "manager",
    "store", "spec", "specs", "usage", "algorithm",
];

/// Splits a key into lowercase word parts at `_`, `-`, `.`, spaces and other
/// punctuation, at camelCase humps (`DBPassword` → `db`, `password`) and at
/// letter/digit changes (`OAuth2Token` → `o`, `auth`, `2`, `token`).
pub(super) fn word_parts(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if !word.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_alphabetic() != c.is_alphabetic())
                || (prev.is_uppercase() && c.is_uppercase() && next_lower);
            if boundary {
                words.push(std::mem::take(&mut word));
            }
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

pub(super) fn is_password_word(word: &str, words: usize) -> bool {
    matches!(word, "password" | "passwords" | "passwd" | "passphrase" | "pass")
        || (word == "pwd" && words > 1) // `PWD` alone is the shell's working directory
        || ["password", "passwd", "passphrase"]
            .iter()
            .any(|w| word.contains(w))
}

pub(super) fn is_secret_word(word: &str) -> bool {
    SECRET_WORDS.contains(&word)
        || ["secret", "token", "apikey"]
            .iter()
            .any(|s| word.len() > s.len() && word.ends_with(s))
}

pub(super) fn classify_name(key: &str) -> Option<NameKind> {
    // A Step Functions field ending in `.$` (`TaskToken.$: $$.Task.Token`)
    // holds a path or intrinsic function the state machine evaluates, never
    // the literal value: the name says nothing about what is written.
    if is_condition_key(key) || key.ends_with(".$") {
        return None;
    }
    classify_words(&word_parts(key))
}

fn classify_words(words: &[String]) -> Option<NameKind> {
    let mut last = None;
    let mut password = false;
    for (i, word) in words.iter().enumerate() {
        let is_password = is_password_word(word, words.len());
        let qualified_key =
            word == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str());
        if is_password || is_secret_word(word) || qualified_key {
            last = Some(i);
            password |= is_password;
        }
    }
    let last = last?;
    if words[last + 1..]
        .iter()
        .any(|w| FALSE_FRIENDS.contains(&w.as_str()))
    {
        return None;
    }
    Some(if password {
        NameKind::Password
    } else {
        NameKind::Secret
    })
}

/// Whether a key names a secret: PASSWORD, SECRET, TOKEN, API_KEY,
/// PRIVATE_KEY, CREDENTIAL, AUTH, ... as a word part of a snake, kebab or
/// camel case name, case-insensitively (`dbPassword`, `x-api-key`,
/// `GITHUB_TOKEN`). A sensitive word followed by a word saying the value is
/// *about* the secret (`TOKEN_URL`, `SECRET_ARN`, `PASSWORD_MIN_LENGTH`,
/// `ACCESS_KEY_ID`) does not count, nor does `KEY` alone (`KMS_KEY`).
pub fn looks_sensitive_name(key: &str) -> bool {
    classify_name(key).is_some()
}

/// Words that end a template parameter's or input variable's name to say
/// it is one (`GitHubClientSecretParameter`, `ApiTokenParam`).
const PARAMETER_SUFFIXES: &[&str] = &["parameter", "param", "parameters", "params"];

/// Whether the name of a template parameter or input variable says its
/// value is a secret. A last word saying it is a parameter
/// (`ClientSecretParameter`, `api_token_param`) is left out first: the
/// parameter holds the secret itself, where an environment variable named
/// `DB_PASSWORD_PARAM` holds the name of a parameter. A word saying the
/// value is about the secret still counts (`ClientSecretArnParameter`).
pub fn looks_sensitive_parameter_name(name: &str) -> bool {
    if is_condition_key(name) {
        return false;
    }
    let mut words = word_parts(name);
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| PARAMETER_SUFFIXES.contains(&w.as_str()))
    {
        words.pop();
    }
    classify_words(&words).is_some()
}

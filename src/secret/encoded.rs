//! Secrets inside base64: a value (EC2 or launch-template `user_data_base64`, an
//! environment variable, a parameter default) that carries a credential encoded
//! rather than written out.
//!
//! Only a run of base64 that decodes to text is opened, and the decoded text is
//! scanned once with the pattern rules (no further decoding, no key-name check:
//! the key belongs to the encoded value). One more check runs on decoded text
//! only: a PEM private-key header. Written out, a header alone is too often a
//! placeholder or documentation (the `private-key` rule asks for a key body);
//! nobody base64-encodes a header without the key it introduces.

use std::sync::OnceLock;

use base64::Engine as _;
use regex::Regex;

use super::{SecretHit, SecretScanner};

/// Shortest base64 run opened: 24 characters are 18 bytes, shorter than any
/// credential worth reporting once encoded.
const MIN_RUN: usize = 24;

/// Rule id of the header check, shared with the written-out rule in
/// `rules/secrets.toml` so that users allow or disable both together.
const PRIVATE_KEY_RULE: &str = "private-key";
const PRIVATE_KEY_DESCRIPTION: &str =
    "Identified a Private Key, which may compromise cryptographic security and sensitive data encryption.";

// Both patterns are literals checked by the unit tests: a failure here is a
// build defect no input can cause.
#[allow(clippy::expect_used)]
fn base64_run() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[A-Za-z0-9+/]{24,}={0,2}").expect("base64 run pattern"))
}

#[allow(clippy::expect_used)]
fn private_key_header() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----")
            .expect("private key header pattern")
    })
}

/// Secrets in the base64 runs of `value` that no hit in `plain` overlaps: at
/// most one per run, spanning the whole run (a position inside the encoding
/// means nothing to a reader), redacted as the decoded secret is.
pub(super) fn hits(scanner: &SecretScanner, value: &str, plain: &[SecretHit]) -> Vec<SecretHit> {
    let mut out = Vec::new();
    for run in base64_run().find_iter(value) {
        if run.len() < MIN_RUN
            || plain
                .iter()
                .any(|h| h.start < run.end() && run.start() < h.end)
        {
            continue;
        }
        let Some(text) = decode_text(run.as_str()) else {
            continue;
        };
        let inner = scanner
            .scan_plain(None, &text)
            .into_iter()
            .next()
            .or_else(|| {
                private_key_header().find(&text).map(|m| SecretHit {
                    rule: PRIVATE_KEY_RULE.to_owned(),
                    description: PRIVATE_KEY_DESCRIPTION.to_owned(),
                    start: m.start(),
                    end: m.end(),
                    redacted: super::redact(m.as_str()),
                })
            });
        if let Some(inner) = inner {
            out.push(SecretHit {
                rule: inner.rule,
                description: format!("Base64-encoded: {}", inner.description),
                start: run.start(),
                end: run.end(),
                redacted: inner.redacted,
            });
        }
    }
    out
}

/// The text `run` encodes, when it is base64 (padded or not) of UTF-8 that is
/// mostly printable; binary payloads (gzip'd user data, images) are left alone.
fn decode_text(run: &str) -> Option<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    let bytes = STANDARD
        .decode(run)
        .or_else(|_| STANDARD_NO_PAD.decode(run))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let total = text.chars().count();
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    (total > 0 && printable * 10 >= total * 9).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn patterns_compile() {
        assert!(base64_run().is_match("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"));
        assert!(private_key_header().is_match("-----BEGIN RSA PRIVATE KEY-----"));
    }

    #[test]
    fn an_encoded_private_key_header_is_reported_over_the_whole_run() {
        let value = encode("-----BEGIN RSA PRIVATE KEY-----\nsomeKey");
        let hits = SecretScanner::builtin().scan(Some("user_data_base64"), &value);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].rule, "private-key");
        assert_eq!((hits[0].start, hits[0].end), (0, value.len()));
        assert!(hits[0].description.starts_with("Base64-encoded: "));
        assert!(!hits[0].redacted.contains("someKey"));
    }

    #[test]
    fn an_encoded_script_with_an_aws_secret_is_reported_redacted() {
        let script =
            "#!/bin/bash\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq9Xk2pLmB\n";
        let value = format!("prefix {}", encode(script));
        let hits = SecretScanner::builtin().scan(None, &value);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].rule, "aws-secret-access-key");
        assert_eq!(hits[0].start, "prefix ".len());
        assert!(!hits[0].redacted.contains("MDENG"), "{}", hits[0].redacted);
    }

    #[test]
    fn harmless_or_binary_base64_is_quiet() {
        let scanner = SecretScanner::builtin();
        for value in [
            encode("#!/bin/bash\nyum install -y httpd\nsystemctl start httpd\n"),
            "dGVzdA==".to_string(),
            // 24+ characters of an identifier, decoding to bytes that are not text.
            "MyVeryLongFunctionNameHandlerXY".to_string(),
            base64::engine::general_purpose::STANDARD.encode([
                0x1f_u8, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xfe, 0x80, 0x81, 0x90, 0x91, 0xa0,
                0xa1,
            ]),
        ] {
            assert!(
                scanner.scan(Some("user_data"), &value).is_empty(),
                "{value}"
            );
        }
    }

    #[test]
    fn a_written_out_header_without_a_key_stays_quiet() {
        let hits = SecretScanner::builtin().scan(None, "-----BEGIN RSA PRIVATE KEY-----\n...");
        assert!(hits.is_empty(), "{hits:?}");
    }
}

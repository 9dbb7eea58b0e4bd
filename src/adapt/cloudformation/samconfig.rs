//! samconfig files (`samconfig.toml`, `samconfig.yaml`): the region the
//! SAM CLI deploys to, which the templates beside them take as
//! `AWS::Region`. Read line by line: only one key matters, and its span is
//! what a finding on the region points at.

use crate::source::{FileId, Span};

/// The region a samconfig file deploys to (`region = "eu-west-1"` in TOML,
/// `region: eu-west-1` in YAML), with the span of the value. The `default`
/// environment wins; otherwise the first one named.
pub fn region(text: &str, file: FileId) -> Option<(String, Span)> {
    let mut first: Option<(String, Span)> = None;
    let mut section = String::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            section = t.to_string();
        }
        let key_end = t.find(['=', ':']);
        if let Some(k) = key_end {
            if t[..k].trim() == "region" {
                let value = t[k + 1..].trim().trim_matches(['"', '\'']);
                if super::is_region_code(value) {
                    let start = offset + line.find(value).unwrap_or(0);
                    let found = (
                        value.to_string(),
                        Span::new(file, start, start + value.len()),
                    );
                    if section.starts_with("[default") {
                        return Some(found);
                    }
                    first.get_or_insert(found);
                }
            }
        }
        offset += line.len();
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_environment_wins() {
        let text = "version = 0.1\n[prod.deploy.parameters]\nregion = \"us-east-1\"\n[default.deploy.parameters]\nregion = \"eu-west-1\"\n";
        let (r, span) = region(text, FileId(0)).unwrap();
        assert_eq!(r, "eu-west-1");
        assert_eq!(&text[span.start as usize..span.end as usize], "eu-west-1");
        assert_eq!(region("x = 1\n", FileId(0)), None);
    }
}

//! What a policy reads of `input`, found in its text, so that a rule with
//! nothing to read in a unit is not evaluated there.

use std::collections::BTreeMap;

/// The `input` collections a policy reads (`input.functions` → `functions`),
/// including through the `data.faasguard.lib...` packages it uses; `None`
/// when that is not clear (`input[x]`, `walk(input)`, an unknown package).
pub(super) fn input_reads(text: &str, packages: &BTreeMap<&str, &str>) -> Option<Vec<String>> {
    let mut reads = std::collections::BTreeSet::new();
    let mut pending = vec![text.to_string()];
    let mut seen_libs = std::collections::BTreeSet::new();
    while let Some(text) = pending.pop() {
        for line in text.lines() {
            let code = line.trim_start();
            if code.starts_with('#') {
                continue;
            }
            let bytes = code.as_bytes();
            let mut from = 0;
            while let Some(pos) = code[from..].find("input") {
                let at = from + pos;
                from = at + 5;
                let before = at.checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(at + 5).copied();
                let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
                if before.is_some_and(|b| ident(b) || b == b'.') || after.is_some_and(ident) {
                    continue; // part of another name (`inputs`, `x.input`)
                }
                if after != Some(b'.') {
                    return None; // the whole input, or `input[...]`
                }
                let name: String = code[at + 6..]
                    .bytes()
                    .take_while(|b| ident(*b))
                    .map(char::from)
                    .collect();
                if name.is_empty() {
                    return None;
                }
                // Which format the unit is in (`lib.term`'s choice of words)
                // is in every input: reading it is no work to do.
                if name == "format" {
                    continue;
                }
                reads.insert(name);
            }
            let mut from = 0;
            while let Some(pos) = code[from..].find("data.faasguard.lib") {
                let at = from + pos;
                let name: String = code[at..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
                    .map(char::from)
                    .collect();
                from = at + name.len().max(1);
                // The longest known package that the reference starts with.
                let pkg = packages
                    .keys()
                    .filter(|p| name == **p || name.starts_with(&format!("{p}.")))
                    .max_by_key(|p| p.len())?;
                if seen_libs.insert(pkg.to_string()) {
                    pending.push(packages[pkg].to_string());
                }
            }
        }
    }
    Some(reads.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_no_collection_to_read() {
        let lib = "package faasguard.lib\nterm(_, tf) := tf if input.format == \"terraform\"\n";
        let rule = "import data.faasguard.lib\nx if input.format == \"sam\"\ny if { some f in input.functions; lib.term(\"a\", \"b\") }\n";
        let packages = BTreeMap::from([("data.faasguard.lib", lib)]);
        assert_eq!(
            input_reads(rule, &packages),
            Some(vec!["functions".to_string()])
        );
        assert_eq!(input_reads("x if input[k]", &packages), None);
    }
}

//! What a policy reads of `input`, found in its text, so that a rule with
//! nothing to read in a unit is not evaluated there, and which rules an
//! evaluation therefore runs.

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
                // What every input holds besides its collections (`format`,
                // which `lib.term` reads to choose its words; `file`) is no
                // work to do: only a collection the unit holds is.
                if !crate::model::COLLECTIONS.contains(&name.as_str()) {
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

/// Which rules an evaluation runs: those that read a collection the unit
/// holds ([`input_reads`]).
impl super::Engine {
    /// The rules (indexes) [`Engine::eval`] evaluates on `input`: those not
    /// turned off that read a collection the input holds (or whose reads are
    /// not clear).
    pub(super) fn wanted(&self, input: &regorus::Value) -> Vec<usize> {
        let present = |c: &String| match &input[c.as_str()] {
            regorus::Value::Array(a) => !a.is_empty(),
            regorus::Value::Undefined | regorus::Value::Null => false,
            _ => true,
        };
        let skip = self.skip_empty;
        self.needs
            .iter()
            .filter(|(i, _)| !self.disabled.get(*i).copied().unwrap_or(false))
            .filter(|(_, reads)| !skip || reads.as_ref().is_none_or(|cs| cs.iter().any(present)))
            .map(|(i, _)| *i)
            .collect()
    }

    /// The ids of the rules [`Engine::eval`] would evaluate on `input`.
    pub fn evaluated_on(&self, input: &regorus::Value) -> Vec<&str> {
        self.wanted(input)
            .into_iter()
            .filter_map(|i| self.rules.get(i).map(|r| r.meta.id.as_str()))
            .collect()
    }

    /// Whether the interpreter holds every policy: the rules held back for
    /// the RVM ([`lean::Deferred`]) have been given to it.
    pub fn interpreter_has_every_policy(&self) -> bool {
        self.deferred.is_empty()
    }

    /// The ids of the rules evaluated on every unit whatever it holds: those
    /// whose reads of `input` are not clear (users' rules, `input[x]`), so
    /// that no empty collection lets them be skipped.
    pub fn unconditional_rules(&self) -> Vec<&str> {
        self.needs
            .iter()
            .filter(|(_, reads)| reads.is_none())
            .filter_map(|(i, _)| self.rules.get(*i).map(|r| r.meta.id.as_str()))
            .collect()
    }
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
        assert_eq!(
            input_reads("x if input.file == \"a\"", &packages),
            Some(vec![])
        );
    }
}

//! Nested stacks (`AWS::CloudFormation::Stack` with a local template): the
//! child templates the walk did not find are read and scanned as units of
//! their own, and each child's findings name the stack resources that
//! instantiate it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::evaluate::{Instantiation, UnitOut};
use super::files::Unit;
use super::files::{found_at, ScanFile};
use crate::discover::Candidate;
use crate::source::FileId;

/// Most levels of nested stacks followed into templates the walk did not find.
const MAX_NESTED_ROUNDS: usize = 16;

/// Follow nested stacks (`AWS::CloudFormation::Stack` with a local template):
/// a child template the walk did not find is read and scanned as a unit of
/// its own (once, however many stacks instantiate it), and every child gets
/// the note its findings carry: which parent resource(s) instantiate it.
/// `process` scans new units (the caller's pool and engine).
pub(super) fn follow_nested_stacks(
    outs: &mut Vec<UnitOut>,
    files: &mut Vec<ScanFile>,
    cwd: Option<&Path>,
    (max, shard): (u64, Option<(u32, u32)>),
    process: impl Fn(&[ScanFile], &[Unit]) -> Vec<UnitOut>,
) -> BTreeMap<FileId, String> {
    let mut parents: BTreeMap<PathBuf, Vec<Instantiation>> = BTreeMap::new();
    let mut index: BTreeMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (crate::deps::normalize(&f.path), i))
        .collect();
    let mut next = 0;
    for _ in 0..MAX_NESTED_ROUNDS {
        let mut units = Vec::new();
        for out in &outs[next..] {
            for (child, at) in &out.nested {
                parents.entry(child.clone()).or_default().push(at.clone());
                if index.contains_key(child) {
                    continue;
                }
                let name = child
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let candidate = Candidate::from_file_name(&name).unwrap_or(Candidate::Template);
                let (found, shown) = found_at(child.clone(), candidate, cwd);
                // Sharded, a template is scanned by its own shard only, whoever instantiates it.
                if shard.is_some_and(|(k, n)| crate::discover::shard_of(&shown, n) != k) {
                    continue;
                }
                index.insert(child.clone(), files.len());
                units.push(Unit::File(files.len()));
                files.push(ScanFile::read(found, shown, max));
            }
        }
        next = outs.len();
        if units.is_empty() {
            break;
        }
        outs.extend(process(files, &units));
    }
    let mut notes = BTreeMap::new();
    for (child, mut at) in parents {
        let Some(&i) = index.get(&child) else {
            continue;
        };
        at.sort_by(|a, b| (&a.parent, a.span).cmp(&(&b.parent, b.span)));
        at.dedup_by(|a, b| a.parent == b.parent && a.resource == b.resource);
        let list: Vec<String> = at
            .iter()
            .map(|a| format!("{} in {}", a.resource, a.parent))
            .collect();
        notes.insert(
            FileId(i as u32),
            format!("nested stack instantiated by {}", list.join(", ")),
        );
    }
    notes
}

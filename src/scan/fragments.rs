//! Templates a Serverless service includes (`resources: - ${file(x.yml)}`):
//! the walk finds them as CloudFormation templates, but the Framework
//! deploys what they hold only as part of the service's stack. The service's
//! unit reads them (under their own file ids, so findings point into them);
//! their own units' results as stand-alone templates are dropped here, or
//! every finding on them would be reported twice, once out of context.

use std::collections::BTreeSet;

use super::evaluate::UnitOut;
use super::files::Unit;
use crate::source::FileId;

/// Drop the results of the template units some service's unit included,
/// keeping what belongs to the file rather than to its stand-alone model:
/// its suppression comments (they apply to the service's findings in it),
/// the secrets to redact, its nested stacks, and that it was read.
/// `outs[k]` is `units[k]`'s result.
pub(super) fn absorb(units: &[Unit], outs: &mut [UnitOut]) {
    let included: BTreeSet<FileId> = outs
        .iter()
        .flat_map(|o| o.fragments.iter().copied())
        .collect();
    if included.is_empty() {
        return;
    }
    for (unit, out) in units.iter().zip(outs.iter_mut()) {
        let Unit::File(i) = unit else { continue };
        if !included.contains(&FileId(*i as u32)) {
            continue;
        }
        out.findings.clear();
        out.undecided.clear();
        out.excepted.clear();
        out.diagnostics.clear();
        out.functions.clear();
        out.resources = 0;
        out.scope = crate::scope::Scope::default();
    }
}

//! conftest-style policies in the scan: each input of a file evaluated as
//! conftest gives it (`crate::conftest::input`), its results placed and
//! exceptions kept as suppressed findings; and the files no unit adapts
//! (`.tfvars`, called modules' files, other YAML/JSON, named files), or
//! every file as one input with `--combine`. Kept apart from the unit
//! pipeline it plugs into.

use std::path::Path;

use rayon::prelude::*;

use super::evaluate::{push_findings, UnitOut};
use super::files::ScanFile;
use super::files::Unit;
use super::Settings;
use crate::discover::{self, Candidate, Found, Kind, Skipped};
use crate::engine::Engine;
use crate::finding::{self, Diagnostic, Finding, Level};
use crate::model::Model;
use crate::source::{FileId, Span};
use crate::suppress::{self, Suppressed};

/// conftest-style policies see each input of a file as conftest parses it
/// (`crate::conftest::input`: CloudFormation tags in their long JSON forms,
/// Terraform in conftest's `hcl2` shape). A result points at its `_loc`,
/// else the model item it names (`resource`/`path`), else the block or
/// resource its message names, else its document. A result an `exception`
/// accepts is kept as suppressed.
pub(super) fn evaluate_raw(
    (text, format, file, display): (&str, crate::conftest::input::Format, FileId, &str),
    model: &Model,
    scrub: &[crate::adapt::secrets::Found],
    engine: &mut Engine,
    out: &mut UnitOut,
) {
    let docs = match crate::conftest::input::documents(text, format, file) {
        Ok(d) => d,
        Err(e) => {
            out.diagnostics.push(
                Diagnostic::new(Level::Warning, "conftest-input", e.message.clone())
                    .in_file(display, Some(e.span)),
            );
            return;
        }
    };
    for doc in &docs {
        let mut raw = doc.to_json();
        crate::adapt::secrets::scrub_json(&mut raw, scrub);
        let results = match engine.eval_raw(&raw) {
            Ok(r) => r,
            Err(e) => {
                out.diagnostics.push(
                    Diagnostic::new(Level::Error, "policy-error", e.to_string())
                        .in_file(display, None),
                );
                return;
            }
        };
        let placed: Vec<(Span, Option<String>)> = results
            .iter()
            .map(|r| {
                let in_model = r.loc.is_none().then(|| {
                    r.resource
                        .as_deref()
                        .and_then(|id| model.locate(id, r.path.as_deref().unwrap_or("")))
                });
                let span = in_model.flatten().unwrap_or_else(|| {
                    crate::conftest::input::result_span(r, doc, format, text, file)
                });
                (span, r.exception.clone())
            })
            .collect();
        let first = out.findings.len();
        push_findings(results, model, display, &[], engine, out);
        let pushed: Vec<Finding> = out.findings.drain(first..).collect();
        for (mut f, (span, exception)) in pushed.into_iter().zip(placed) {
            f.span = span;
            match exception {
                Some(reason) => out.excepted.push(Suppressed {
                    finding: f,
                    suppression: suppress::Suppression {
                        origin: suppress::Origin::Exception,
                        justification: reason,
                        until: None,
                        span: None,
                    },
                }),
                None => out.findings.push(f),
            }
        }
    }
}

/// conftest policies also read what no unit evaluated raw: `.tfvars`, the
/// files of Terraform modules scanned through a call, YAML and JSON files
/// that are not IaC, and files named on the command line (read here when
/// their name alone kept them out of the walk). With `--combine`, every
/// file is one input instead.
/// Returns the files it read (their "not read" diagnostics are dropped).
pub(super) fn conftest_files(
    settings: &Settings,
    unread: &[Skipped],
    files: &mut Vec<ScanFile>,
    units: &[Unit],
    (engine, pool): (&mut Engine, &rayon::ThreadPool),
    out: &mut UnitOut,
) -> Vec<String> {
    use crate::conftest::input::{format_of, Format};
    // Files named on the command line that the walk left out by name.
    for u in unread {
        let Some(format) = format_of(&u.path) else {
            continue;
        };
        let found = Found {
            path: u.path.clone(),
            display: u.display.clone(),
            candidate: Candidate::Template,
        };
        let file = ScanFile::read(found, u.display.clone(), settings.discover.max_file_size);
        files.push(ScanFile {
            kind: None,
            candidate: match format {
                Format::Json => Candidate::Json,
                _ => Candidate::Yaml,
            },
            ..file
        });
    }
    let mut in_units = std::collections::BTreeSet::new();
    for u in units {
        match u {
            Unit::File(i) => {
                in_units.insert(*i);
            }
            Unit::Terraform { files, .. } => in_units.extend(files.iter().copied()),
        }
    }
    let named = |p: &Path| settings.paths.iter().any(|n| n == p);
    let inside = |p: &Path| settings.paths.iter().any(|n| p.starts_with(n));
    let mut picked: Vec<(usize, Format)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let Some(_) = f.text else { continue };
        let format = format_of(&f.path).or(match f.kind {
            Some(Kind::CloudFormation { json: true, .. } | Kind::Serverless { json: true }) => {
                Some(Format::Json)
            }
            Some(Kind::CloudFormation { .. } | Kind::Serverless { .. }) => Some(Format::Yaml),
            _ if f.path.as_os_str() == discover::STDIN_PATH => Some(Format::Yaml),
            _ => None,
        });
        let Some(format) = format else { continue };
        let wanted = match f.kind {
            Some(Kind::Lockfile(_) | Kind::SamConfig) => false,
            // Evaluated by their unit, unless every file is one input.
            _ if in_units.contains(&i) => settings.conftest_combine,
            Some(_) => inside(&f.path),
            // Any other YAML or JSON file of the scan, as conftest reads
            // every file of a folder it is given.
            None => named(&f.path) || inside(&f.path),
        };
        // Files every shard keeps (tfvars, Terraform) are read by one: a
        // module's files by the shard of its folder, as its unit is.
        let shown = match f.kind {
            Some(Kind::Terraform | Kind::TerraformJson) => {
                f.display.rsplit_once('/').map_or("", |(d, _)| d)
            }
            _ => f.display.as_str(),
        };
        let in_shard = settings
            .shard
            .is_none_or(|(k, n)| crate::discover::shard_of(shown, n) == k);
        if wanted && in_shard {
            picked.push((i, format));
        }
    }
    let mut read = Vec::new();
    let mut combined: Vec<(usize, String, Format, Vec<crate::parse::Node>)> = Vec::new();
    // Each file on its own, in parallel; results kept in file order.
    let texts: &[ScanFile] = files;
    let outs: Vec<(usize, UnitOut)> = pool.install(|| {
        picked
            .par_iter()
            .map_init(
                || engine.clone(),
                |eng, &(i, format)| {
                    let mut one = UnitOut::default();
                    let Some(text) = texts[i].text.as_deref() else {
                        return (i, one);
                    };
                    let id = FileId(i as u32);
                    let found = crate::adapt::secrets::scan_raw_text(text);
                    one.scanned.push(id);
                    if !settings.conftest_combine {
                        let model = Model::new(crate::model::Format::CloudFormation, id);
                        evaluate_raw(
                            (text, format, id, &texts[i].display),
                            &model,
                            &found,
                            eng,
                            &mut one,
                        );
                    }
                    one.secrets = found;
                    (i, one)
                },
            )
            .collect()
    });
    for (i, one) in outs {
        read.push(files[i].display.clone());
        out.findings.extend(one.findings);
        out.excepted.extend(one.excepted);
        out.diagnostics.extend(one.diagnostics);
        out.secrets.extend(one.secrets);
        out.scanned.extend(one.scanned);
    }
    if settings.conftest_combine {
        for &(i, format) in &picked {
            let Some(text) = files[i].text.clone() else {
                continue;
            };
            match crate::conftest::input::documents(&text, format, FileId(i as u32)) {
                Ok(docs) => combined.push((i, files[i].display.clone(), format, docs)),
                Err(e) => out.diagnostics.push(
                    Diagnostic::new(Level::Warning, "conftest-input", e.message.clone())
                        .in_file(&files[i].display, Some(e.span)),
                ),
            }
        }
    }
    if let Some((first, first_display, _, _)) = combined.first() {
        let whole: Vec<(String, Vec<crate::parse::Node>)> = combined
            .iter()
            .map(|(_, d, _, docs)| (d.clone(), docs.clone()))
            .collect();
        let mut input = crate::conftest::input::combined(&whole);
        crate::adapt::secrets::scrub_json(&mut input, &out.secrets);
        match engine.eval_raw(&input) {
            Ok(results) => {
                // A combined result points at the file and document its
                // message names, else at the first file.
                let inputs: Vec<(FileId, &str, Format, &[crate::parse::Node])> = combined
                    .iter()
                    .map(|(i, d, format, docs)| {
                        (FileId(*i as u32), d.as_str(), *format, docs.as_slice())
                    })
                    .collect();
                let spans: Vec<(usize, Span)> = results
                    .iter()
                    .map(|r| {
                        crate::conftest::input::combined_span(&r.message, &inputs)
                            .map_or((*first, Span::new(FileId(*first as u32), 0, 0)), |s| {
                                (s.file.0 as usize, s)
                            })
                    })
                    .collect();
                let model = Model::new(crate::model::Format::CloudFormation, FileId(*first as u32));
                let first_display = first_display.clone();
                let exceptions: Vec<Option<String>> =
                    results.iter().map(|r| r.exception.clone()).collect();
                let start = out.findings.len();
                push_findings(results, &model, &first_display, &[], engine, out);
                let pushed: Vec<Finding> = out.findings.drain(start..).collect();
                for ((mut f, (i, span)), exception) in pushed.into_iter().zip(spans).zip(exceptions)
                {
                    f.span = span;
                    f.fingerprint =
                        finding::fingerprint(&f.rule_id, &files[i].display, None, None, &f.message);
                    match exception {
                        Some(reason) => out.excepted.push(Suppressed {
                            finding: f,
                            suppression: suppress::Suppression {
                                origin: suppress::Origin::Exception,
                                justification: reason,
                                until: None,
                                span: None,
                            },
                        }),
                        None => out.findings.push(f),
                    }
                }
            }
            Err(e) => {
                out.diagnostics
                    .push(Diagnostic::new(Level::Error, "policy-error", e.to_string()))
            }
        }
    }
    read
}

//! Root module variables, with Terraform's precedence: the declaration's
//! `default` < `terraform.tfvars` < `terraform.tfvars.json` < `*.auto.tfvars`
//! and `*.auto.tfvars.json` (lexical order) < `--var-file` < `--var`.
//! A value keeps the span of where it is written (the tfvars assignment, the
//! default); `--var` values have no file, so their uses get the use site's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::eval::{Bound, Ev, ModEnv, Shared};
use super::module::{convert, default_value, register, VarDecl};
use super::syntax::{self, Body, Expr, Src};
use super::Options;
use crate::parse::{Node, Value};
use crate::source::Span;

/// The values of the root module's variables.
pub(crate) fn root_values(
    sh: &mut Shared<'_>,
    dir: &Path,
    decls: &[VarDecl<'_>],
    opts: &Options,
    at: Span,
) -> HashMap<String, Bound> {
    let mut values: HashMap<String, Bound> = HashMap::new();
    for v in decls {
        values.insert(v.name.to_string(), Bound::new(default_value(sh, v)));
    }
    let declared = |name: &str| decls.iter().any(|v| v.name == name);
    let assign = |values: &mut HashMap<String, Bound>, (name, node): (String, Node)| {
        if declared(&name) {
            values.insert(name, Bound::new(node));
        }
    };
    for path in var_files(sh, dir) {
        for kv in read_var_file(sh, &path) {
            assign(&mut values, kv);
        }
    }
    for path in &opts.var_files {
        if sh.files.get(path).is_none() {
            sh.note(
                format!(
                    "variable file {} is not among the scanned files; it is not read",
                    path.display()
                ),
                at,
            );
            continue;
        }
        for kv in read_var_file(sh, path) {
            assign(&mut values, kv);
        }
    }
    for (name, raw) in &opts.vars {
        let Some(decl) = decls.iter().find(|v| v.name == *name) else {
            continue;
        };
        let node = cli_value(sh, name, raw, decl.ty.as_deref(), at);
        values.insert(name.clone(), Bound::of(node, Vec::new(), true));
    }
    for v in decls {
        if let Some(b) = values.get_mut(v.name) {
            let n = std::mem::replace(&mut b.node, Node::null(at));
            b.node = convert(n, v.ty.as_deref());
        }
    }
    values
}

/// `terraform.tfvars`, `terraform.tfvars.json`, then the `*.auto.tfvars*`
/// files in lexical order.
fn var_files(sh: &Shared<'_>, dir: &Path) -> Vec<PathBuf> {
    let names: Vec<(String, PathBuf)> = sh
        .files
        .in_dir(dir)
        .filter_map(|(p, _, _)| {
            Some((
                p.file_name()?.to_string_lossy().into_owned(),
                p.to_path_buf(),
            ))
        })
        .collect();
    let mut out = Vec::new();
    for fixed in ["terraform.tfvars", "terraform.tfvars.json"] {
        out.extend(
            names
                .iter()
                .filter(|(n, _)| n == fixed)
                .map(|(_, p)| p.clone()),
        );
    }
    let mut auto: Vec<&(String, PathBuf)> = names
        .iter()
        .filter(|(n, _)| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
        .collect();
    auto.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(auto.into_iter().map(|(_, p)| p.clone()));
    out
}

/// The assignments of one variable file.
fn read_var_file(sh: &mut Shared<'_>, path: &Path) -> Vec<(String, Node)> {
    let files = sh.files;
    let Some((id, text)) = files.get(path) else {
        return Vec::new();
    };
    register(sh, path, id, text);
    let env = ModEnv::isolated();
    if syntax::is_json_path(path) {
        return match crate::parse::json::parse(text, id) {
            Ok(n) => match n.value {
                Value::Map(m) => m
                    .entries
                    .into_iter()
                    .map(|e| (e.key.into_string(), e.value))
                    .collect(),
                _ => {
                    sh.note(
                        format!("{}: a variable file must be a JSON object", path.display()),
                        n.span,
                    );
                    Vec::new()
                }
            },
            Err(e) => {
                sh.errors.push(e);
                Vec::new()
            }
        };
    }
    match syntax::parse_hcl_body(text, id) {
        Ok(body) => {
            let attrs: Vec<(String, Node)> = {
                let b = Body::Hcl(&body, id);
                let mut ev = Ev::new(sh, &env);
                b.attrs()
                    .into_iter()
                    .map(|a| (a.name.to_string(), ev.eval(a.expr)))
                    .collect()
            };
            attrs
        }
        Err(e) => {
            sh.errors.push(e);
            Vec::new()
        }
    }
}

/// A `--var` value: a string for string (or untyped) variables, as
/// Terraform does; otherwise parsed as an HCL expression when it parses.
fn cli_value(sh: &mut Shared<'_>, name: &str, raw: &str, ty: Option<&str>, at: Span) -> Node {
    match ty {
        None | Some("string") => return Node::string(raw, at),
        Some("number" | "bool") => return Node::string(raw, at),
        _ => {}
    }
    if super::nesting::body_too_deep(raw).is_none() {
        if let Ok(e) = hcl_edit::parser::parse_expr(raw) {
            let env = ModEnv::isolated();
            let mut ev = Ev::new(sh, &env);
            let n = ev.eval(Expr::Hcl(&e, Src::fixed(at)));
            if ev.errors == 0 {
                return n;
            }
        }
    }
    sh.note(
        format!("--var {name}: `{raw}` is not a valid HCL expression; it is read as a string"),
        at,
    );
    Node::string(raw, at)
}

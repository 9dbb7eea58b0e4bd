//! A module directory's declarations: its files read and registered, its
//! variables, locals, resources, module calls, providers and outputs
//! collected (duplicates noted), and values converted to declared types.

use super::*;

pub(crate) struct VarDecl<'a> {
    pub name: &'a str,
    pub header: Span,
    pub default: Option<Expr<'a>>,
    /// `string`, `number`, `bool`, `list`, `map`, `object`, ...
    pub ty: Option<String>,
}

pub(crate) struct ResDecl<'a> {
    pub data: bool,
    pub ty: &'a str,
    /// The label, or `name#2` for a second declaration of the same address
    /// (kept apart, never merged: see [`Decls::duplicates`]).
    pub name: String,
    pub block: Block<'a>,
}

/// The declarations of one module directory.
#[derive(Default)]
pub(crate) struct Decls<'a> {
    pub vars: Vec<VarDecl<'a>>,
    pub locals: Vec<Attr<'a>>,
    pub resources: Vec<ResDecl<'a>>,
    /// Module calls by name (`name#2` for a second call of the same name).
    pub modules: Vec<(String, Block<'a>)>,
    pub providers: Vec<Block<'a>>,
    /// `terraform` blocks (their `required_providers` pin provider versions).
    pub terraform: Vec<Block<'a>>,
    pub outputs: Vec<(&'a str, Block<'a>)>,
    /// Names declared twice, which Terraform refuses.
    pub duplicates: Vec<Duplicate>,
}

/// A second declaration of a name in one module. Resources and module
/// calls keep their own item (as `name#2`); a second variable, local or
/// output is ignored. References resolve to the first, as they would in the
/// file Terraform's error points at.
pub(crate) struct Duplicate {
    /// Terraform's words: `resource configuration`, `variable declaration`.
    pub title: &'static str,
    /// `aws_lambda_function.fn`, `var.x`.
    pub what: String,
    /// `aws_lambda_function.fn#2` when it is kept apart.
    pub kept_as: Option<String>,
    pub first: Span,
    pub again: Span,
}

impl Duplicate {
    fn message(&self, sh: &Shared<'_>) -> String {
        let then = match &self.kept_as {
            Some(k) => {
                format!("this one is scanned apart as {k}, and references resolve to the first")
            }
            None => "this one is ignored".to_string(),
        };
        format!(
            "Duplicate {}: {} was already declared at {}; {then}",
            self.title,
            self.what,
            sh.place_col(self.first)
        )
    }
}

/// Report a module's duplicate declarations (once per place, however many
/// times the module is instantiated).
pub(crate) fn report_duplicates(sh: &mut Shared<'_>, decls: &Decls<'_>) {
    for d in &decls.duplicates {
        let msg = d.message(sh);
        sh.problem("duplicate-declaration", msg, d.again);
    }
}

/// Parse the `.tf`/`.tf.json` files directly in `dir` (sorted by path).
pub(crate) fn load_dir<'a>(sh: &mut Shared<'a>, dir: &Path) -> Vec<ParsedFile> {
    let mut out = Vec::new();
    let files = sh.files;
    for (path, id, text) in files.in_dir(dir) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if !(name.ends_with(".tf") || name.ends_with(".tf.json")) {
            continue;
        }
        register(sh, path, id, text);
        let (file, err) = syntax::parse_file(path, id, text);
        sh.errors.extend(err);
        out.push(file);
    }
    out
}

/// Record a file as read by the unit.
pub(crate) fn register<'a>(
    sh: &mut Shared<'a>,
    path: &Path,
    id: crate::source::FileId,
    text: &'a str,
) {
    if sh.info.contains_key(&id) {
        return;
    }
    let display = match path.strip_prefix(&sh.root) {
        Ok(rel) => slash(rel),
        Err(_) => slash(path),
    };
    sh.info.insert(id, FileInfo::new(display, text));
    sh.file_ids.push(id);
}

fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

pub(crate) fn collect(files: &[ParsedFile]) -> Decls<'_> {
    let mut d = Decls::default();
    // Name → first declaration, per kind of name.
    let mut seen: HashMap<(u8, String), (Span, usize)> = HashMap::new();
    // Returns the ordinal of this declaration of `key` (1 for the first) and
    // the first's span.
    let mut count = |kind: u8, key: String, at: Span| -> (usize, Span) {
        let e = seen.entry((kind, key)).or_insert((at, 0));
        e.1 += 1;
        (e.1, e.0)
    };
    for f in files {
        for b in syntax::top_blocks(f) {
            let label = |i: usize| b.labels.get(i).map(|l| l.0);
            match b.kind {
                "variable" => {
                    let Some(name) = label(0) else { continue };
                    let (n, first) = count(0, name.to_string(), b.header);
                    if n > 1 {
                        d.duplicates.push(Duplicate {
                            title: "variable declaration",
                            what: format!("var.{name}"),
                            kept_as: None,
                            first,
                            again: b.header,
                        });
                        continue;
                    }
                    let default = b.body.attr("default").map(|a| match a.expr {
                        Expr::Json(n) => Expr::Literal(n),
                        e => e,
                    });
                    let ty = b.body.attr("type").and_then(|a| type_head(a.expr));
                    d.vars.push(VarDecl {
                        name,
                        header: b.header,
                        default,
                        ty,
                    });
                }
                "locals" => {
                    for a in b.body.attrs() {
                        let (n, first) = count(1, a.name.to_string(), a.name_span);
                        if n > 1 {
                            d.duplicates.push(Duplicate {
                                title: "local value definition",
                                what: format!("local.{}", a.name),
                                kept_as: None,
                                first,
                                again: a.name_span,
                            });
                            continue;
                        }
                        d.locals.push(a);
                    }
                }
                "resource" | "data" => {
                    let (Some(ty), Some(name)) = (label(0), label(1)) else {
                        continue;
                    };
                    let data = b.kind == "data";
                    let what = format!("{}{ty}.{name}", if data { "data." } else { "" });
                    let (n, first) = count(2, what.clone(), b.header);
                    let name = if n > 1 {
                        let kept = format!("{name}#{n}");
                        d.duplicates.push(Duplicate {
                            title: if data {
                                "data configuration"
                            } else {
                                "resource configuration"
                            },
                            kept_as: Some(format!(
                                "{}{ty}.{kept}",
                                if data { "data." } else { "" }
                            )),
                            what,
                            first,
                            again: b.header,
                        });
                        kept
                    } else {
                        name.to_string()
                    };
                    d.resources.push(ResDecl {
                        data,
                        ty,
                        name,
                        block: b,
                    });
                }
                "module" => {
                    if let Some(name) = label(0) {
                        let (n, first) = count(3, name.to_string(), b.header);
                        let name = if n > 1 {
                            let kept = format!("{name}#{n}");
                            d.duplicates.push(Duplicate {
                                title: "module call",
                                what: format!("module.{name}"),
                                kept_as: Some(format!("module.{kept}")),
                                first,
                                again: b.header,
                            });
                            kept
                        } else {
                            name.to_string()
                        };
                        d.modules.push((name, b));
                    }
                }
                "output" => {
                    if let Some(name) = label(0) {
                        let (n, first) = count(4, name.to_string(), b.header);
                        if n > 1 {
                            d.duplicates.push(Duplicate {
                                title: "output definition",
                                what: format!("output.{name}"),
                                kept_as: None,
                                first,
                                again: b.header,
                            });
                            continue;
                        }
                        d.outputs.push((name, b));
                    }
                }
                "provider" => d.providers.push(b),
                "terraform" => d.terraform.push(b),
                _ => {}
            }
        }
    }
    d
}

/// Note the version constraints of a module's `terraform` and `provider`
/// blocks ([`crate::terraform::Unit::provider_pins`]).
pub(crate) fn pin_providers(sh: &mut Shared<'_>, decls: &Decls<'_>) {
    crate::terraform::pins::collect(&decls.terraform, &mut sh.pins);
    crate::terraform::pins::collect(&decls.providers, &mut sh.pins);
}

/// `list(string)` → `list`; `string` → `string`.
fn type_head(e: Expr<'_>) -> Option<String> {
    match e {
        Expr::Hcl(hcl_edit::expr::Expression::FuncCall(f), _) => {
            Some(f.name.name.as_str().to_string())
        }
        Expr::Hcl(x, _) => x.as_variable().map(|v| v.as_str().to_string()),
        Expr::Json(n) | Expr::Literal(n) => n.as_str().map(|s| {
            let s = s.trim().trim_start_matches("${").trim_end_matches('}');
            s.split('(').next().unwrap_or(s).trim().to_string()
        }),
    }
}

/// Convert a value to a variable's declared primitive type, as Terraform
/// does (`"30"` for a number is 30); other types are left as written.
pub(crate) fn convert(mut n: Node, ty: Option<&str>) -> Node {
    let converted = match (ty, &n.value) {
        (Some("number"), Value::String(_)) => value::as_number(&n).map(|f| value::num(f, n.span)),
        (Some("bool"), Value::String(_)) => value::as_bool(&n).map(|b| Node::bool(b, n.span)),
        (Some("string"), Value::Number(_) | Value::Bool(_)) => {
            value::as_string(&n).map(|s| Node::string(s, n.span))
        }
        _ => None,
    };
    if let Some(c) = converted {
        n = c;
    }
    n
}

/// A value too large or deep to keep becomes an unknown.
pub(super) fn bounded(n: Node, what: &str) -> Node {
    let (count, deep) = value::measure(&n, MAX_VALUE_NODES);
    if deep || count > MAX_VALUE_NODES {
        Node::unknown(
            format!("{what} is too large or deeply nested to evaluate"),
            n.span,
        )
    } else {
        n
    }
}

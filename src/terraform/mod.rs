//! Terraform: reads one module (a directory of `*.tf` and `*.tf.json` files
//! with its tfvars), evaluates what can be known statically (variables,
//! locals, references, local modules, `count`/`for_each`/`dynamic`, common
//! functions), and yields its resources in the shape of `terraform show -json`
//! values, so the adapter ([`crate::adapt::terraform`]) reads HCL and plan
//! files alike. Nothing here runs code or downloads a module.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use document::Documents;

use crate::parse::{Node, ParseError};
use crate::source::{FileId, Span};

mod body;
mod deps;
mod document;
mod eval;
mod funcs;
mod graph;
mod module;
mod nesting;
pub mod pins;
pub mod plan;
pub(crate) mod syntax;
#[cfg(test)]
mod tests;
mod value;
mod vars;

/// The Terraform files a scan read (`*.tf`, `*.tf.json`, `*.tfvars`,
/// `*.tfvars.json`), by path, with their ids in the scan's source map.
/// Module calls are only followed into directories whose files are here.
#[derive(Debug, Default, Clone)]
pub struct FileSet {
    /// Each file's id in the scan's source map and its text, by path.
    pub files: BTreeMap<PathBuf, (FileId, Arc<str>)>,
    /// Local module directories the scan refused to read (outside the
    /// repository, or a link leading there), with the reason; a call to one
    /// is an error at its `source`.
    pub refused: BTreeMap<PathBuf, String>,
}

impl FileSet {
    pub(crate) fn get(&self, path: &Path) -> Option<(FileId, &str)> {
        self.files.get(path).map(|(id, t)| (*id, &**t))
    }

    /// The files directly inside `dir`, sorted by path. Paths order by
    /// component, so everything under `dir` is one contiguous range: this
    /// reads only that range, not the whole set.
    pub fn in_dir<'a, 'd>(
        &'a self,
        dir: &'d Path,
    ) -> impl Iterator<Item = (&'a Path, FileId, &'a str)> + 'd
    where
        'a: 'd,
    {
        self.files
            .range::<Path, _>((std::ops::Bound::Excluded(dir), std::ops::Bound::Unbounded))
            .take_while(move |(p, _)| p.starts_with(dir))
            .filter(move |(p, _)| p.parent() == Some(dir))
            .map(|(p, (id, t))| (p.as_path(), *id, &**t))
    }
}

/// The default of [`Options::max_instances`].
pub const DEFAULT_MAX_INSTANCES: usize = 100_000;

/// Input variables from outside the module (`--var-file`, `--var k=v`), and
/// the bound on expansion.
#[derive(Debug, Clone)]
pub struct Options {
    /// Extra variable files, read after `terraform.tfvars` and `*.auto.tfvars`
    /// (their paths must be in the [`FileSet`]).
    pub var_files: Vec<PathBuf>,
    /// `--var name=value`, last wins; values are parsed as HCL expressions
    /// when they parse, as strings otherwise (as Terraform does).
    pub vars: Vec<(String, String)>,
    /// Most instances one `count`/`for_each`/`dynamic` expands to, and most
    /// resource (and module) instances one unit evaluates: a bound for
    /// memory, not speed (`--max-expansion`). Reaching it is an error
    /// diagnostic naming the block.
    pub max_instances: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            var_files: Vec::new(),
            vars: Vec::new(),
            max_instances: DEFAULT_MAX_INSTANCES,
        }
    }
}

/// `resource` or `data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Managed,
    Data,
}

/// One resource instance (a `count`/`for_each` block gives several).
#[derive(Clone, Debug)]
pub struct Resource {
    /// `aws_lambda_function.api`, `aws_s3_bucket.logs[0]`,
    /// `module.app.aws_iam_role.r["x"]`, `data.aws_iam_policy_document.p`.
    pub address: String,
    pub(crate) mode: Mode,
    /// `aws_lambda_function`.
    pub type_: String,
    /// `api`.
    pub name: String,
    /// `""` for the root module, `module.app` (or `module.app.module.inner`).
    pub module: String,
    /// The evaluated arguments as a map, shaped like plan JSON `values`:
    /// attributes as values, nested blocks (and `dynamic` blocks expanded) as
    /// arrays of maps, unknowns as [`crate::parse::Value::Unknown`] (with
    /// `reference`/`attribute` when they refer to another resource). Every
    /// node keeps the span of the text its value came from.
    pub values: Node,
    /// The block's labels (`resource "aws_lambda_function" "api"`), where
    /// findings about something missing point.
    pub span: Span,
    /// The whole block.
    pub body: Span,
    /// The provider configuration it uses: `aws`, `aws.west` (from its
    /// `provider` argument, else the default of its type's provider).
    pub provider: String,
    /// For each top-level argument, the resource addresses its expression
    /// refers to (`role` → [`aws_iam_role.lambda`]), so the adapter can link
    /// items even when the referenced attribute is known.
    pub refs: BTreeMap<String, Vec<String>>,
}

/// A `provider` block.
#[derive(Clone, Debug)]
pub struct Provider {
    /// `aws`, `azurerm`, `google`.
    pub name: String,
    pub(crate) alias: Option<String>,
    /// `""` for the root module.
    pub module: String,
    /// Evaluated arguments (`region`, ...), spans kept.
    pub values: Node,
    /// The provider block's header (in a plan, the key of its `provider_config` entry).
    pub span: Span,
}

/// An input variable of the root module (of a plan: its `variables`) and
/// the value it has in this scan: from tfvars or `--var`, else its default;
/// unknown when it has none.
#[derive(Clone, Debug)]
pub struct Variable {
    /// The variable's name (`account_id`).
    pub name: String,
    /// The declared `type` (`string`, `number`, ...), when written.
    pub type_: Option<String>,
    /// The value in effect; it keeps the span of where it was written.
    pub value: Node,
    /// The `variable` block's header (in a plan, the variable's key).
    pub span: Span,
}

/// One evaluated module tree (a root directory and the local modules it
/// calls), or one plan file.
#[derive(Clone, Debug, Default)]
pub struct Unit {
    /// The root module directory (the plan file for plans).
    pub dir: PathBuf,
    /// The file whose name reports use for the unit (`main.tf` when there is
    /// one, else the first file).
    pub main_file: FileId,
    /// Every file the unit read.
    pub files: Vec<FileId>,
    /// Every resource and data source of the tree, module instances expanded.
    pub resources: Vec<Resource>,
    /// The provider configurations of every module of the tree.
    pub providers: Vec<Provider>,
    /// The root module's input variables, in declaration order.
    pub variables: Vec<Variable>,
    /// Directories of local modules this unit called (they are not scanned
    /// as roots of their own).
    pub called_modules: Vec<PathBuf>,
    /// Things worth a warning: remote modules not scanned, cycles in locals,
    /// unknown functions, bad `--var` values.
    pub notes: Vec<(String, Span)>,
    /// Files or blocks that could not be parsed; the rest is still evaluated.
    pub errors: Vec<ParseError>,
    /// Errors in files that parsed, which leave resources unscanned or
    /// would make Terraform refuse the module: (code, message, span). Call
    /// cycles, the depth and instance bounds, modules outside the
    /// repository, duplicate declarations.
    pub problems: Vec<(&'static str, String, Span)>,
    /// Module calls that were not evaluated (a cycle, too deep, outside the
    /// repository): their resources are not scanned.
    pub unscanned_calls: usize,
    /// Resources in the modules of those calls: not scanned.
    pub unscanned_resources: usize,
    /// Module instance address (`module.fn`, `module.fn.module.inner[0]`) →
    /// the root module's `module` block it descends from; findings on
    /// resources inside name it ([`crate::finding::Instantiation`]).
    pub calls: Vec<(String, Span)>,
    /// Calls of remote (not downloaded) modules: their address and their
    /// evaluated arguments as a map. Their resources are not scanned, but a
    /// literal passed in is in the repository all the same (a hard-coded
    /// secret among them is reported).
    pub remote_inputs: Vec<(String, Node)>,
    /// Values that came through a variable or module input: the span the
    /// value carries (its definition) and how it got there
    /// (`through var.timeout, used at main.tf:12`), for finding messages.
    pub via: Vec<(Span, String)>,
    /// The structured form of JSON strings (policy heredocs, `jsonencode`
    /// results) with spans inside the file and unknown parts as unknowns;
    /// [`Documents::get`] finds a string node's document.
    pub documents: Documents,
    /// The tightest version constraint of each provider (by type name:
    /// `azurerm`) in any module of the tree; an unset argument is judged by
    /// the default of the newest release it allows ([`pins`]).
    pub provider_pins: BTreeMap<String, pins::Pin>,
}

/// Load and evaluate the module in `dir` (its `.tf`/`.tf.json` files and
/// tfvars from `files`) with the local modules it calls.
pub fn load_module(dir: &Path, files: &FileSet, opts: &Options) -> Unit {
    let mut sh = eval::Shared::new(files, dir.to_path_buf());
    sh.max_instances = opts.max_instances.max(1);
    let parsed = module::load_dir(&mut sh, dir);
    let main_file = parsed
        .iter()
        .find(|f| f.path.file_name().is_some_and(|n| n == "main.tf"))
        .or_else(|| parsed.first())
        .map(|f| f.id)
        .or_else(|| files.in_dir(dir).next().map(|(_, id, _)| id))
        .unwrap_or_default();
    let decls = module::collect(&parsed);
    module::report_duplicates(&mut sh, &decls);
    module::pin_providers(&mut sh, &decls);
    lock_file(&mut sh, dir);
    let at = Span::new(main_file, 0, 0);
    let vars = vars::root_values(&mut sh, dir, &decls.vars, opts, at);
    let variables = decls
        .vars
        .iter()
        .map(|v| Variable {
            name: v.name.to_string(),
            type_: v.ty.clone(),
            value: vars
                .get(v.name)
                .map_or_else(|| Node::supplied("no value", v.header), |b| b.node.clone()),
            span: v.header,
        })
        .collect();
    let env = eval::ModEnv {
        path_module: ".".into(),
        dir: dir.to_path_buf(),
        vars,
        providers: Arc::new(eval::ProviderScope {
            own: module::own_providers(&decls),
            ..eval::ProviderScope::default()
        }),
        ..eval::ModEnv::default()
    };
    let mut stack = vec![module::normalize(dir)];
    module::run(&mut sh, &decls, env, &mut stack);
    Unit {
        dir: dir.to_path_buf(),
        main_file,
        files: sh.file_ids,
        resources: sh.resources,
        providers: sh.providers,
        variables,
        called_modules: sh.called_modules,
        notes: sh.notes,
        errors: sh.errors,
        problems: sh.problems,
        unscanned_calls: sh.unscanned_calls,
        unscanned_resources: sh.unscanned_resources,
        calls: sh.calls,
        remote_inputs: sh.remote_inputs,
        via: sh.via,
        documents: sh.documents,
        provider_pins: sh.pins,
    }
}

/// The root module's dependency lock file, when the scan read one: its
/// releases replace the constraints' bounds. One that does not parse is a
/// note, and the constraints stand.
fn lock_file(sh: &mut eval::Shared<'_>, dir: &Path) {
    let path = dir.join(crate::discover::TERRAFORM_LOCK);
    let Some((id, text)) = sh.files.get(&path) else {
        return;
    };
    let (file, err) = syntax::parse_file(&path, id, text);
    if let Some(e) = err {
        sh.note(
            format!(
                "{} is not read ({}): provider defaults are judged by the version constraints",
                crate::discover::TERRAFORM_LOCK,
                e.message
            ),
            e.span,
        );
        return;
    }
    let blocks = syntax::top_blocks(&file);
    pins::lock(&blocks, &mut sh.pins);
}

/// A directory as module calls name it (lexically normalized, `.` kept as
/// the root), so a walked directory and a call's target compare equal.
pub fn normalize_dir(dir: &Path) -> PathBuf {
    module::normalize(dir)
}

/// Local module sources (`./mod`, `../shared/x`) named by `module` blocks in
/// one file's text, resolved against `dir`; the scan reads their files too.
/// JSON text (starting with `{`) is read in Terraform's JSON syntax.
pub fn local_module_dirs(dir: &Path, text: &str) -> Vec<PathBuf> {
    // Most files call no module: skip parsing them.
    if !text.contains("module") {
        return Vec::new();
    }
    let name = if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        "x.tf.json"
    } else {
        "x.tf"
    };
    let (file, _) = syntax::parse_file(Path::new(name), FileId::default(), text);
    let mut out = Vec::new();
    for b in syntax::top_blocks(&file) {
        if b.kind != "module" {
            continue;
        }
        if let Some(s) = module::local_source(&b) {
            let d = module::normalize(&dir.join(s));
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

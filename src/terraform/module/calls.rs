//! Module calls: where a call's source is, and evaluating a call (its
//! instances, arguments and the child module's run), or counting what a
//! call that is not evaluated leaves unscanned.

use super::*;

/// How many resources (not data sources) the module in `dir` and the local
/// modules it calls declare: what a call that is not evaluated leaves
/// unscanned. Only counted: the files are parsed again but not registered,
/// evaluated or reported on, and each directory is read once.
fn resources_below(sh: &Shared<'_>, dir: &Path) -> usize {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut queue = vec![dir.to_path_buf()];
    let mut count = 0;
    while let Some(d) = queue.pop() {
        if !seen.insert(d.clone()) {
            continue;
        }
        let files: Vec<ParsedFile> = sh
            .files
            .in_dir(&d)
            .filter(|(path, _, _)| {
                let name = path.to_string_lossy();
                name.ends_with(".tf") || name.ends_with(".tf.json")
            })
            .map(|(path, id, text)| syntax::parse_file(path, id, text).0)
            .collect();
        let decls = collect(&files);
        count += decls.resources.iter().filter(|r| !r.data).count();
        for (_, b) in &decls.modules {
            if let Some(s) = local_source(b) {
                queue.push(normalize(&d.join(s)));
            }
        }
    }
    count
}

/// Is a module source a local path (`./x`, `../x`)?
/// A `module` block's `source` when it is written as a literal local path
/// (what the scan reads before any evaluation).
pub(crate) fn local_source(b: &Block<'_>) -> Option<String> {
    let source = b.body.attr("source").and_then(|a| match a.expr {
        syntax::Expr::Hcl(x, _) => x.as_str().map(str::to_string),
        syntax::Expr::Json(n) | syntax::Expr::Literal(n) => n.as_str().map(str::to_string),
    });
    source.filter(|s| is_local_source(s))
}

pub(crate) fn is_local_source(s: &str) -> bool {
    s == "."
        || s == ".."
        || s.starts_with("./")
        || s.starts_with("../")
        || s.starts_with(".\\")
        || s.starts_with("..\\")
}

/// Join and normalize without touching the filesystem (the FileSet's paths
/// are what matter, and they need not exist on disk). Lexical, as Terraform
/// resolves a local source: `..` removes the name before it. A path that
/// starts at `.` (the walk of `faasguard scan .` gives `./examples/x`) keeps
/// `.` as its root, so `./examples/x/../..` is `.`, the directory whose files
/// are `./main.tf`, never the empty path.
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for (i, c) in p.components().enumerate() {
        match c {
            Component::CurDir if i == 0 => out.push("."),
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `./..` is `..`: the root `.` says nothing once we go above it.
                Some(Component::CurDir) => out = PathBuf::from(".."),
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    // `examples/x/../..` is the working directory too.
    if out.as_os_str().is_empty() && !p.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A module directory as messages name it: its folder name (`app`), or its
/// path from the root when it has none (`..`).
fn dir_name(root: &Path, dir: &Path) -> String {
    match dir.file_name() {
        Some(n) => n.to_string_lossy().into_owned(),
        None => relative(root, dir),
    }
}

/// `path.module` of a child: its directory relative to the root.
fn relative(root: &Path, dir: &Path) -> String {
    let (r, d): (Vec<Component>, Vec<Component>) =
        (root.components().collect(), dir.components().collect());
    let common = r.iter().zip(d.iter()).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = r.iter().skip(common).map(|_| "..".to_string()).collect();
    parts.extend(
        d.iter()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

const CALL_META: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
];

/// The address of module call `name` in `env`: `module.x`, or
/// `module.app.module.x` inside a module instance.
fn call_address(env: &ModEnv, name: &str) -> String {
    if env.prefix.is_empty() {
        format!("module.{name}")
    } else {
        format!("{}.module.{name}", env.prefix)
    }
}

/// A remote call's arguments (its meta-arguments aside), evaluated once in the
/// caller's scope: `count.index` and `each` are unknown there, which only
/// makes the values that use them unknown.
fn remote_inputs(sh: &mut Shared<'_>, env: &ModEnv, name: &str, b: &Block<'_>) {
    let address = call_address(env, name);
    let mut args = crate::parse::Map::default();
    {
        let mut ev = Ev::new(sh, env);
        for a in b.body.attrs() {
            if CALL_META.contains(&a.name) {
                continue;
            }
            let node = bounded(ev.eval(a.expr), &format!("module {name} input {}", a.name));
            args.insert(a.name.to_string(), a.name_span, node);
        }
    }
    sh.remote_inputs.push((address, Node::map(args, b.header)));
}

/// Evaluate a `module` block: its child directory once per instance.
pub(super) fn call(
    sh: &mut Shared<'_>,
    env: &ModEnv,
    name: &str,
    b: &Block<'_>,
    stack: &mut Vec<PathBuf>,
) -> ModVal {
    let unknown = |why: String| ModVal {
        inst: Instances::Unknown,
        out_refs: HashMap::new(),
        why: Some(why),
    };
    let Some(src_attr) = b.body.attr("source") else {
        sh.note(format!("module {name}: no source"), b.header);
        return unknown(format!("module {name} has no source"));
    };
    let source = {
        let mut ev = Ev::new(sh, env);
        ev.eval(src_attr.expr)
    };
    let Some(source) = source.as_str().map(str::to_string) else {
        sh.note(
            format!("module {name}: source is not a literal string"),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} has no literal source"));
    };
    if !is_local_source(&source) {
        remote_inputs(sh, env, name, b);
        sh.note(
            format!("module {name}: remote source `{source}` is not downloaded; its resources are not scanned"),
            src_attr.expr.span(),
        );
        return unknown(format!(
            "module {name} comes from a remote source that is not downloaded"
        ));
    }
    let dir = normalize(&env.dir.join(&source));
    if let Some(at) = stack.iter().position(|d| *d == dir) {
        // Terraform refuses a cycle of calls; the resources of every module
        // in it are still scanned, each once, from the first call.
        let mut chain: Vec<String> = stack
            .get(at..)
            .unwrap_or_default()
            .iter()
            .map(|d| dir_name(&sh.root, d))
            .collect();
        chain.push(dir_name(&sh.root, &dir));
        sh.unscanned_calls += 1;
        sh.problem(
            "module-cycle",
            format!(
                "module {name}: `{source}` is a cycle of module calls ({}); it is not evaluated again",
                chain.join(" -> ")
            ),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} calls itself"));
    }
    if stack.len() >= MAX_MODULE_DEPTH {
        sh.unscanned_calls += 1;
        let skipped = resources_below(sh, &dir);
        sh.unscanned_resources += skipped;
        sh.problem(
            "module-depth",
            format!("module {name}: the chain of module calls is deeper than {MAX_MODULE_DEPTH}; `{source}` and the modules it calls are not scanned ({skipped} resource{} left out)", if skipped == 1 { "" } else { "s" }),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} nests too deeply"));
    }
    if let Some(why) = sh.files.refused.get(&dir) {
        sh.unscanned_calls += 1;
        sh.problem(
            "module-outside",
            format!("module {name}: `{source}` is not read: {why}"),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} is outside the repository"));
    }
    let files = load_dir(sh, &dir);
    if files.is_empty() {
        sh.note(
            format!("module {name}: `{source}` has no Terraform files in the scan; its resources are not scanned"),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} was not found"));
    }
    if !sh.called_modules.contains(&dir) {
        sh.called_modules.push(dir.clone());
    }
    let decls = collect(&files);
    report_duplicates(sh, &decls);
    pin_providers(sh, &decls);
    let explicit: HashMap<String, String> = b
        .body
        .attr("providers")
        .map(|a| provider_pairs(a.expr))
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, env.providers.resolve(&v)))
        .collect();
    let own = own_providers(&decls);
    let expansion = {
        let mut ev = Ev::new(sh, env);
        body::expand(
            &mut ev,
            b.body.attr("count").map(|a| a.expr),
            b.body.attr("for_each").map(|a| a.expr),
            &format!("module.{name}"),
            b.header,
        )
    };
    let kind = match &expansion {
        Expansion::Single => 0,
        Expansion::Count(_) => 1,
        Expansion::ForEach(_) => 2,
        Expansion::Unknown(_) => 3,
    };
    let mut list = Vec::new();
    let mut keyed = Vec::new();
    let mut single = None;
    let mut all_refs: HashMap<String, Vec<String>> = HashMap::new();
    let base = call_address(env, name);
    stack.push(dir.clone());
    for inst in expansion.instances() {
        sh.module_instances += 1;
        if sh.module_instances > sh.max_instances {
            if sh.problems.iter().all(|p| p.0 != "module-limit") {
                let max = sh.max_instances;
                sh.problem(
                    "module-limit",
                    format!("more than {max} module instances in this module tree (--max-expansion); the rest, from module.{name} on, are not evaluated"),
                    b.header,
                );
            }
            sh.unscanned_calls += 1;
            break;
        }
        let prefix = format!("{base}{}", inst.key.suffix());
        let mut inputs: HashMap<String, Bound> = HashMap::new();
        {
            let mut ev = Ev::new(sh, env).with_binds(inst.binds);
            for a in b.body.attrs() {
                if CALL_META.contains(&a.name) {
                    continue;
                }
                ev.refs.clear();
                let node = bounded(ev.eval(a.expr), &format!("module {name} input {}", a.name));
                let mut refs = std::mem::take(&mut ev.refs);
                refs.sort();
                refs.dedup();
                inputs.insert(a.name.to_string(), Bound::of(node, refs, false));
            }
        }
        let root_call = env.root_call.unwrap_or(b.header);
        sh.calls.push((prefix.clone(), root_call));
        let mut child = ModEnv {
            root_call: Some(root_call),
            prefix: prefix.clone(),
            path_module: relative(&sh.root, &dir),
            dir: dir.clone(),
            providers: Arc::new(ProviderScope {
                prefix,
                explicit: explicit.clone(),
                own: own.clone(),
                parent: Some(env.providers.clone()),
            }),
            ..ModEnv::default()
        };
        for v in &decls.vars {
            let bound = match inputs.remove(v.name) {
                Some(mut b) => {
                    b.node = convert(b.node, v.ty.as_deref());
                    b
                }
                None => Bound::new(default_value(sh, v)),
            };
            child.vars.insert(v.name.to_string(), bound);
        }
        let (outputs, refs) = run(sh, &decls, child, stack);
        for (k, v) in refs {
            all_refs.entry(k).or_default().extend(v);
        }
        match inst.key {
            Key::Int(_) => list.push(outputs),
            Key::Str(k) => keyed.push((k, outputs)),
            Key::None => single = Some(outputs),
        }
    }
    stack.pop();
    let inst = match (kind, single) {
        (0, Some(v)) => Instances::Single(v),
        (1, _) => Instances::List(list),
        (2, _) => Instances::Keyed(keyed),
        _ => Instances::Unknown,
    };
    let why = matches!(inst, Instances::Unknown)
        .then(|| format!("the instances of module {name} are unknown"));
    ModVal {
        inst,
        out_refs: all_refs,
        why,
    }
}

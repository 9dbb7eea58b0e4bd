//! Module-level tests of [`super::load_module`] on in-memory file sets: real
//! HCL snippets, exact values and exact spans, and hostile input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;

use super::{load_module, local_module_dirs, FileSet, Mode, Options, Resource, Unit};
use crate::parse::{Node, Value};
use crate::source::{FileId, Span};

struct Fx {
    set: FileSet,
    texts: Vec<(PathBuf, String)>,
}

impl Fx {
    fn new(root: &Path, files: &[(&str, &str)]) -> Fx {
        let mut set = FileSet::default();
        let mut texts = Vec::new();
        for (i, (p, t)) in files.iter().enumerate() {
            let path = root.join(p);
            set.files
                .insert(path.clone(), (FileId(i as u32), Arc::from(*t)));
            texts.push((path, (*t).to_string()));
        }
        Fx { set, texts }
    }

    /// The text a span covers.
    fn text(&self, s: Span) -> &str {
        let t = &self.texts[s.file.0 as usize].1;
        &t[s.start as usize..s.end as usize]
    }

    fn name(&self, s: Span) -> String {
        self.texts[s.file.0 as usize]
            .0
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

fn root() -> PathBuf {
    PathBuf::from("/work/m")
}

fn load(files: &[(&str, &str)]) -> (Unit, Fx) {
    load_opts(files, &Options::default())
}

fn load_opts(files: &[(&str, &str)], opts: &Options) -> (Unit, Fx) {
    let fx = Fx::new(&root(), files);
    let u = load_module(&root(), &fx.set, opts);
    (u, fx)
}

fn res<'a>(u: &'a Unit, addr: &str) -> &'a Resource {
    u.resources
        .iter()
        .find(|r| r.address == addr)
        .unwrap_or_else(|| {
            panic!(
                "no {addr} in {:?}",
                u.resources.iter().map(|r| &r.address).collect::<Vec<_>>()
            )
        })
}

fn at<'a>(r: &'a Resource, path: &str) -> &'a Node {
    let segs: Vec<&str> = path.split('.').collect();
    let (n, matched) = r.values.find_path(&segs);
    assert_eq!(matched, segs.len(), "{path} not in {}", r.values.to_json());
    n
}

fn val(r: &Resource, path: &str) -> serde_json::Value {
    at(r, path).to_json()
}

fn unknown(n: &Node) -> &crate::parse::Unknown {
    match &n.value {
        Value::Unknown(u) => u,
        other => panic!("not unknown: {other:?}"),
    }
}

#[test]
fn literals_keep_their_spans_and_blocks_are_arrays() {
    let main = r#"resource "aws_lambda_function" "f" {
  function_name = "api"
  timeout       = 30
  tracing_config {
    mode = "Active"
  }
  lifecycle {
    ignore_changes = [tags]
  }
  count = 1
}
"#;
    let (u, fx) = load(&[("main.tf", main)]);
    assert!(
        u.errors.is_empty() && u.notes.is_empty(),
        "{:?} {:?}",
        u.errors,
        u.notes
    );
    let r = res(&u, "aws_lambda_function.f[0]");
    assert_eq!(r.mode, Mode::Managed);
    assert_eq!(r.provider, "aws");
    assert_eq!(
        r.values.to_json(),
        json!({"function_name": "api", "timeout": 30, "tracing_config": [{"mode": "Active"}]})
    );
    assert_eq!(fx.text(at(r, "timeout").span), "30");
    assert_eq!(fx.text(at(r, "tracing_config.0.mode").span), "\"Active\"");
    assert_eq!(fx.text(r.span), "resource \"aws_lambda_function\" \"f\"");
    assert_eq!(fx.text(r.body), main.trim_end());
    assert_eq!(u.main_file, FileId(0));
}

#[test]
fn variable_precedence_and_via() {
    let main = "variable \"timeout\" {\n  type    = number\n  default = 3\n}\nvariable \"a\" { default = \"d\" }\nvariable \"b\" { default = \"d\" }\nvariable \"c\" { default = \"d\" }\nvariable \"d\" { default = \"d\" }\nvariable \"e\" { default = \"d\" }\nvariable \"none\" {}\nresource \"aws_lambda_function\" \"f\" {\n  timeout = var.timeout\n  a = var.a\n  b = var.b\n  c = var.c\n  d = var.d\n  e = var.e\n  n = var.none\n}\n";
    let files = [
        ("main.tf", main),
        (
            "terraform.tfvars",
            "timeout = \"10\"\na = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n",
        ),
        (
            "terraform.tfvars.json",
            r#"{"b": "json", "c": "json", "d": "json"}"#,
        ),
        ("a.auto.tfvars", "c = \"auto-a\"\nd = \"auto-a\"\n"),
        ("b.auto.tfvars.json", r#"{"d": "auto-b"}"#),
        ("extra.tfvars", "e = \"extra\"\ntimeout = 20\n"),
    ];
    let opts = Options {
        var_files: vec![root().join("extra.tfvars")],
        vars: vec![("timeout".into(), "60".into())],
        ..Options::default()
    };
    let (u, fx) = load_opts(&files, &opts);
    let r = res(&u, "aws_lambda_function.f");
    assert_eq!(val(r, "a"), json!("tfvars"));
    assert_eq!(val(r, "b"), json!("json"));
    assert_eq!(val(r, "c"), json!("auto-a"));
    assert_eq!(val(r, "d"), json!("auto-b"));
    assert_eq!(val(r, "e"), json!("extra"));
    // --var wins, converted to the declared type, with the use site's span.
    assert_eq!(val(r, "timeout"), json!(60));
    assert_eq!(fx.text(at(r, "timeout").span), "var.timeout");
    assert_eq!(unknown(at(r, "n")).reason, "variable none has no value");
    // A tfvars value points at the tfvars file, and says how it got there.
    let d = at(r, "d");
    assert_eq!(fx.name(d.span), "b.auto.tfvars.json");
    assert_eq!(fx.text(d.span), "\"auto-b\"");
    assert!(
        u.via
            .contains(&(d.span, "through var.d, used at main.tf:16".to_string())),
        "{:?}",
        u.via
    );
    assert!(u.files.contains(&FileId(4)) && u.files.contains(&FileId(5)));
}

#[test]
fn untyped_cli_vars_are_strings_and_typed_ones_parse() {
    let main = "variable \"s\" {}\nvariable \"l\" { type = list(string) }\nresource \"x_y\" \"z\" {\n  s = var.s\n  l = var.l\n}\n";
    let opts = Options {
        var_files: Vec::new(),
        vars: vec![
            ("s".into(), "[1]".into()),
            ("l".into(), "[\"a\", \"b\"]".into()),
        ],
        ..Options::default()
    };
    let (u, _) = load_opts(&[("main.tf", main)], &opts);
    let r = res(&u, "x_y.z");
    assert_eq!(val(r, "s"), json!("[1]"));
    assert_eq!(val(r, "l"), json!(["a", "b"]));
}

#[test]
fn locals_in_dependency_order_and_cycles() {
    let main = r#"locals {
  c = "${local.b}-c"
  b = upper(local.a)
  a = "x"
  p = local.q
  q = local.p
  r = local.p
}
resource "x_y" "z" {
  c = local.c
  p = local.p
  r = local.r
}
"#;
    let (u, fx) = load(&[("main.tf", main)]);
    let r = res(&u, "x_y.z");
    assert_eq!(val(r, "c"), json!("X-c"));
    assert!(at(r, "p").is_unknown());
    assert!(at(r, "r").is_unknown());
    let cyc: Vec<_> = u.notes.iter().filter(|n| n.0.contains("cycle")).collect();
    assert_eq!(cyc.len(), 2, "{:?}", u.notes);
    assert_eq!(
        cyc[0].0,
        "local.p is part of a dependency cycle (local.p, local.q); its value is unknown"
    );
    assert_eq!(fx.text(cyc[0].1), "p");
}

#[test]
fn references_to_resources_and_data_sources() {
    let main = r#"resource "aws_s3_bucket" "b" {
  bucket = "logs"
}
resource "aws_iam_role" "lambda" {
  name = "r"
}
data "aws_iam_policy_document" "p" {
  statement {
    actions = ["s3:GetObject"]
  }
}
resource "aws_lambda_function" "f" {
  role = aws_iam_role.lambda.arn
  bucket = aws_s3_bucket.b.bucket
  policy = data.aws_iam_policy_document.p.json
  name = "${aws_iam_role.lambda.name}-fn"
  res = "${aws_s3_bucket.b.arn}/*"
}
"#;
    let (u, fx) = load(&[("main.tf", main)]);
    let f = res(&u, "aws_lambda_function.f");
    let role = unknown(at(f, "role"));
    assert_eq!(role.reference.as_deref(), Some("aws_iam_role.lambda"));
    assert_eq!(role.attribute.as_deref(), Some("arn"));
    assert_eq!(fx.text(at(f, "role").span), "aws_iam_role.lambda.arn");
    assert_eq!(val(f, "bucket"), json!("logs"));
    assert_eq!(fx.text(at(f, "bucket").span), "\"logs\"");
    let p = unknown(at(f, "policy"));
    assert_eq!(
        p.reference.as_deref(),
        Some("data.aws_iam_policy_document.p")
    );
    assert_eq!(p.attribute.as_deref(), Some("json"));
    assert_eq!(val(f, "name"), json!("r-fn"));
    assert_eq!(
        unknown(at(f, "res")).reference.as_deref(),
        Some("aws_s3_bucket.b")
    );
    assert_eq!(
        f.refs.get("role").map(Vec::as_slice),
        Some(&["aws_iam_role.lambda".to_string()][..])
    );
    assert_eq!(
        f.refs.get("policy").map(Vec::as_slice),
        Some(&["data.aws_iam_policy_document.p".to_string()][..])
    );
    let d = res(&u, "data.aws_iam_policy_document.p");
    assert_eq!(d.mode, Mode::Data);
    assert_eq!(val(d, "statement"), json!([{"actions": ["s3:GetObject"]}]));
}

#[test]
fn refs_follow_locals_to_resources() {
    let main = "resource \"aws_iam_role\" \"r\" {}\nlocals { arn = aws_iam_role.r.arn }\nresource \"aws_lambda_function\" \"f\" { role = local.arn }\n";
    let (u, _) = load(&[("main.tf", main)]);
    let f = res(&u, "aws_lambda_function.f");
    assert_eq!(
        f.refs.get("role").map(Vec::as_slice),
        Some(&["aws_iam_role.r".to_string()][..])
    );
}

#[test]
fn count_and_for_each_expand() {
    let main = r#"variable "n" {}
resource "a_b" "none" { count = 0 }
resource "a_b" "two" {
  count = 2
  name = "n-${count.index}"
}
resource "a_b" "unk" {
  count = var.n
  name = "n-${count.index}"
}
resource "a_b" "fe" {
  for_each = { x = 1, y = 2 }
  name = "${each.key}=${each.value}"
}
resource "a_b" "set" {
  for_each = toset(["q", "p", "q"])
  name = each.value
}
resource "a_b" "use" {
  first = a_b.two[1].name
  all = a_b.two[*].name
  k = a_b.fe["y"].name
}
"#;
    let (u, _) = load(&[("main.tf", main)]);
    let addrs: Vec<&str> = u.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addrs,
        [
            "a_b.two[0]",
            "a_b.two[1]",
            "a_b.unk",
            "a_b.fe[\"x\"]",
            "a_b.fe[\"y\"]",
            "a_b.set[\"p\"]",
            "a_b.set[\"q\"]",
            "a_b.use"
        ]
    );
    assert_eq!(val(res(&u, "a_b.two[1]"), "name"), json!("n-1"));
    assert!(at(res(&u, "a_b.unk"), "name").is_unknown());
    assert_eq!(val(res(&u, "a_b.fe[\"y\"]"), "name"), json!("y=2"));
    let use_ = res(&u, "a_b.use");
    assert_eq!(val(use_, "first"), json!("n-1"));
    assert_eq!(val(use_, "all"), json!(["n-0", "n-1"]));
    assert_eq!(val(use_, "k"), json!("y=2"));
    assert_eq!(
        use_.refs.get("first").map(Vec::as_slice),
        Some(&["a_b.two[1]".to_string()][..])
    );
}

#[test]
fn huge_counts_are_bounded() {
    // Every instance up to the bound (a setting), then an error naming it.
    let opts = Options {
        max_instances: 2_500,
        ..Options::default()
    };
    let (u, _) = load_opts(
        &[("main.tf", "resource \"a_b\" \"c\" { count = 1e12 }\n")],
        &opts,
    );
    assert_eq!(u.resources.len(), 2_500);
    assert_eq!(u.resources[2_499].address, "a_b.c[2499]");
    assert_eq!(
        u.problems.iter().map(|p| (p.0, p.1.as_str())).collect::<Vec<_>>(),
        [(
            "expansion-limit",
            "a_b.c: count is 1000000000000, over the limit of 2500 instances (--max-expansion); only the first 2500 are evaluated"
        )]
    );
    // The default bound is large.
    let (u, _) = load(&[("main.tf", "resource \"a_b\" \"c\" { count = 5000 }\n")]);
    assert_eq!(u.resources.len(), 5_000);
    assert!(u.problems.is_empty());
}

#[test]
fn dynamic_blocks_expand() {
    let main = r#"locals { rules = [{ port = 80 }, { port = 443 }] }
resource "aws_security_group" "sg" {
  ingress {
    from_port = 22
  }
  dynamic "ingress" {
    for_each = local.rules
    iterator = r
    content {
      from_port = r.value.port
      idx = r.key
    }
  }
  dynamic "egress" {
    for_each = { a = "x" }
    content {
      name = "${egress.key}-${egress.value}"
    }
  }
}
"#;
    let (u, _) = load(&[("main.tf", main)]);
    let sg = res(&u, "aws_security_group.sg");
    assert_eq!(
        sg.values.to_json(),
        json!({
            "ingress": [{"from_port": 22}, {"from_port": 80, "idx": 0}, {"from_port": 443, "idx": 1}],
            "egress": [{"name": "a-x"}]
        })
    );
}

#[test]
fn expressions_templates_and_heredocs() {
    let main = r#"locals {
  m = { a = 1, b = 2 }
  l = [1, 2, 3]
}
resource "x_y" "z" {
  arith = (1 + 2) * 3 - 4 / 2 % 3
  cmp = 2 > 1 && !(1 == 2) || false
  cond = length(local.l) > 2 ? "big" : "small"
  for_list = [for v in local.l : v * 2 if v != 2]
  for_map = { for k, v in local.m : upper(k) => v }
  group = { for v in ["a", "b", "a"] : v => v... }
  splat = [{ n = 1 }, { n = 2 }][*].n
  tpl = "%{ for v in local.l ~}${v},%{ endfor ~}"
  iff = "%{ if true }yes%{ else }no%{ endif }"
  strip = "a ${~ "b" ~} c"
  heredoc = <<-EOF
    hello
      world
    EOF
  raw = <<EOT
x ${local.m.a}
EOT
  esc = "$${x}"
  idx = local.l[1]
  neg = -local.l[0]
}
"#;
    let (u, _) = load(&[("main.tf", main)]);
    let r = res(&u, "x_y.z");
    assert_eq!(
        r.values.to_json(),
        json!({
            "arith": 7,
            "cmp": true,
            "cond": "big",
            "for_list": [2, 6],
            "for_map": {"A": 1, "B": 2},
            "group": {"a": ["a", "a"], "b": ["b"]},
            "splat": [1, 2],
            "tpl": "1,2,3,",
            "iff": "yes",
            "strip": "abc",
            "heredoc": "hello\n  world\n",
            "raw": "x 1\n",
            "esc": "${x}",
            "idx": 2,
            "neg": -1
        })
    );
}

#[test]
fn functions() {
    let main = r#"resource "x_y" "z" {
  je = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow" }] })
  jd = jsondecode("{\"a\": [1, true]}")
  merge = merge({ a = 1, b = 1 }, { b = 2 })
  concat = concat([1], [2, 3])
  lookup = lookup({ a = "x" }, "b", "dflt")
  format = format("%s-%03d-%.1f-%v", "a", 7, 1.25, true)
  join = join(",", ["a", "b"], ["c"])
  split = split(",", "a,b")
  replace = replace("a-b-c", "-", "_")
  lu = "${lower("AB")}${upper("cd")}"
  len = [length("héllo"), length([1, 2]), length({ a = 1 })]
  element = element(["a", "b"], 3)
  coalesce = coalesce(null, "", "x")
  try = try(local.missing, { a = 1 }.b, "fallback")
  can = [can({ a = 1 }.a), can({ a = 1 }.b)]
  set = toset(["b", "a", "b"])
  kv = [keys({ b = 1, a = 2 }), values({ b = 1, a = 2 })]
  flat = flatten([[1, [2]], 3])
  distinct = distinct([1, 1, 2])
  contains = contains(["a"], "a")
  substr = substr("hello", 1, 3)
  minmax = [min(3, 1, 2), max(3, 1, 2), abs(-4)]
  se = [startswith("abc", "ab"), endswith("abc", "bc")]
  conv = [tostring(5), tonumber("5"), tobool("true"), trimspace("  x ")]
  expand = max([1, 5]...)
  regex = replace("abc", "/b/", "x")
  unknown_fn = md5("x")
  unknown_fn2 = md5("y")
}
"#;
    let (u, _) = load(&[("main.tf", main)]);
    let r = res(&u, "x_y.z");
    assert_eq!(
        val(r, "je"),
        json!(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}"#)
    );
    assert_eq!(val(r, "jd"), json!({"a": [1, true]}));
    assert_eq!(val(r, "merge"), json!({"a": 1, "b": 2}));
    assert_eq!(val(r, "concat"), json!([1, 2, 3]));
    assert_eq!(val(r, "lookup"), json!("dflt"));
    assert_eq!(val(r, "format"), json!("a-  7-1.2-true"));
    assert_eq!(val(r, "join"), json!("a,b,c"));
    assert_eq!(val(r, "split"), json!(["a", "b"]));
    assert_eq!(val(r, "replace"), json!("a_b_c"));
    assert_eq!(val(r, "lu"), json!("abCD"));
    assert_eq!(val(r, "len"), json!([5, 2, 1]));
    assert_eq!(val(r, "element"), json!("b"));
    assert_eq!(val(r, "coalesce"), json!("x"));
    assert_eq!(val(r, "try"), json!("fallback"));
    assert_eq!(val(r, "can"), json!([true, false]));
    assert_eq!(val(r, "set"), json!(["a", "b"]));
    assert_eq!(val(r, "kv"), json!([["a", "b"], [2, 1]]));
    assert_eq!(val(r, "flat"), json!([1, 2, 3]));
    assert_eq!(val(r, "distinct"), json!([1, 2]));
    assert_eq!(val(r, "contains"), json!(true));
    assert_eq!(val(r, "substr"), json!("ell"));
    assert_eq!(val(r, "minmax"), json!([1, 3, 4]));
    assert_eq!(val(r, "se"), json!([true, true]));
    assert_eq!(val(r, "conv"), json!(["5", 5, true, "x"]));
    assert_eq!(val(r, "expand"), json!(5));
    assert!(at(r, "regex").is_unknown());
    assert!(at(r, "unknown_fn").is_unknown());
    let md5: Vec<_> = u.notes.iter().filter(|n| n.0.contains("`md5`")).collect();
    assert_eq!(md5.len(), 1, "{:?}", u.notes);
}

#[test]
fn jsonencode_keeps_unknown_parts_in_model_form() {
    let main = "resource \"aws_s3_bucket\" \"b\" {}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({ Resource = aws_s3_bucket.b.arn })\n}\n";
    let (u, fx) = load(&[("main.tf", main)]);
    let p = res(&u, "aws_iam_policy.p");
    let text = at(p, "policy").as_str().expect("string").to_string();
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["Resource"]["unknown"], json!(true));
    assert_eq!(v["Resource"]["ref"], json!("aws_s3_bucket.b"));
    assert_eq!(v["Resource"]["attr"], json!("arn"));
    assert!(fx.text(at(p, "policy").span).starts_with("jsonencode("));
}

#[test]
fn file_and_templatefile_stay_inside_the_module() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("m");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("policy.json"), "{\"a\": 1}").expect("write");
    std::fs::write(
        dir.join("t.tpl"),
        "hi ${name}%{ for x in xs } ${x}%{ endfor }",
    )
    .expect("write");
    std::fs::write(tmp.path().join("secret.txt"), "nope").expect("write");
    let main = r#"resource "x_y" "z" {
  f = file("${path.module}/policy.json")
  t = templatefile("t.tpl", { name = "bob", xs = [1, 2] })
  escape = file("../secret.txt")
  abs = file("/etc/passwd")
  missing = file("nope.txt")
}
"#;
    let fx = Fx::new(&dir, &[("main.tf", main)]);
    let u = load_module(&dir, &fx.set, &Options::default());
    let r = res(&u, "x_y.z");
    assert_eq!(val(r, "f"), json!("{\"a\": 1}"));
    assert_eq!(
        fx.text(at(r, "f").span),
        "file(\"${path.module}/policy.json\")"
    );
    assert_eq!(val(r, "t"), json!("hi bob 1 2"));
    assert!(at(r, "escape").is_unknown());
    assert!(at(r, "abs").is_unknown());
    assert!(at(r, "missing").is_unknown());
}

#[test]
fn modules_inputs_outputs_and_providers() {
    let main = r#"provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
variable "name" { default = "svc" }
module "app" {
  source = "./modules/app"
  name   = "${var.name}-app"
  providers = {
    aws = aws.us
  }
}
module "plain" {
  source = "./modules/app"
  name   = "plain"
}
module "remote" {
  source = "terraform-aws-modules/lambda/aws"
}
resource "x_y" "z" {
  role = module.app.role_arn
  fn   = module.app.fn_name
  r    = module.remote.anything
}
"#;
    let child = r#"variable "name" {}
resource "aws_iam_role" "r" {
  name = var.name
}
resource "aws_lambda_function" "f" {
  function_name = var.name
  role = aws_iam_role.r.arn
}
output "role_arn" { value = aws_iam_role.r.arn }
output "fn_name" { value = aws_lambda_function.f.function_name }
"#;
    let (u, fx) = load(&[("main.tf", main), ("modules/app/main.tf", child)]);
    assert!(u.errors.is_empty(), "{:?}", u.errors);
    let f = res(&u, "module.app.aws_lambda_function.f");
    assert_eq!(f.module, "module.app");
    assert_eq!(f.provider, "aws.us");
    assert_eq!(val(f, "function_name"), json!("svc-app"));
    // The value is written in the root's module call.
    assert_eq!(fx.text(at(f, "function_name").span), "\"${var.name}-app\"");
    assert!(
        u.via
            .iter()
            .any(|v| v.1 == "through var.name, used at modules/app/main.tf:6"),
        "{:?}",
        u.via
    );
    assert_eq!(
        unknown(at(f, "role")).reference.as_deref(),
        Some("module.app.aws_iam_role.r")
    );
    assert_eq!(res(&u, "module.plain.aws_iam_role.r").provider, "aws");
    let z = res(&u, "x_y.z");
    assert_eq!(
        unknown(at(z, "role")).reference.as_deref(),
        Some("module.app.aws_iam_role.r")
    );
    assert_eq!(val(z, "fn"), json!("svc-app"));
    assert_eq!(
        z.refs.get("role").map(Vec::as_slice),
        Some(&["module.app.aws_iam_role.r".to_string()][..])
    );
    assert!(at(z, "r").is_unknown());
    assert_eq!(u.called_modules, [root().join("modules/app")]);
    assert!(u.notes.iter().any(|n| n.0
        == "module remote: remote source `terraform-aws-modules/lambda/aws` is not downloaded; its resources are not scanned"));
    assert_eq!(u.providers.len(), 2);
    assert_eq!(u.providers[1].alias.as_deref(), Some("us"));
    assert_eq!(u.files.len(), 2);
}

#[test]
fn modules_calling_themselves_stop() {
    let main = "module \"me\" { source = \"./\" }\nresource \"a_b\" \"c\" {}\n";
    let (u, _) = load(&[("main.tf", main)]);
    assert_eq!(u.resources.len(), 1);
    assert_eq!(
        u.problems
            .iter()
            .map(|p| (p.0, p.1.as_str()))
            .collect::<Vec<_>>(),
        [(
            "module-cycle",
            "module me: `./` is a cycle of module calls (m -> m); it is not evaluated again"
        )]
    );
    assert_eq!(u.unscanned_calls, 1);
}

#[test]
fn json_syntax_templates_map_spans_into_the_string() {
    let json = r#"{
  "variable": {"name": {"default": "x"}},
  "resource": {"aws_s3_bucket": {"b": {"bucket": "pre-${var.name}", "tags": {"a": "b"}, "versioning": {"enabled": true}}}}
}"#;
    let (u, fx) = load(&[("main.tf.json", json)]);
    let b = res(&u, "aws_s3_bucket.b");
    assert_eq!(
        b.values.to_json(),
        json!({"bucket": "pre-x", "tags": {"a": "b"}, "versioning": [{"enabled": true}]})
    );
    assert_eq!(fx.text(at(b, "bucket").span), "\"pre-${var.name}\"");
    let single =
        r#"{"variable": {"n": {"default": 5}}, "resource": {"a_b": {"c": {"n": "${var.n}"}}}}"#;
    let (u, fx) = load(&[("main.tf.json", single)]);
    let c = res(&u, "a_b.c");
    assert_eq!(val(c, "n"), json!(5));
    assert_eq!(fx.text(at(c, "n").span), "5");
    assert!(u.via[0]
        .1
        .starts_with("through var.n, used at main.tf.json:1"));
}

#[test]
fn a_broken_file_does_not_stop_the_others() {
    let (u, _) = load(&[
        ("bad.tf", "resource \"a\" {\n  x = = 1\n}\n"),
        ("main.tf", "resource \"a_b\" \"c\" { x = 1 }\n"),
    ]);
    assert_eq!(u.errors.len(), 1);
    assert_eq!(u.errors[0].span.file, FileId(0));
    assert_eq!(u.errors[0].span.start, 21);
    assert_eq!(val(res(&u, "a_b.c"), "x"), json!(1));
}

#[test]
fn hostile_input_does_not_panic() {
    // Deep nesting of every kind.
    for deep in [
        format!("a = {}1{}", "[".repeat(5000), "]".repeat(5000)),
        format!("locals {{ a = {}1{} }}", "(".repeat(60), ")".repeat(60)),
        format!("locals {{ a = {} }}", vec!["1"; 120].join(" + ")),
        format!("locals {{ a = \"{}\" }}", "${\"".repeat(60)),
        "a {\n".repeat(3000),
    ] {
        let (u, _) = load(&[("main.tf", &deep)]);
        let _ = u.resources.len();
    }
    // A long chain of locals, and values that double at each step.
    let mut chain = String::from("locals {\n  l0 = \"x\"\n");
    for i in 1..400 {
        chain.push_str(&format!("  l{i} = [local.l{}, local.l{}]\n", i - 1, i - 1));
    }
    chain.push_str("}\nresource \"a_b\" \"c\" { v = local.l399 }\n");
    let (u, _) = load(&[("main.tf", &chain)]);
    assert!(at(res(&u, "a_b.c"), "v").is_unknown());
    // Binary garbage and random bytes.
    let garbage: String = (0..4000u32)
        .map(|i| char::from_u32((i * 7919) % 0x250).unwrap_or('x'))
        .collect();
    let (u, _) = load(&[
        ("main.tf", &garbage),
        ("x.tf.json", "{\"resource\": [1, {\"a\": null}]}"),
    ]);
    let _ = u.errors.len();
    // Huge for expressions and ranges.
    let (u, _) = load(&[(
        "main.tf",
        "locals { a = [for i in range(1000000) : i] }\nresource \"a_b\" \"c\" { v = local.a }\n",
    )]);
    assert!(at(res(&u, "a_b.c"), "v").is_unknown());
}

#[test]
fn module_paths_normalize_lexically_keeping_dot_as_the_root() {
    let n = |p: &str| crate::terraform::normalize_dir(Path::new(p));
    assert_eq!(n("./examples/x/../../"), PathBuf::from("."));
    assert_eq!(n("./examples/x/../y"), PathBuf::from("./examples/y"));
    assert_eq!(n("."), PathBuf::from("."));
    assert_eq!(n("./.."), PathBuf::from(".."));
    assert_eq!(n("./a/../../b"), PathBuf::from("../b"));
    assert_eq!(n("examples/x/../.."), PathBuf::from("."));
    assert_eq!(n("a/b/../../../c"), PathBuf::from("../c"));
    assert_eq!(n("/r/env/../shared/b"), PathBuf::from("/r/shared/b"));
    assert_eq!(n("/.."), PathBuf::from("/"));
    assert_eq!(n(""), PathBuf::new());
    // `.` is the directory of the walk's `./main.tf`.
    assert_eq!(
        Path::new("./main.tf").parent(),
        Some(n("./examples/../").as_path())
    );
}

#[test]
fn duplicate_declarations_keep_apart_and_resolve_to_the_first() {
    let main = "locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\nresource \"a_b\" \"c\" { v = 1 }\nresource \"a_b\" \"c\" { v = 2 }\nresource \"a_b\" \"use\" {\n  l = local.a\n  r = a_b.c.v\n}\noutput \"o\" { value = 1 }\noutput \"o\" { value = 2 }\nmodule \"m\" { source = \"x/y/aws\" }\nmodule \"m\" { source = \"x/y/aws\" }\n";
    let (u, _) = load(&[("main.tf", main)]);
    let addrs: Vec<&str> = u.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(addrs, ["a_b.c", "a_b.c#2", "a_b.use"]);
    assert_eq!(val(res(&u, "a_b.c#2"), "v"), json!(2));
    assert_eq!(val(res(&u, "a_b.use"), "l"), json!(1));
    assert_eq!(val(res(&u, "a_b.use"), "r"), json!(1));
    let problems: Vec<&str> = u.problems.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(
        problems,
        [
            "Duplicate local value definition: local.a was already declared at main.tf:2:3; this one is ignored",
            "Duplicate resource configuration: a_b.c was already declared at main.tf:7:1; this one is scanned apart as a_b.c#2, and references resolve to the first",
            "Duplicate output definition: output.o was already declared at main.tf:13:1; this one is ignored",
            "Duplicate module call: module.m was already declared at main.tf:15:1; this one is scanned apart as module.m#2, and references resolve to the first",
        ]
    );
}

#[test]
fn local_module_dirs_lists_local_sources() {
    let text = "module \"a\" { source = \"./mods/a\" }\nmodule \"b\" { source = \"../shared/b\" }\nmodule \"r\" { source = \"hashicorp/x/aws\" }\n";
    let dirs = local_module_dirs(Path::new("/r/env"), text);
    assert_eq!(
        dirs,
        [PathBuf::from("/r/env/mods/a"), PathBuf::from("/r/shared/b")]
    );
    let json = r#"{"module": {"a": {"source": "./x"}}}"#;
    assert_eq!(
        local_module_dirs(Path::new("/r"), json),
        [PathBuf::from("/r/x")]
    );
    assert!(local_module_dirs(Path::new("/r"), "resource \"a\" \"b\" {}").is_empty());
}

#[test]
fn in_dir_reads_only_direct_children() {
    let fx = Fx::new(&root(), &[("a.tf", ""), ("sub/b.tf", ""), ("z.tf", "")]);
    let mut other = fx.set.clone();
    other
        .files
        .insert(PathBuf::from("/work/mm/c.tf"), (FileId(9), Arc::from("")));
    let names: Vec<_> = other
        .in_dir(&root())
        .map(|(p, _, _)| p.to_path_buf())
        .collect();
    assert_eq!(names, [root().join("a.tf"), root().join("z.tf")]);
}

#[test]
fn nested_modules_with_count_inherit_providers() {
    let main = r#"provider "aws" {
  alias = "eu"
}
module "outer" {
  count  = 2
  source = "./outer"
  providers = {
    aws = aws.eu
  }
  n = count.index
}
resource "x_y" "z" {
  v = module.outer[1].v
}
"#;
    let outer = "variable \"n\" {}\nmodule \"inner\" {\n  source = \"../inner\"\n  n = var.n\n}\noutput \"v\" { value = module.inner.v }\n";
    let inner = "variable \"n\" {}\nresource \"aws_sqs_queue\" \"q\" { name = \"q-${var.n}\" }\noutput \"v\" { value = aws_sqs_queue.q.name }\n";
    let (u, _) = load(&[
        ("main.tf", main),
        ("outer/main.tf", outer),
        ("inner/main.tf", inner),
    ]);
    let q = res(&u, "module.outer[1].module.inner.aws_sqs_queue.q");
    assert_eq!(q.provider, "aws.eu");
    assert_eq!(q.module, "module.outer[1].module.inner");
    assert_eq!(val(q, "name"), json!("q-1"));
    assert_eq!(val(res(&u, "x_y.z"), "v"), json!("q-1"));
    assert_eq!(
        u.called_modules,
        [root().join("outer"), root().join("inner")]
    );
}

/// The structured document the evaluator kept for string attribute `path`.
fn doc_of<'u>(u: &'u Unit, r: &Resource, path: &str) -> &'u Node {
    u.documents
        .get(at(r, path))
        .unwrap_or_else(|| panic!("no document for {path}"))
}

#[test]
fn heredoc_policies_with_unknown_interpolations_stay_readable() {
    let main = "resource \"aws_sqs_queue\" \"q\" {}\nresource \"aws_sqs_queue_policy\" \"p\" {\n  policy = <<-POLICY\n    {\n      \"Statement\": [{\n        \"Effect\": \"Allow\",\n        \"Principal\": \"*\",\n        \"Action\": \"sqs:${var.verb}\",\n        \"Resource\": \"${aws_sqs_queue.q.arn}\",\n        \"Condition\": ${var.cond}\n      }]\n    }\n  POLICY\n}\nvariable \"verb\" { default = \"SendMessage\" }\nvariable \"cond\" {}\n";
    let (u, fx) = load(&[("main.tf", main)]);
    let p = res(&u, "aws_sqs_queue_policy.p");
    // The text is the document with its unknowns in the model's form.
    let v: serde_json::Value =
        serde_json::from_str(at(p, "policy").as_str().expect("string")).expect("json");
    let s = &v["Statement"][0];
    assert_eq!(s["Action"], json!("sqs:SendMessage"));
    assert_eq!(s["Resource"]["ref"], json!("aws_sqs_queue.q"));
    assert_eq!(s["Condition"]["unknown"], json!(true));
    // The structured form points into the file, line by line.
    let d = doc_of(&u, p, "policy");
    let st = d.get_path(&["Statement"]).and_then(Node::as_seq).unwrap();
    let principal = st[0].get("Principal").unwrap();
    assert_eq!(fx.text(principal.span), "\"*\"");
    let action = st[0].get("Action").unwrap();
    assert_eq!(fx.text(action.span), "\"sqs:${var.verb}\"");
    let resource = st[0].get("Resource").unwrap();
    assert_eq!(
        unknown(resource).reference.as_deref(),
        Some("aws_sqs_queue.q")
    );
    assert_eq!(fx.text(resource.span), "\"${aws_sqs_queue.q.arn}\"");
    let cond = st[0].get("Condition").unwrap();
    assert!(cond.is_unknown());
    assert_eq!(fx.text(cond.span), "var.cond");
}

#[test]
fn known_heredocs_keep_their_text_and_get_a_document() {
    let main = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Statement\": {\"Action\": \"$${x}\"}}\nEOF\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = <<EOF\n{not json ${aws_s3_bucket.c.id}\nEOF\n}\n";
    let (u, fx) = load(&[("main.tf", main)]);
    let p = res(&u, "aws_iam_policy.p");
    assert_eq!(
        at(p, "policy").as_str(),
        Some("{\"Statement\": {\"Action\": \"${x}\"}}\n")
    );
    let d = doc_of(&u, p, "policy");
    let action = d.get_path(&["Statement", "Action"]).unwrap();
    assert_eq!(action.as_str(), Some("${x}"));
    assert_eq!(fx.text(action.span), "\"$${x}\"");
    // Not JSON, with an unknown: unknown as before, no document.
    let b = res(&u, "aws_s3_bucket.b");
    assert!(at(b, "bucket").is_unknown());
    assert_eq!(u.documents.len(), 1);
}

#[test]
fn jsonencode_documents_keep_the_object_spans() {
    let main = "resource \"aws_iam_policy\" \"p\" {\n  count = 2\n  policy = jsonencode({\n    Statement = [{\n      Action   = \"s3:${count.index}\"\n      Resource = aws_s3_bucket.b.arn\n    }]\n  })\n}\nresource \"aws_s3_bucket\" \"b\" {}\n";
    let (u, fx) = load(&[("main.tf", main)]);
    for (i, addr) in ["aws_iam_policy.p[0]", "aws_iam_policy.p[1]"]
        .iter()
        .enumerate()
    {
        let p = res(&u, addr);
        let d = doc_of(&u, p, "policy");
        let st = d.get_path(&["Statement"]).and_then(Node::as_seq).unwrap();
        let action = st[0].get("Action").unwrap();
        // Each instance finds its own document under the shared span.
        assert_eq!(action.as_str(), Some(format!("s3:{i}").as_str()));
        assert_eq!(fx.text(action.span), "\"s3:${count.index}\"");
        assert!(st[0].get("Resource").unwrap().is_unknown());
    }
}

#[test]
fn heredocs_not_json_with_their_holes_as_values_are_said() {
    // A trailing comma: not JSON even with the unknown ARN taken as a value.
    let main = "resource \"aws_sns_topic\" \"t\" {}\nresource \"aws_sns_topic_policy\" \"p\" {\n  arn    = aws_sns_topic.t.arn\n  policy = <<POLICY\n{\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Principal\": \"*\",\n    \"Action\": [\"SNS:Publish\",],\n    \"Resource\": \"${aws_sns_topic.t.arn}\"\n  }]\n}\nPOLICY\n}\n";
    let (u, _fx) = load(&[("main.tf", main)]);
    let p = res(&u, "aws_sns_topic_policy.p");
    assert!(at(p, "policy").is_unknown());
    let notes: Vec<_> = u.notes.iter().filter(|n| n.0.contains("JSON")).collect();
    assert_eq!(notes.len(), 1, "{:?}", u.notes);
    assert_eq!(
        notes[0].0,
        "this template starts like a JSON document (a policy?) but is not valid JSON here: expected a value (found ']'); with its unknown interpolations taken as values, nothing in it is checked"
    );
    // At the `]` after the trailing comma, line 9 of the file.
    let at_bracket = main.find(",]").map(|i| i as u32 + 1);
    assert_eq!(Some(notes[0].1.start), at_bracket);
    assert_eq!(main[..notes[0].1.start as usize].lines().count(), 9);
}

#[test]
fn provider_pins_come_from_every_module_of_the_tree_and_the_tightest_wins() {
    let (u, fx) = load(&[
        (
            "main.tf",
            r#"
terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 2.46" }
    google  = ">= 4.0"
  }
}
provider "aws" {
  version = "<= 3.75.0"
}
module "store" {
  source = "./store"
}
"#,
        ),
        (
            "store/main.tf",
            r#"
terraform {
  required_providers {
    az = {
      source  = "hashicorp/azurerm"
      version = ">= 2.0, < 2.20"
    }
  }
}
"#,
        ),
    ]);
    let azurerm = &u.provider_pins["azurerm"];
    // The called module's bound is tighter than the root's `~> 2.46`, and its
    // local name `az` is the azurerm provider by its source.
    assert_eq!(azurerm.constraint, ">= 2.0, < 2.20");
    assert_eq!(fx.text(azurerm.span), r#"">= 2.0, < 2.20""#);
    assert_eq!(fx.name(azurerm.span), "main.tf");
    assert!(azurerm.installs_at_least((2, 19, 0)));
    assert!(!azurerm.installs_at_least((2, 20, 0)));
    assert_eq!(u.provider_pins["aws"].constraint, "<= 3.75.0");
    // A lower bound only pins nothing: the newest release is installed.
    assert!(!u.provider_pins.contains_key("google"));
}

#[test]
fn the_root_lock_file_names_the_releases_whatever_the_constraints_allow() {
    let main = r#"
terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = ">= 2.0" }
    google  = { source = "hashicorp/google", version = "~> 5.0" }
  }
}
"#;
    let lock = r#"
provider "registry.terraform.io/hashicorp/azurerm" {
  version     = "2.46.0"
  constraints = ">= 2.0.0"
  hashes      = ["h1:x"]
}
"#;
    let (u, fx) = load(&[("main.tf", main), (".terraform.lock.hcl", lock)]);
    let azurerm = &u.provider_pins["azurerm"];
    assert_eq!(azurerm.constraint, "2.46.0");
    assert_eq!(fx.text(azurerm.span), r#""2.46.0""#);
    assert!(!azurerm.installs_at_least((2, 47, 0)));
    // A provider the lock file does not name keeps its constraint.
    assert_eq!(u.provider_pins["google"].constraint, "~> 5.0");
    // A lock file that does not parse is a note; the constraints stand
    // (`>= 2.0` bounds nothing: the newest release).
    let (u, _) = load(&[("main.tf", main), (".terraform.lock.hcl", "provider {")]);
    assert!(!u.provider_pins.contains_key("azurerm"));
    assert_eq!(u.provider_pins["google"].constraint, "~> 5.0");
    assert!(
        u.notes
            .iter()
            .any(|(m, _)| m.contains(".terraform.lock.hcl is not read")),
        "{:?}",
        u.notes
    );
}

/// An input variable without a value is supplied by the deployer, and so is
/// any value built from it (a template, a function call, a conditional, a
/// `for_each` over it), even after a part the module computes; a resource's
/// attribute and the caller's identity are not.
#[test]
fn input_variables_are_supplied_by_the_deployer() {
    let main = r#"variable "acct" {}
variable "accounts" { type = set(string) }
variable "public" { type = bool }
variable "known" { default = "111122223333" }
data "aws_caller_identity" "me" {}
resource "aws_iam_role" "r" {}
resource "aws_lambda_permission" "each" {
  for_each  = var.accounts
  principal = each.value
}
resource "aws_x" "v" {
  var       = var.acct
  root      = "arn:aws:iam::${var.acct}:root"
  later     = "${aws_iam_role.r.name}-${var.acct}"
  formatted = format("arn:aws:iam::%s:role/%s", aws_iam_role.r.name, var.acct)
  chosen    = var.public ? "*" : "111122223333"
  compared  = var.acct == "x"
  arn       = aws_iam_role.r.arn
  own       = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"
  role      = "arn:aws:iam::${var.known}:role/${aws_iam_role.r.name}"
  policy    = <<POLICY
{"Statement": [{"Principal": {"AWS": "arn:aws:iam::${aws_iam_role.r.name}:${var.acct}"}}]}
POLICY
}
"#;
    let (u, _fx) = load(&[("main.tf", main)]);
    let v = res(&u, "aws_x.v");
    for path in ["var", "root", "later", "formatted", "chosen", "compared"] {
        assert!(unknown(at(v, path)).supplied, "{path}: {}", val(v, path));
    }
    // Named after what the deployer supplies, after a computed part too.
    for path in ["var", "later", "formatted"] {
        assert_eq!(unknown(at(v, path)).reason, "variable acct has no value");
    }
    assert_eq!(
        unknown(at(v, "later")).reference.as_deref(),
        Some("aws_iam_role.r")
    );
    for path in ["arn", "own", "role"] {
        assert!(!unknown(at(v, path)).supplied, "{path}: {}", val(v, path));
    }
    // A JSON heredoc keeps each unknown in place: a string holding a
    // supplied one after a computed one is supplied.
    let doc = doc_of(&u, v, "policy");
    let aws = doc
        .get_path(&["Statement"])
        .and_then(Node::as_seq)
        .and_then(|s| s.first())
        .and_then(|s| s.get_path(&["Principal", "AWS"]))
        .unwrap();
    assert!(unknown(aws).supplied, "{}", aws.to_json());
    let each = res(&u, "aws_lambda_permission.each");
    assert!(unknown(at(each, "principal")).supplied);
    assert_eq!(u.variables[0].value.to_json()["supplied"], true);
}

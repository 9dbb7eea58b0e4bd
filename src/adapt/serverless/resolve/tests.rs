use super::*;
use crate::parse::yaml;

fn run(text: &str, env: &Env) -> Resolved {
    let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
    resolve(
        &doc,
        FileId(0),
        std::path::Path::new("serverless.yml"),
        Some(text),
        env,
    )
}

fn json(text: &str) -> serde_json::Value {
    run(text, &Env::default()).doc.to_json()
}

#[test]
fn self_references_keep_the_definition_span_and_say_so() {
    let text = "custom:\n  timeout: 30\nfunctions:\n  a:\n    timeout: ${self:custom.timeout}\n";
    let r = run(text, &Env::default());
    let t = r.doc.get_path(&["functions", "a", "timeout"]).unwrap();
    assert_eq!(t.to_json(), serde_json::json!(30));
    let def = text.find("30").unwrap();
    assert_eq!((t.span.start as usize, t.span.end as usize), (def, def + 2));
    assert_eq!(
        r.via,
        vec![(
            t.span,
            "through ${self:custom.timeout}, used at line 5".to_string()
        )]
    );
}

#[test]
fn options_defaults_and_nested_fallbacks() {
    let text = "provider:\n  stage: ${opt:stage, ${self:custom.stage}, 'dev'}\n  region: ${opt:region, 'eu-west-1'}\ncustom:\n  stage: qa\nx: arn:${self:provider.region}:${sls:stage}\ny: ${opt:nope, 'dev'}\nz: ${sls:instanceId}\n";
    let v = json(text);
    assert_eq!(v["provider"]["stage"], "qa");
    assert_eq!(v["provider"]["region"], "eu-west-1");
    assert_eq!(v["x"], "arn:eu-west-1:qa");
    assert_eq!(v["y"], "dev");
    assert_eq!(v["z"]["unknown"], true);
    let env = Env {
        options: [("stage".to_string(), "prod".to_string())].into(),
        ..Env::default()
    };
    let r = run(text, &env);
    assert_eq!(r.doc.to_json()["x"], "arn:eu-west-1:prod");
    // A value given on the command line is found where it is used.
    let stage = r.doc.get_path(&["provider", "stage"]).unwrap();
    assert_eq!(stage.span.start as usize, text.find("${opt:stage").unwrap());
}

#[test]
fn framework_defaults_and_whole_sections() {
    let text = "service: svc\nprovider: {name: aws}\ncustom:\n  env: {A: '1'}\nx: ${self:service}-${self:provider.stage}-${self:provider.region}\ne: ${self:custom.env}\ni: ${self:list.1}\nlist: [a, b]\n";
    let v = json(text);
    assert_eq!(v["x"], "svc-dev-us-east-1");
    assert_eq!(v["e"], serde_json::json!({"A": "1"}));
    assert_eq!(v["i"], "b");
}

#[test]
fn deploy_time_sources_are_unknown_and_env_is_opt_in() {
    let text = "a: ${ssm:/x/y}\nb: ${cf:stack.out}\nc: ${env:FG_TEST_VAR}\nd: ${aws:accountId}\ne: ${unknownsource:x}\nf: pre-${s3:b/k}\ng: ${env:FG_TEST_UNSET_VAR, 'd'}\nh: '${AWS::Region}-${Bucket.Arn}'\n";
    let v = json(text);
    for k in ["a", "b", "c", "d", "e", "f", "g"] {
        assert_eq!(v[k]["unknown"], true, "{k}: {v}");
    }
    assert_eq!(v["a"]["reason"], "${ssm:/x/y} is only known at deploy time");
    assert_eq!(v["h"], "${AWS::Region}-${Bucket.Arn}");
    std::env::set_var("FG_TEST_VAR", "from-env");
    let env = Env {
        resolve_env: true,
        ..Env::default()
    };
    let v = run(text, &env).doc.to_json();
    assert_eq!(v["c"], "from-env");
    assert_eq!(v["g"], "d");
}

/// Values the deployer gives from outside the service's files are supplied
/// (also inside a string, after a part that is not, and through
/// `${self:}`); the account, the Framework's own values and broken
/// references are not.
#[test]
fn deploy_time_sources_the_deployer_gives_are_supplied() {
    let text = "custom:\n  reader: ${param:reader}\n  missing: ${self:custom.nothing}\na: ${param:reader}\nb: ${ssm:/x/y}\nc: ${env:FG_TEST_VAR}\nd: ${opt:account}\ne: arn:aws:iam::${aws:accountId}:role/${param:role}\nf: ${self:custom.reader}\ng: ${cf:stack.out}\nh: ${self:custom.${opt:stage}}\ni: arn:aws:iam::${param:acct}:root\nj: ${aws:accountId}\nk: ${sls:instanceId}\nl: ${self:custom.nothing}\nm: arn:aws:iam::${aws:accountId}:root\nn: x-${self:custom.missing}\n";
    let v = json(text);
    for k in ["a", "b", "c", "d", "e", "f", "g", "h", "i"] {
        assert_eq!(v[k]["unknown"], true, "{k}: {v}");
        assert_eq!(v[k]["supplied"], true, "{k}: {}", v[k]);
    }
    // Named after what the deployer supplies.
    assert_eq!(
        v["e"]["reason"],
        "${param:role} is only known at deploy time"
    );
    for k in ["j", "k", "l", "m", "n"] {
        assert_eq!(v[k]["unknown"], true, "{k}: {v}");
        assert_eq!(v[k]["supplied"], serde_json::Value::Null, "{k}: {}", v[k]);
    }
}

/// A file outside the scanned directory, or JavaScript run at deploy time,
/// gives a value from outside the service's files; a file that does not
/// parse does not.
#[test]
fn files_from_outside_are_supplied() {
    let dir = tempfile::tempdir().unwrap();
    let svc = dir.path().join("svc");
    std::fs::create_dir(&svc).unwrap();
    std::fs::write(dir.path().join("outside.yml"), "x: 1\n").unwrap();
    std::fs::write(svc.join("c.js"), "module.exports = {}\n").unwrap();
    std::fs::write(svc.join("bad.json"), "{\n").unwrap();
    let text = "a: ${file(../outside.yml):x}\nb: ${file(./c.js):x}\nc: ${file(./bad.json):x}\n";
    let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
    let r = resolve(
        &doc,
        FileId(0),
        &svc.join("serverless.yml"),
        Some(text),
        &Env::default(),
    );
    let v = r.doc.to_json();
    assert_eq!(v["a"]["supplied"], true, "{v}");
    assert_eq!(v["b"]["supplied"], true, "{v}");
    assert_eq!(v["c"]["unknown"], true, "{v}");
    assert_eq!(v["c"]["supplied"], serde_json::Value::Null, "{v}");
}

#[test]
fn cycles_are_notes_not_hangs() {
    let text = "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n  whole: ${self:}\n  up: ${self:custom}\nok: ${self:custom.c, 'fallback'}\n";
    let r = run(text, &Env::default());
    let v = r.doc.to_json();
    assert_eq!(v["custom"]["a"]["unknown"], true);
    assert_eq!(v["custom"]["whole"]["unknown"], true);
    assert_eq!(v["custom"]["up"]["unknown"], true);
    assert_eq!(v["ok"], "fallback");
    assert!(
        r.notes.iter().any(|(m, _)| m
            == "variable cycle: ${self:custom.a} refers back to itself; the value is unknown"),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|(m, _)| m.contains("${self:}")),
        "{:?}",
        r.notes
    );
}

#[test]
fn long_chains_and_deep_fallbacks_are_bounded() {
    let mut text = String::from("custom:\n");
    for i in 0..200 {
        text.push_str(&format!("  v{i}: ${{self:custom.v{}}}\n", i + 1));
    }
    text.push_str("  v200: end\n");
    let r = run(&text, &Env::default());
    assert_eq!(r.doc.to_json()["custom"]["v0"]["unknown"], true);
    assert!(r
        .notes
        .iter()
        .any(|(m, _)| m.contains("more than 64 levels")));
    assert!(CHAIN_TOO_LONG.contains(&format!("more than {MAX_CHAIN} levels")));
    // The end of the chain is within reach.
    assert_eq!(r.doc.to_json()["custom"]["v195"], "end");

    let mut deep = String::from("x: '");
    for _ in 0..10_000 {
        deep.push_str("${opt:a, ");
    }
    deep.push('1');
    deep.push_str(&"}".repeat(10_000));
    deep.push_str("'\n");
    let r = run(&deep, &Env::default());
    assert_eq!(r.doc.to_json()["x"]["unknown"], true);
    assert_eq!(r.notes.len(), 1);
}

#[test]
fn exponential_expansion_is_cut_off() {
    let mut text = String::from("custom:\n  v0: [aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbb]\n");
    for i in 1..40 {
        text.push_str(&format!(
            "  v{i}: ['${{self:custom.v{0}}}', '${{self:custom.v{0}}}']\n",
            i - 1
        ));
    }
    let r = run(&text, &Env::default());
    assert!(
        r.notes.iter().any(|(m, _)| m.contains("expand")),
        "{:?}",
        r.notes
    );
    let mut s = String::from("custom:\n  v0: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    for i in 1..40 {
        s.push_str(&format!(
            "  v{i}: ${{self:custom.v{0}}}${{self:custom.v{0}}}\n",
            i - 1
        ));
    }
    let r = run(&s, &Env::default());
    assert_eq!(r.doc.to_json()["custom"]["v39"]["unknown"], true);
}

/// `custom.k0` lists `${self:custom.k1}` four times, `k1` lists `k2`
/// four times, ...: 4^levels values if every reference were copied.
fn fan_out(levels: usize) -> String {
    let mut text = String::from("custom:\n");
    for i in 0..levels {
        let r = format!("'${{self:custom.k{}}}'", i + 1);
        text.push_str(&format!("  k{i}: [{r}, {r}, {r}, {r}]\n"));
    }
    text.push_str(&format!(
        "  k{levels}: leaf\n  small: s\nafter: ${{self:custom.small}}\n"
    ));
    text
}

#[test]
fn fan_out_is_cut_off_as_it_grows_with_one_note_at_its_place() {
    let text = fan_out(30);
    let start = std::time::Instant::now();
    let r = run(&text, &Env::default());
    // Generous: the point is minutes and gigabytes before the fix.
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    let notes: Vec<(String, usize)> = r
        .notes
        .iter()
        .map(|(m, s)| (m.clone(), s.start as usize))
        .collect();
    // The first reference whose copy would not fit, named and placed.
    let line = "  k21: ['${self:custom.k22}', ";
    let at = text.find(line).unwrap() + line.len();
    assert_eq!(
        notes,
        vec![(
            format!(
                "${{self:custom.k22}} expands beyond what faasguard resolves (at most {MAX_NODES} values or 32 MiB copied by variables per file); it and any value that would exceed that are unknown"
            ),
            at
        )]
    );
    let v = r.doc.to_json();
    // The levels above the cut hold unknowns where copies did not fit.
    let top = v["custom"]["k0"].to_string();
    assert!(top.contains(&format!("\"reason\":\"{TOO_MUCH}\"")), "{top}");
    // Deep levels fit and stay resolved; so does the rest of the file.
    let leaves = serde_json::json!(["leaf", "leaf", "leaf", "leaf"]);
    assert_eq!(v["custom"]["k29"], leaves);
    assert_eq!(
        v["custom"]["k28"],
        serde_json::json!([leaves, leaves, leaves, leaves])
    );
    assert_eq!(v["after"], "s");
    // What the budget allowed was copied, no more.
    assert!(r.doc.count() <= 2 * MAX_NODES, "{}", r.doc.count());
}

#[test]
fn long_strings_are_bounded_by_bytes_not_only_values() {
    // Few values, each 200 KB: 16 copies of 16 copies is 51 MB.
    let big = "x".repeat(200_000);
    let r16 = |k: &str| vec![format!("'${{self:custom.{k}}}'"); 16].join(", ");
    let text = format!(
        "custom:\n  a: {big}\n  b: [{}]\n  c: [{}]\nafter: ${{self:custom.a}}\n",
        r16("a"),
        r16("b")
    );
    let r = run(&text, &Env::default());
    let v = r.doc.to_json();
    assert_eq!(v["custom"]["b"][15].as_str().map(str::len), Some(200_000));
    // `c` gets one copy of `b` (3.2 MB); the next would pass 32 MiB
    // counting every copy made, memo included.
    let c = v["custom"]["c"].as_array().unwrap();
    assert_eq!(c[0][15].as_str().map(str::len), Some(200_000));
    assert_eq!(c[15]["unknown"], true);
    let first_unknown = c.iter().position(|x| x["unknown"] == true).unwrap();
    let c_line = text.find("  c: [").unwrap() + "  c: [".len();
    let item = "'${self:custom.b}', ".len();
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    assert_eq!(
        r.notes[0].1.start as usize,
        c_line + first_unknown * item,
        "{first_unknown}"
    );
    assert!(r.notes[0].0.starts_with("${self:custom.b} expands beyond"));
}

#[test]
fn included_files_take_the_use_site_span() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.yml"),
        "timeout: 20\nnested:\n  stage: ${sls:stage}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("loop.yml"), "a: ${file(./loop.yml):a}\n").unwrap();
    let text = "a: ${file(./c.yml):timeout}\nb: ${file(./c.yml):nested}\nc: ${file(./missing.yml):x, 'fb'}\nd: ${file(./missing.yml)}\ne: ${file(./loop.yml):a}\n";
    let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
    let svc = dir.path().join("serverless.yml");
    let r = resolve(&doc, FileId(0), &svc, Some(text), &Env::default());
    let v = r.doc.to_json();
    assert_eq!(v["a"], 20);
    assert_eq!(v["b"], serde_json::json!({"stage": "dev"}));
    assert_eq!(v["c"], "fb");
    assert_eq!(v["d"]["unknown"], true);
    assert_eq!(v["e"]["unknown"], true);
    let a = r.doc.get("a").unwrap();
    assert_eq!(
        a.span.start as usize,
        text.find("${file(./c.yml):timeout}").unwrap()
    );
    assert!(r.via.is_empty());
    assert!(r.notes.iter().any(
        |(m, s)| m.contains("cycle") && s.start as usize == text.find("${file(./loop").unwrap()
    ));
}

#[test]
fn huge_strings_do_not_explode() {
    let big = "${x".repeat(200_000);
    let text = format!("a: '{big}'\nb: '{}'\n", "${self:a}".repeat(1000));
    let r = run(&text, &Env::default());
    assert_eq!(
        r.doc.get("a").and_then(Node::as_str).map(str::len),
        Some(big.len())
    );
}

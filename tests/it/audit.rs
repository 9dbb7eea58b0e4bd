//! Compliance audit reports (`--format markdown|html`, `faasguard report`):
//! snapshots on the `fixtures/audit` estate, which has passing, failing, not
//! applicable and manual controls and one suppressed finding; HTML that is
//! well formed and self-contained; reports from a saved JSON result equal to
//! reports from the scan itself.

use std::collections::BTreeSet;

use crate::cli::faasguard;
use crate::common;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = faasguard()
        .current_dir(common::root())
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

fn audit(format: &str, extra: &[&str]) -> String {
    audit_with_threads(format, "1", extra)
}

fn audit_with_threads(format: &str, threads: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "scan",
        "fixtures/audit",
        "--threads",
        threads,
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert_eq!(code, Some(1), "findings exit 1; stderr: {err}");
    out
}

/// Versions and the rule-set digest change with every release or policy
/// edit; the report around them is what the snapshots pin.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"faasguard \d+\.\d+\.\d+", "faasguard [version]"),
        (r"version \d+\.\d+\.\d+", "version [version]"),
        (r"digest [0-9a-f]{16}", "digest [digest]"),
        (r"(?s)<style>.*</style>", "<style>[css]</style>"),
    ]
}

#[test]
fn markdown_snapshot() {
    let md = audit("markdown", &[]);
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("audit_markdown", md);
    });
}

#[test]
fn html_snapshot() {
    let html = audit("html", &[]);
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("audit_html", html);
    });
}

/// The fixture estate shows every status, and the accepted risk with its reason.
#[test]
fn fixture_covers_every_status() {
    let md = audit("markdown", &[]);
    for mark in [
        "✅ Pass |",
        "❌ Fail |",
        "➖ Not applicable |",
        "📝 Manual |",
    ] {
        assert!(md.contains(mark), "no control row with {mark}");
    }
    // Residency is configured (.faasguard.toml) and the region is in the EU.
    assert!(md.contains("| ✅ Pass | **Art. 44** Transfers"), "{md}");
    // No custom domain in scope: SC-13 has nothing to apply to.
    assert!(
        md.contains("| ➖ Not applicable | **SC-13** Cryptographic Protection"),
        "{md}"
    );
    assert!(md.contains("SSE-S3 accepted by the CISO (RISK-42) | 2027-06-30 | comment"));
    // The estate ships no lockfile: the report says so, not "no database".
    assert!(md.contains("| `BillingFunction` | `python3.12` | `fixtures/audit/billing/template.json` | not checked (no lockfile found) |"));
    assert!(md.contains("| **Advisory database** | not checked (no lockfile found) |"));
}

/// The README's excerpt is real output (only its two bold captions are not).
#[test]
fn readme_excerpt_is_current() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme.find("<!-- audit:start -->").expect("start marker");
    let end = readme.find("<!-- audit:end -->").expect("end marker");
    let md = audit("markdown", &["--framework", "soc2,gdpr"]);
    for line in readme[start..end].lines().skip(1) {
        if line.is_empty() || line.starts_with("**SOC 2** (") || line == "**Accepted risks**" {
            continue;
        }
        assert!(
            md.lines().any(|l| l == line),
            "README excerpt is stale: {line}"
        );
    }
}

#[test]
fn frameworks_can_be_chosen() {
    let md = audit("markdown", &["--framework", "soc2,gdpr"]);
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## Summary",
            "## Scope",
            "## SOC 2",
            "## GDPR",
            "## Findings",
            "## Accepted risks",
            "## Dependency advisories",
            "## Rule set"
        ]
    );
    let (code, _, err) = run(&[
        "scan",
        "fixtures/audit",
        "--format",
        "html",
        "--framework",
        "sox",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown framework `sox`"), "{err}");
    assert!(err.contains("soc2"), "lists the known ones: {err}");
}

#[test]
fn users_add_their_own_framework() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("company.toml");
    std::fs::write(
        &good,
        r#"id = "acme"
name = "ACME cloud standard"
version = "2026.1"
[[controls]]
id = "ACME-7"
title = "No wildcard grants"
description = "Roles name their actions."
rules = ["FG-IAM-001", "FG-IAM-028"]
scope = ["policies"]
[[controls]]
id = "ACME-9"
title = "Quarterly access review"
manual = true
"#,
    )
    .unwrap();
    let md = audit(
        "markdown",
        &[
            "--framework",
            "soc2",
            "--framework-file",
            good.to_str().unwrap(),
        ],
    );
    assert!(md.contains("## ACME cloud standard"), "{md}");
    assert!(
        md.contains("| ❌ Fail | **ACME-7** No wildcard grants"),
        "{md}"
    );
    assert!(md.contains("| 📝 Manual | **ACME-9** Quarterly access review"));
    assert!(
        md.contains("ACME cloud standard ACME-7"),
        "cross-referenced from findings"
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "id = \"bad\"\nname = \"Bad\"\n[[controls]]\nid = \"B-1\"\ntitle = \"t\"\nrules = [\"FG-IAM-999\"]\nscope = [\"lambdas\"]\n",
    )
    .unwrap();
    let (code, _, err) = run(&[
        "scan",
        "fixtures/audit",
        "--format",
        "markdown",
        "--framework-file",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown scope `lambdas`"), "{err}");
    // Shape problems stop it before the scan; with a good shape, the
    // unknown rule is reported against the scan's rule set.
    std::fs::write(
        &bad,
        "id = \"bad\"\nname = \"Bad\"\n[[controls]]\nid = \"B-1\"\ntitle = \"t\"\nrules = [\"FG-IAM-999\"]\n",
    )
    .unwrap();
    let (code, _, err) = run(&[
        "scan",
        "fixtures/audit",
        "--format",
        "markdown",
        "--framework-file",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("names rule `FG-IAM-999`"), "{err}");
}

/// CI scans once and reports many times: `report --input` on the JSON
/// result gives the same bytes as the scan's own report.
#[test]
fn report_from_saved_json_matches_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scan.json");
    let (code, _, _) = run(&[
        "scan",
        "fixtures/audit",
        "--threads",
        "1",
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    for format in ["markdown", "html"] {
        let (code, from_json, err) = run(&[
            "report",
            "--input",
            json.to_str().unwrap(),
            "--format",
            format,
        ]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(from_json, audit(format, &[]), "{format}");
    }
    // A later report differs from the scan's own in its date line alone.
    for format in ["markdown", "html"] {
        let later = faasguard()
            .current_dir(common::root())
            .env("FAASGUARD_TODAY", "2027-01-15")
            .args([
                "report",
                "--input",
                json.to_str().unwrap(),
                "--format",
                format,
            ])
            .output()
            .unwrap();
        let later = String::from_utf8(later.stdout).unwrap();
        let now = audit(format, &[]);
        let changed: Vec<&str> = later
            .lines()
            .zip(now.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a)
            .collect();
        assert_eq!(later.lines().count(), now.lines().count());
        assert_eq!(changed.len(), 1, "{format}: {changed:#?}");
        assert!(
            changed[0].contains("2027-01-15 (scanned 2026-11-23)"),
            "{}",
            changed[0]
        );
    }
    let out = dir.path().join("gdpr.html");
    let (code, _, err) = run(&[
        "report",
        "-i",
        json.to_str().unwrap(),
        "-f",
        "html",
        "--framework",
        "gdpr",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let html = std::fs::read_to_string(out).unwrap();
    assert!(html.contains(">GDPR</h2>") && !html.contains(">SOC 2</h2>"));

    let (code, _, err) = run(&["report", "--input", "Cargo.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("not a faasguard JSON report"), "{err}");
}

#[test]
fn same_report_at_any_thread_count() {
    for format in ["markdown", "html"] {
        assert_eq!(
            audit(format, &[]),
            audit_with_threads(format, "2", &[]),
            "{format}"
        );
    }
}

/// A result written by an older faasguard (no scope, rule set or
/// configuration) still makes a report, which says what it lacks.
#[test]
fn older_results_still_report() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("old.json");
    let (_, text, _) = run(&["scan", "fixtures/demo", "--format", "json"]);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for k in ["scope", "rule_set", "config", "suppressed"] {
        v.as_object_mut().unwrap().remove(k);
    }
    std::fs::write(&json, v.to_string()).unwrap();
    let (code, md, err) = run(&["report", "--input", json.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(md.contains("does not record its scope"), "{md}");
    assert!(!md.contains("| ➖ Not applicable |"));
    // Residency without a recorded configuration is not claimed as a pass.
    assert!(md.contains("| 📝 Manual | **Art. 44**"), "{md}");
}

/// Values from templates and reports are data, never markup.
#[test]
fn hostile_values_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scan.json");
    let (_, text, _) = run(&[
        "scan",
        "fixtures/audit",
        "--format",
        "json",
        "--threads",
        "1",
    ]);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let evil =
        "<img src=x onerror=alert(1)> | **bold** [link](https://evil.example) `tick` & \"q\"";
    v["findings"][0]["message"] = evil.into();
    v["findings"][0]["resource"] = "</code><script>alert(2)</script>".into();
    v["scope"]["functions"][0]["id"] = "Fn`|<b>".into();
    std::fs::write(&json, v.to_string()).unwrap();
    let (_, html, _) = run(&["report", "-i", json.to_str().unwrap(), "-f", "html"]);
    assert!(!html.contains("<img") && !html.contains("<script"));
    assert!(html.contains("<code>Fn`|&lt;b&gt;</code>"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; | **bold**"));
    assert_well_formed(&html);
    let (_, md, _) = run(&["report", "-i", json.to_str().unwrap(), "-f", "markdown"]);
    // Markdown text is backslash-escaped; code spans are literal by design.
    assert!(md.contains("`</code><script>alert(2)</script>`"), "{md}");
    assert!(md.contains(r"\<img src=x onerror=alert(1)\> \| \*\*bold\*\* \[link\](https://evil.example) \`tick\` &amp; "));
    // A code span that holds backticks and pipes stays one cell.
    assert!(md.contains(r"| ``Fn`\|<b>`` |"), "{md}");
}

#[test]
fn html_is_well_formed_and_self_contained() {
    let html = audit("html", &[]);
    assert_well_formed(&html);
    assert_self_contained(&html);
}

/// Tags nest and close (void elements excepted), attributes are quoted,
/// entities are the five we write, ids are unique and every in-page link
/// has a target.
fn assert_well_formed(html: &str) {
    const VOID: &[&str] = &["meta", "input", "br", "hr", "img", "link", "wbr"];
    assert!(html.starts_with("<!DOCTYPE html>"));
    let mut stack: Vec<String> = Vec::new();
    let mut ids = BTreeSet::new();
    let mut links = Vec::new();
    let mut rest = html;
    let mut text_parts = Vec::new();
    while let Some(i) = rest.find('<') {
        text_parts.push(&rest[..i]);
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("tag closes");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "<{open}> closed by </{name}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().unwrap_or("").to_string();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "bad tag <{tag}>"
        );
        for (attr, value) in attributes(&tag[name.len()..]) {
            if attr == "id" {
                assert!(ids.insert(value.clone()), "duplicate id {value}");
            }
            if attr == "href" {
                links.push(value);
            }
        }
        if name == "style" || name == "script" {
            // Raw text up to the closing tag.
            let close = format!("</{name}>");
            let end = rest.find(&close).expect("raw text element closes");
            rest = &rest[end + close.len()..];
            continue;
        }
        if !self_closing && !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    text_parts.push(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    for text in text_parts {
        let mut t = text;
        while let Some(i) = t.find('&') {
            t = &t[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| t.starts_with(e)),
                "bare & in {:?}",
                &t[..t.len().min(30)]
            );
            t = &t[1..];
        }
    }
    for l in links {
        if let Some(target) = l.strip_prefix('#') {
            assert!(ids.contains(target), "link to missing #{target}");
        }
    }
}

/// `name="value"` pairs of a tag; panics on an unquoted value.
fn attributes(mut s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return out;
        }
        let name_end = s
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(s.len());
        let name = s[..name_end].to_string();
        s = &s[name_end..];
        if let Some(after) = s.strip_prefix('=') {
            let after = after
                .strip_prefix('"')
                .unwrap_or_else(|| panic!("unquoted value of {name}: {after}"));
            let close = after.find('"').expect("value closes");
            assert!(!after[..close].contains('<'), "< in attribute {name}");
            out.push((name, after[..close].to_string()));
            s = &after[close + 1..];
        } else {
            out.push((name, String::new()));
        }
    }
}

/// Nothing is fetched: no script, stylesheet, image, frame or font from
/// anywhere, no CSS `url()` or `@import`. Links to framework publications
/// (`<a href="https://...">`) are navigation, not loads, and are allowed.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for banned in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "<video",
        "<audio",
        "<source",
        "@import",
        "url(",
        " src=",
        "srcset=",
        "@font-face",
    ] {
        assert!(!lower.contains(banned), "contains {banned}");
    }
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("href=\"") {
        let before = &rest[..i];
        let tag_start = before.rfind('<').unwrap();
        assert!(before[tag_start..].starts_with("<a "), "href outside <a>");
        rest = &rest[i + 6..];
        let value = &rest[..rest.find('"').unwrap()];
        assert!(
            value.starts_with('#') || value.starts_with("https://"),
            "href to {value}"
        );
    }
}

/// `fixtures/deps` against its pinned advisory database (copies of the real
/// OSV records for pyjwt and flask, fetched 2025-06-01 by its manifest).
fn deps_report(format: &str, threads: &str) -> String {
    let (code, out, err) = run(&[
        "scan",
        "fixtures/deps",
        "--advisory-db",
        "fixtures/deps/advisory-db",
        "--threads",
        threads,
        "--format",
        format,
    ]);
    assert_eq!(code, Some(1), "vulnerable packages exit 1; stderr: {err}");
    out
}

#[test]
fn markdown_lists_each_vulnerable_package_with_its_line() {
    let md = deps_report("markdown", "1");
    assert!(
        md.contains(
            "| **Advisory database** | fixtures/deps/advisory-db (offline), fetched 2025-06-01, \
             540 days old at the scan |"
        ),
        "{md}"
    );
    assert!(md.contains(
        "| `pyjwt` | `1.6.4` | PyPI | [PYSEC-2022-202](https://osv.dev/vulnerability/PYSEC-2022-202) \
         (CVE-2022-29217, GHSA-ffqj-6fqr-9h24)<br><sub>PyJWT is a Python implementation of RFC \
         7519.</sub> | medium | 2.4.0 | `ApiFunction` | `fixtures/deps/app/requirements.txt:3` |"
    ), "{md}");
    assert!(md.contains("| `flask` | `1.1.4` | PyPI | [PYSEC-2023-62]"));
    assert!(md.contains(
        "| Fetched at | 2025-06-01T00:00:00Z (540 days before the scan on 2026-11-23) |"
    ));
    assert!(md.contains("| Locked packages | 3 |"));
    assert!(md.contains(
        "| `ApiFunction` | `python3.12` | `fixtures/deps/template.yaml` | `PYSEC-2022-202` `PYSEC-2023-62` |"
    ));
    // The dependency rules fail the vulnerability-management controls.
    for control in [
        "| ❌ Fail | **CC7.1** Detection of vulnerable components",
        "| ❌ Fail | **6.3.3** Components are protected from known vulnerabilities",
        "| ❌ Fail | **164.308(a)(1)(ii)(B)** Risk management",
        "| ❌ Fail | **A.8.8** Management of technical vulnerabilities",
        "| ❌ Fail | **RA-5** Vulnerability Monitoring and Scanning",
        "| ❌ Fail | **SI-2** Flaw Remediation",
    ] {
        assert!(md.contains(control), "{control}");
    }
    let section = md
        .split("## Dependency advisories")
        .nth(1)
        .and_then(|s| s.split("## Rule set").next())
        .expect("the section");
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("audit_deps_markdown_section", section);
    });
}

#[test]
fn html_lists_each_vulnerable_package_with_its_line() {
    let html = deps_report("html", "1");
    assert_well_formed(&html);
    assert_self_contained(&html);
    assert!(html.contains(
        "<tr class=\"f sev-medium\"><td><code>pyjwt</code></td><td><code>1.6.4</code></td><td>PyPI</td>\
         <td><a href=\"https://osv.dev/vulnerability/PYSEC-2022-202\" rel=\"noreferrer\"><code class=\"rid\">PYSEC-2022-202</code></a>\
         <div class=\"sub\">CVE-2022-29217, GHSA-ffqj-6fqr-9h24</div><div>PyJWT is a Python implementation of RFC 7519.</div></td>\
         <td><span class=\"sev medium\">medium</span></td><td>2.4.0</td><td><code>ApiFunction</code></td>\
         <td class=\"where\"><code>fixtures/deps/app/requirements.txt:3</code></td></tr>"
    ), "{html}");
    assert!(html.contains(
        "<div><dt>Advisory database</dt><dd>fixtures/deps/advisory-db (offline), fetched 2025-06-01, 540 days old at the scan</dd></div>"
    ));
    assert_eq!(
        html,
        deps_report("html", "2"),
        "same report at any thread count"
    );
}

/// The JSON report carries the facts the audit report is made from, and a
/// report made later from it is the same report.
#[test]
fn json_carries_dependency_facts() {
    let text = deps_report("json", "1");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let jwt = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == "pyjwt@1.6.4")
        .expect("pyjwt finding");
    assert_eq!(jwt["rule_id"], "FG-DEP-001");
    assert_eq!(jwt["start"]["line"], 3);
    assert_eq!(
        jwt["dependency"],
        serde_json::json!({
            "advisory": "PYSEC-2022-202",
            "aliases": ["CVE-2022-29217", "GHSA-ffqj-6fqr-9h24"],
            "summary": "PyJWT is a Python implementation of RFC 7519.",
            "url": "https://osv.dev/vulnerability/PYSEC-2022-202",
            "cvss": null,
            "informational": null,
            "ecosystem": "PyPI",
            "package": "pyjwt",
            "version": "1.6.4",
            "fixed": ["2.4.0"],
            "functions": ["ApiFunction"],
            "dev": false
        })
    );
    assert_eq!(v["dependencies"]["checked"], true);
    assert_eq!(v["dependencies"]["mode"], "offline");
    assert_eq!(v["dependencies"]["fetched_at"], "2025-06-01T00:00:00Z");
    assert_eq!(v["dependencies"]["vulnerable"], 2);

    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("scan.json");
    std::fs::write(&json, &text).unwrap();
    for format in ["markdown", "html"] {
        let (code, later, err) = run(&["report", "-i", json.to_str().unwrap(), "-f", format]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(later, deps_report(format, "1"), "{format}");
    }
}

/// Without a database the report says exactly why, and the controls that
/// rest on the dependency rules are not claimed as passed.
#[test]
fn unchecked_dependencies_say_why() {
    let cache = tempfile::tempdir().unwrap();
    let out = faasguard()
        .current_dir(common::root())
        // No `faasguard db update` cache to fall back on.
        .env("XDG_CACHE_HOME", cache.path())
        .env("HOME", cache.path())
        .args(["scan", "fixtures/deps", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("| **Advisory database** | not checked (no advisory database) |"),
        "{md}"
    );
    assert!(md.contains(
        "Not checked: the scan had no advisory database, so the 3 locked packages in 1 lockfile \
         were not matched against known vulnerabilities. Run `faasguard db update`, pass \
         `--advisory-db DIR`, or scan with `--online`."
    ), "{md}");
    assert!(md.contains(
        "| `ApiFunction` | `python3.12` | `fixtures/deps/template.yaml` | not checked (no advisory database) |"
    ));
    assert!(
        md.contains("| 📝 Manual | **164.308(a)(1)(ii)(B)** Risk management"),
        "{md}"
    );
    assert!(md.contains("~~`FG-DEP-001`~~"));
    assert!(md.contains("FG-DEP-001 not evaluated: no advisory database"));
}

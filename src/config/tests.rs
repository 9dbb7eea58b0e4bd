use super::*;

#[test]
fn errors_escape_what_the_file_wrote() {
    let text = "\"x\\u001b]8;;evil\\u0007\" = 1\nfail_on = \"\\u001b\"\n";
    let err = parse("repo/.faasguard.toml", text).expect_err("unknown key");
    let messages: Vec<&str> = err.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages[0].starts_with(
            "repo/.faasguard.toml:1: unknown field `x\\u{1b}]8;;evil\\u{7}`, expected one of"
        ),
        "{messages:?}"
    );
    assert!(
        messages.iter().all(|m| !m.contains('\u{1b}')),
        "{messages:?}"
    );
}

#[test]
fn reads_settings() {
    let c = parse(
        "c",
        "fail_on = \"high\"\n[residency]\nallowed_regions = [\"eu\"]\n",
    )
    .unwrap();
    assert_eq!(c.fail_on, Some(Severity::High));
    assert_eq!(c.residency.allowed_regions, vec!["eu".to_string()]);
}

#[test]
fn inline_suppressions_switch() {
    let c = parse("c", "allow_inline_suppressions = false\n").unwrap();
    assert_eq!(c.allow_inline_suppressions, Some(false));
    assert_eq!(parse("c", "").unwrap().allow_inline_suppressions, None);
    let e = parse("c", "allow_inline_suppressions = \"no\"\n").unwrap_err();
    assert_eq!(e.problems[0].span.unwrap().offset(), 28);
}

#[test]
fn unknown_keys_point_at_their_line() {
    let e = parse("c", "fail_on = \"high\"\nfial_on = 1\n").unwrap_err();
    let p = &e.problems[0];
    assert!(p.message.contains("unknown field"), "{}", p.message);
    assert!(p.message.starts_with("c:2:"), "{}", p.message);
    assert_eq!(p.span.unwrap().offset(), 17);
}

#[test]
fn every_problem_is_reported() {
    let text = "fail_on = \"urgent\"\nthreads = \"x\"\n[rules]\ndisable = [\"FG-OBS-1\", \"OBS\"]\nenabel = []\n[rules.severity]\n\"FG-TMO-005\" = \"medium\"\n\"FG-TMO-006\" = \"huge\"\n[advisories]\nmax_age_days = -1\n";
    let e = parse("c", text).unwrap_err();
    let lines: Vec<&str> = e
        .problems
        .iter()
        .map(|p| p.message.split(':').nth(1).unwrap())
        .collect();
    assert_eq!(lines, ["1", "2", "4", "5", "8", "10"], "{e:?}");
}

#[test]
fn limits_are_seconds() {
    let c = parse("c", "[limits]\nrule_timeout = 2\nfile_timeout = 0.5\n").unwrap();
    assert_eq!(
        c.limits,
        Limits {
            rule_timeout: Some(2.0),
            file_timeout: Some(0.5)
        }
    );
    let e = parse(
        "c",
        "[limits]\nrule_timeout = -1\nfile_timeout = \"10s\"\nwall = 3\n",
    )
    .unwrap_err();
    let messages: Vec<&str> = e.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "c:2: invalid value for `rule_timeout`: -1 is not a number of seconds (0: no limit)",
            "c:3: invalid type for `file_timeout`: expected a number of seconds, found string",
            "c:4: unknown field `wall` in [limits], expected one of `rule_timeout`, `file_timeout`",
        ],
        "{e:?}"
    );
}

#[test]
fn bad_excludes_point_at_their_glob() {
    let e = parse("c", "exclude = [\"ok/**\",\n  \"!neg\"]\n").unwrap_err();
    assert_eq!(e.problems.len(), 1);
    assert!(e.problems[0].message.starts_with("c:2:"), "{e:?}");
}

#[test]
fn rule_selection() {
    let c = parse(
        "c",
        "[rules]\ndisable = [\"OBS\"]\nenable = [\"FG-OBS-001\", \"IAM\"]\n[rules.severity]\n\"FG-IAM-001\" = \"low\"\n",
    )
    .unwrap();
    let s = c.rules.selection();
    assert!(s.enabled("FG-IAM-002", "IAM"));
    assert!(!s.enabled("FG-OBS-001", "OBS"));
    assert!(!s.enabled("FG-ENC-001", "ENC"));
    assert_eq!(s.severity("FG-IAM-001", Severity::High), Severity::Low);
}

#[test]
fn the_starter_config_is_valid() {
    parse("starter", STARTER).unwrap();
}

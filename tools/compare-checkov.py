#!/usr/bin/env python3
"""Compare faasguard with Checkov on the real-repository proxy corpus (issue #16).

The corpus is `tests/data/real-proxy/<owner>__<repo>/<path>`: whole files from public
repositories (`SOURCES.md` there). Checkov's verdicts on it are committed, trimmed to
check id, file, resource and result, in `tests/data/real-proxy/checkov.json`, so the
comparison runs without Checkov; `--record` runs Checkov again and rewrites them.

A Checkov check counts when `rules/coverage.toml` maps it to a faasguard rule (a
`[[concept]]`, or an `[[outside]]` entry for a check outside the catalogue, with `rule =`,
and the rules it names in `also =`; entries left out with a `reason` do not count). For every
(file, resource, check) that Checkov FAILS, faasguard must report one of the mapped
rules on that resource, or list it as undecided (an `unknowns` entry: the value it
hinged on cannot be known); for every one Checkov PASSES, faasguard must be quiet.
"On that resource" means the resource itself or one linked to it in faasguard's model,
at most two links away (a policy and the role it is attached to, a function and its
role, a Terraform `aws_iam_policy_document` and the policy built from it; two policies
of one role are not linked), as `tests/it/labelled.rs` reads KICS' labels; where the
finding's lines are does not count. A finding on a resource Checkov fails by name is
not noise on a linked resource the same check passes. Terraform resources are matched
within their module (directory), templates within their file.

Cases faasguard disagrees with are listed, each with its reason, in
`tests/data/real-proxy/disagreements.toml` (`[[positive]]`: a Checkov failure faasguard
does not report; `[[negative]]`: a Checkov pass faasguard reports); the figures are
printed raw and with them set apart. `tests/it/real_proxy.rs` asserts the same.

Usage (from the repository root; Python 3.11 or later, standard library only):
    tools/compare-checkov.py                 # compare with the committed verdicts
    tools/compare-checkov.py --list          # ... and list the cases set apart as well
    tools/compare-checkov.py --record        # re-run Checkov, rewrite checkov.json
Options: --faasguard BIN (target/debug/faasguard), --checkov BIN (/tmp/ckv/bin/checkov),
         --corpus DIR (tests/data/real-proxy). faasguard scans with FAASGUARD_TODAY=2026-11-23
         (the integration tests' date) unless the environment sets another.
Checkov is run as `checkov -d DIR -o json --compact` once per top-level directory
(`--quiet` is not passed: it drops the passed checks from the JSON).
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def record(checkov, corpus):
    """Run Checkov per top-level directory and write the trimmed verdicts."""
    out = []
    for d in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, d)
        if not os.path.isdir(path):
            continue
        run = subprocess.run(
            [checkov, "-d", path, "-o", "json", "--compact"],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            reports = json.loads(run.stdout)
        except json.JSONDecodeError:
            sys.exit(f"checkov gave no JSON for {d}: {run.stderr[-400:]}")
        for rep in reports if isinstance(reports, list) else [reports]:
            if not isinstance(rep, dict) or "results" not in rep:
                continue
            for kind, result in (("failed_checks", "FAILED"), ("passed_checks", "PASSED")):
                for c in rep["results"].get(kind, []):
                    f = os.path.abspath(c.get("file_abs_path") or "")
                    out.append(
                        {
                            "check_id": c["check_id"],
                            "file": os.path.relpath(f, corpus),
                            "resource": c["resource"],
                            "result": result,
                        }
                    )
    out.sort(key=lambda v: (v["file"], v["resource"], v["check_id"], v["result"]))
    with open(os.path.join(corpus, "checkov.json"), "w", encoding="utf-8") as fh:
        fh.write("[\n")
        fh.write(",\n".join(json.dumps(v) for v in out))
        fh.write("\n]\n")
    print(f"{len(out)} verdicts written")


def rule_map():
    """Checkov check id -> the faasguard rules that answer it."""
    with open(os.path.join(ROOT, "rules/coverage.toml"), "rb") as fh:
        cov = tomllib.load(fh)
    m = collections.defaultdict(set)
    for c in cov.get("concept", []) + cov.get("outside", []):
        if "rule" in c:
            for cid in c.get("checkov", []):
                m[cid].add(c["rule"])
                m[cid].update(c.get("also", []))
    return m


def is_tf(path):
    return path.endswith(".tf") or path.endswith(".tf.json")


def scope(path):
    """Where a resource name is unique: a Terraform module's directory, else the file."""
    return os.path.dirname(path) if is_tf(path) else path


def checkov_name(resource):
    """`AWS::SNS::Topic.MyTopic` -> `MyTopic`; a Terraform address or a serverless
    function name stays as it is."""
    if "::" in resource:
        return resource.rsplit(".", 1)[-1]
    return resource


def item_name(resource):
    """faasguard's item id -> the source resource (`data.` dropped, as Checkov names
    data sources without it)."""
    head = (resource or "").split("/")[0]
    return head[5:] if head.startswith("data.") else head


def links_of(faasguard, unit):
    """Linked item pairs of one scan unit (a file, or a Terraform module directory),
    and the items that are policies."""
    run = subprocess.run(
        [faasguard, "model", unit], capture_output=True, text=True, check=False
    )
    pairs = set()
    try:
        model = json.loads(run.stdout)
    except json.JSONDecodeError:
        return pairs, set()

    def link(a, b):
        if a and b:
            a, b = item_name(a), item_name(b)
            pairs.add((a, b))
            pairs.add((b, a))

    for p in model.get("policies", []):
        for owner in p.get("attached_to") or []:
            if isinstance(owner, str):
                link(p.get("id"), owner)
    for f in model.get("functions", []):
        if isinstance(f.get("role"), str):
            link(f.get("id"), f["role"])
    policies = {item_name(p.get("id")) for p in model.get("policies", [])}
    for document, policy in documents(unit):
        link(document, policy)
    return pairs, policies


DOC_REF = re.compile(r"data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)")
BLOCK = re.compile(r'^(resource|data)\s+"([^"]+)"\s+"([^"]+)"')


def documents(unit):
    """A Terraform unit's `aws_iam_policy_document` data sources and the resources whose
    `policy` is built from them (Checkov names the document, faasguard the policy); a
    document used as `assume_role_policy` is not linked to the role."""
    out = []
    if not os.path.isdir(unit):
        return out
    for f in sorted(os.listdir(unit)):
        if not f.endswith(".tf"):
            continue
        with open(os.path.join(unit, f), encoding="utf-8", errors="replace") as fh:
            address = None
            for line in fh:
                m = BLOCK.match(line)
                if m:
                    address = None if m.group(1) == "data" else f"{m.group(2)}.{m.group(3)}"
                    continue
                if line.startswith("}"):
                    address = None
                    continue
                stripped = line.lstrip()
                ref = DOC_REF.search(stripped)
                if address and ref and (stripped.startswith("policy ") or stripped.startswith("policy=")):
                    out.append((f"aws_iam_policy_document.{ref.group(1)}", address))
    return out


def linked(links, a, b):
    """`a` is `b`, or one link away, or two (a function, its role, the role's policy);
    two policies of one role are not linked (Checkov judges each on its own)."""
    pairs, policies = links
    if a == b or (a, b) in pairs:
        return True
    if a in policies and b in policies:
        return False
    return any(x == a and (mid, b) in pairs for (x, mid) in pairs)


def compare(args):
    corpus = os.path.abspath(args.corpus)
    with open(os.path.join(corpus, "checkov.json"), encoding="utf-8") as fh:
        verdicts = json.load(fh)
    dis_path = os.path.join(corpus, "disagreements.toml")
    disagree = {"positive": [], "negative": []}
    if os.path.exists(dis_path):
        with open(dis_path, "rb") as fh:
            disagree.update(tomllib.load(fh))
    dkey = lambda d: (d["check"], d["file"], d["resource"])  # noqa: E731
    dpos = {dkey(d): d["reason"] for d in disagree.get("positive", [])}
    dneg = {dkey(d): d["reason"] for d in disagree.get("negative", [])}

    rules = rule_map()
    # The date the integration tests scan on, so deprecated runtimes agree.
    env = dict(os.environ, FAASGUARD_TODAY=os.environ.get("FAASGUARD_TODAY", "2026-11-23"))
    run = subprocess.run(
        [args.faasguard, "scan", corpus, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    report = json.loads(run.stdout)
    # (scope, item) -> rules reported there (findings), and undecided there (unknowns)
    # kind -> [(scope, item, file, line, rule)]
    reported = {"findings": [], "unknowns": []}
    for kind, bucket in reported.items():
        for f in report.get(kind, []):
            rel = os.path.relpath(os.path.abspath(f["file"]), corpus)
            bucket.append((scope(rel), item_name(f.get("resource")), f["rule_id"]))

    units = sorted({scope(v["file"]) for v in verdicts if v["check_id"] in rules})
    pairs = {u: links_of(args.faasguard, os.path.join(corpus, u)) for u in units}

    # The resources Checkov fails by name, per check and unit: a finding there is
    # that failure's, not noise on a linked resource the same check passes.
    failed = {
        (v["check_id"], scope(v["file"]), checkov_name(v["resource"]))
        for v in verdicts
        if v["result"] == "FAILED"
    }

    def hit(kind, file, name, want, check=None):
        unit = scope(file)
        return sorted(
            {
                r
                for (u, item, r) in reported[kind]
                if r in want
                and u == unit
                and linked(pairs[unit], name, item)
                and not (check and item != name and (check, unit, item) in failed)
            }
        )

    t = collections.Counter()
    misses, noise, dis_hits = [], [], []
    seen = set()
    for v in verdicts:
        want = rules.get(v["check_id"])
        if not want:
            t["unmapped"] += 1
            continue
        key = (v["check_id"], v["file"], v["resource"])
        if (key, v["result"]) in seen:
            continue
        seen.add((key, v["result"]))
        name = checkov_name(v["resource"])
        passed = v["result"] != "FAILED"
        got = hit("findings", v["file"], name, want, v["check_id"] if passed else None)
        if v["result"] == "FAILED":
            t["positives"] += 1
            if got:
                t["caught"] += 1
            elif hit("unknowns", v["file"], name, want):
                t["caught"] += 1
                t["undecided"] += 1
            elif key in dpos:
                t["disagreed_pos"] += 1
                dis_hits.append(key)
            else:
                misses.append((key, sorted(want)))
        else:
            t["negatives"] += 1
            if not got:
                t["quiet"] += 1
            elif key in dneg:
                t["disagreed_neg"] += 1
                dis_hits.append(key)
            else:
                noise.append((key, got))

    def pct(a, b):
        return 100.0 * a / b if b else 100.0

    p, n = t["positives"], t["negatives"]
    print(f"verdicts: {len(verdicts)}; on checks mapped to a rule: {p + n} "
          f"({p} failing, {n} passing); unmapped: {t['unmapped']}")
    print(f"caught in the right resource: {t['caught']}/{p} = {pct(t['caught'], p):.1f}% "
          f"(of them undecided: {t['undecided']})")
    print(f"passing resources quiet:      {t['quiet']}/{n} = {pct(t['quiet'], n):.1f}%")
    pj, nj = p - t["disagreed_pos"], n - t["disagreed_neg"]
    print(f"with {t['disagreed_pos']} failing and {t['disagreed_neg']} passing verdicts set "
          f"apart (disagreements.toml): caught {pct(t['caught'], pj):.1f}%, "
          f"quiet {pct(t['quiet'], nj):.1f}%")
    stale = (set(dpos) | set(dneg)) - set(dis_hits)
    if args.list:
        for key in dis_hits:
            print("SET APART", *key, "--", dpos.get(key) or dneg.get(key))
    if misses or noise or stale:
        for key, want in misses:
            print("MISS ", *key, "wants", ",".join(want))
        for key, got in noise:
            print("NOISE", *key, "got", ",".join(got))
        for key in sorted(stale):
            print("STALE", *key, "(listed in disagreements.toml, no longer disagrees)")
    return 1 if (misses or noise or stale) else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--faasguard", default=os.path.join(ROOT, "target/debug/faasguard"))
    ap.add_argument("--checkov", default="/tmp/ckv/bin/checkov")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "tests/data/real-proxy"))
    args = ap.parse_args()
    if args.record:
        record(args.checkov, os.path.abspath(args.corpus))
        return 0
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())

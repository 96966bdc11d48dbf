#!/usr/bin/env python3
"""Ecosystem check: keylint on pinned public LLM repositories, scored against verdicts.

    scripts/ecosystem.py MIRRORS OUT [--bin PATH] [--only NAME ...] [--timeout S]
                         [--skeleton FILE] [--markdown]

MIRRORS holds snapshot git directories, found as MIRRORS/<owner>+<repo>/repo (the layout of the
snapshot tool), MIRRORS/<owner>+<repo>, MIRRORS/<owner>__<repo>[.git]. For every repository in
ecosystem/repos.toml the pinned commit is written to OUT/<owner>__<repo> as a git repository whose
index is the pinned commit's tree, so "tracked" means what it meant upstream (skipped when already
written at that commit). Nothing from the repository is run: no hooks, no LFS or other filters,
no submodules. keylint then lints each tree (`--format json --fail-on never`, one timeout per
repository); reports are kept in OUT/_reports/. The findings are compared with
ecosystem/verdicts.toml, matched by (repo, rule, path, fingerprint) with the line as a hint.

Needs the mirrors, so it is not part of CI. Python 3.11 standard library only.
Never copy a key value into verdicts.toml: describe, don't quote.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPOS = ROOT / "ecosystem" / "repos.toml"
VERDICTS = ROOT / "ecosystem" / "verdicts.toml"
VERDICT_VALUES = ("true", "false", "noise")
SEVERITIES = ("error", "warning", "info")
MARKER = "keylint-ecosystem-pinned"

# Nothing configured by the repository may run while its tree is written.
SAFE_GIT = [
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "filter.lfs.smudge=",
    "-c", "filter.lfs.process=",
    "-c", "filter.lfs.required=false",
    "-c", "protocol.file.allow=always",
    "-c", "submodule.recurse=false",
    "-c", "advice.detachedHead=false",
    "-c", "init.defaultBranch=pinned",
    "-c", "user.name=keylint-ecosystem",
    "-c", "user.email=ecosystem@keylint.invalid",
]


def git(*args: str, cwd: Path | None = None, git_dir: Path | None = None,
        check: bool = True, input: bytes | None = None) -> subprocess.CompletedProcess:
    cmd = ["git", *SAFE_GIT]
    if git_dir is not None:
        cmd += ["--git-dir", str(git_dir)]
    cmd += list(args)
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_LFS_SKIP_SMUDGE="1",
               GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(cmd, cwd=cwd, check=check, input=input, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def slug(name: str) -> str:
    return name.replace("/", "__")


def find_mirror(mirrors: Path, name: str) -> Path | None:
    owner_repo = name.replace("/", "+")
    for cand in (mirrors / owner_repo / "repo", mirrors / owner_repo,
                 mirrors / slug(name), mirrors / (slug(name) + ".git")):
        if cand.is_dir() and (cand / "objects").is_dir():
            return cand
    return None


def write_tree(mirror: Path, commit: str, dest: Path) -> str:
    """Write the pinned commit of `mirror` into `dest` as a git repository. Returns how."""
    marker = dest / ".git" / MARKER
    if marker.is_file() and marker.read_text().split()[0] == commit:
        return "present"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    git("init", "-q", str(dest))
    how = "fetch"
    fetched = git("fetch", "-q", "--depth", "1", "--no-tags", "--no-recurse-submodules",
                  str(mirror), commit, cwd=dest, check=False)
    if fetched.returncode == 0:
        git("checkout", "-q", "--detach", "FETCH_HEAD", cwd=dest)
    else:
        # The snapshot lacks some blobs (files of 4 MiB and more, LFS content): build the
        # commit's index from the mirror's objects, drop the entries whose blob is absent,
        # and check out the rest. Those files are over keylint's size cap anyway.
        how = "pruned"
        alternates = dest / ".git" / "objects" / "info" / "alternates"
        alternates.write_text(str((mirror / "objects").resolve()) + "\n")
        git("read-tree", commit, cwd=dest)
        staged = git("ls-files", "-s", "-z", cwd=dest).stdout.split(b"\0")
        entries = [e.split(b"\t", 1) for e in staged if e]
        objs = b"\n".join(meta.split()[1] for meta, _ in entries) + b"\n"
        check = git("cat-file", "--batch-check", cwd=dest, input=objs).stdout.splitlines()
        missing = [path for (meta, path), line in zip(entries, check)
                   if line.endswith(b" missing") and not meta.startswith(b"160000")]
        if missing:
            git("update-index", "--force-remove", "-z", "--stdin", cwd=dest,
                input=b"\0".join(missing) + b"\0")
        tree = git("write-tree", cwd=dest).stdout.decode().strip()
        msg = f"pinned {commit} ({len(missing)} absent blobs dropped)".encode()
        new = git("commit-tree", tree, cwd=dest, input=msg).stdout.decode().strip()
        git("update-ref", "refs/heads/pinned", new, cwd=dest)
        git("symbolic-ref", "HEAD", "refs/heads/pinned", cwd=dest)
        git("repack", "-a", "-d", "-q", cwd=dest)
        alternates.unlink()
        git("checkout-index", "-a", "-f", cwd=dest)
        how = f"pruned:{len(missing)}"
    marker.write_text(f"{commit} {how}\n")
    return how


def run_keylint(binary: str, tree: Path, report: Path, timeout: int) -> tuple[str, dict | None, float]:
    start = time.monotonic()
    try:
        proc = subprocess.run([binary, "lint", str(tree), "--format", "json",
                               "--fail-on", "never", "--color", "never"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", None, time.monotonic() - start
    elapsed = time.monotonic() - start
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
        return f"exit {proc.returncode}", None, elapsed
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return "bad json", None, elapsed
    report.write_bytes(proc.stdout)
    return "ok", data, elapsed


def toml_str(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def match(findings: list[dict], verdicts: list[dict]):
    """Pair findings with verdicts by (repo, rule, path, fingerprint), the line as a hint,
    then (repo, rule, path, line) for a fingerprint that changed. Returns (pairs, new, gone)."""
    by_key_f: dict[tuple, list[dict]] = defaultdict(list)
    by_key_v: dict[tuple, list[dict]] = defaultdict(list)
    for f in findings:
        by_key_f[(f["repo"], f["rule"], f["path"], f["fingerprint"])].append(f)
    for v in verdicts:
        by_key_v[(v["repo"], v["rule"], v["path"], v.get("fingerprint", ""))].append(v)
    pairs, left_f, left_v = [], [], []
    for key in set(by_key_f) | set(by_key_v):
        fs = sorted(by_key_f.get(key, []), key=lambda f: f["line"])
        vs = sorted(by_key_v.get(key, []), key=lambda v: v.get("line", 0))
        # exact lines first, then nearest remaining
        for f in list(fs):
            for v in vs:
                if v.get("line") == f["line"]:
                    pairs.append((f, v))
                    fs.remove(f)
                    vs.remove(v)
                    break
        while fs and vs:
            f = fs.pop(0)
            v = min(vs, key=lambda v: abs(v.get("line", 0) - f["line"]))
            vs.remove(v)
            pairs.append((f, v))
        left_f += fs
        left_v += vs
    by_line: dict[tuple, list[dict]] = defaultdict(list)
    for v in left_v:
        by_line[(v["repo"], v["rule"], v["path"], v.get("line"))].append(v)
    new = []
    for f in left_f:
        cands = by_line.get((f["repo"], f["rule"], f["path"], f["line"]))
        if cands:
            v = cands.pop(0)
            left_v.remove(v)
            pairs.append((f, v))
        else:
            new.append(f)
    return pairs, new, left_v


def table(rows: list[list[str]], header: list[str], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                              for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:.0f} %" if den else "-"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mirrors", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--bin", default=shutil.which("keylint") or "keylint")
    ap.add_argument("--repos", type=Path, default=REPOS)
    ap.add_argument("--verdicts", type=Path, default=VERDICTS)
    ap.add_argument("--only", nargs="*", help="repositories (owner/repo) to run; others are skipped")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per repository")
    ap.add_argument("--reuse", action="store_true",
                    help="score the reports already in OUT/_reports instead of running keylint")
    ap.add_argument("--reports", type=Path,
                    help="where the JSON reports go (default OUT/_reports): lets two builds share the trees")
    ap.add_argument("--skeleton", type=Path,
                    help="write TOML stubs for error/warning findings without a verdict here")
    ap.add_argument("--markdown", action="store_true", help="print the per-rule table as Markdown")
    args = ap.parse_args()

    repos = tomllib.loads(args.repos.read_text())["repo"]
    verdicts = tomllib.loads(args.verdicts.read_text()).get("verdict", []) \
        if args.verdicts.exists() else []
    for v in verdicts:
        if v.get("verdict") not in VERDICT_VALUES:
            print(f"verdicts.toml: bad verdict {v.get('verdict')!r} for {v.get('repo')} "
                  f"{v.get('path')}:{v.get('line')}", file=sys.stderr)
            return 2
    if args.only:
        wanted = set(args.only)
        repos = [r for r in repos if r["name"] in wanted]
        verdicts = [v for v in verdicts if v["repo"] in wanted]
    args.out.mkdir(parents=True, exist_ok=True)
    reports = args.reports or args.out / "_reports"
    reports.mkdir(parents=True, exist_ok=True)

    findings: list[dict] = []
    per_repo = []
    failed = []
    for r in repos:
        name, commit = r["name"], r["commit"]
        report = reports / f"{slug(name)}.json"
        if args.reuse and report.exists():
            status, data, elapsed, how = "reused", json.loads(report.read_text()), 0.0, "-"
        else:
            mirror = find_mirror(args.mirrors, name)
            if mirror is None:
                print(f"{name}: no mirror under {args.mirrors}", file=sys.stderr)
                failed.append(name)
                continue
            try:
                how = write_tree(mirror, commit, args.out / slug(name))
            except subprocess.CalledProcessError as e:
                print(f"{name}: could not write the tree: {e.stderr.decode(errors='replace')[-500:]}",
                      file=sys.stderr)
                failed.append(name)
                continue
            print(f"  {name}: tree {how}; linting…", file=sys.stderr, flush=True)
            status, data, elapsed = run_keylint(args.bin, args.out / slug(name), report, args.timeout)
        if data is None:
            failed.append(name)
            per_repo.append([name, r.get("kind", ""), "-", "-", "-", "-", f"{elapsed:.1f}", status])
            continue
        s = data["summary"]
        per_repo.append([name, r.get("kind", ""), str(s["files_scanned"]), str(s["errors"]),
                         str(s["warnings"]), str(s["infos"]), f"{elapsed:.1f}", status])
        for f in data["findings"]:
            findings.append({"repo": name, "rule": f["rule"], "path": f["path"], "line": f["line"],
                             "severity": f["severity"], "fingerprint": f["fingerprint"],
                             "message": f["message"], "files": s["files_scanned"]})

    files_total = sum(int(r[2]) for r in per_repo if r[2] != "-")
    print("\n## Repositories\n")
    print(table(per_repo, ["repo", "kind", "files", "error", "warning", "info", "secs", "status"],
                args.markdown))

    pairs, new, gone = match(findings, verdicts)
    ew = lambda f: f["severity"] in ("error", "warning")
    stats: dict[str, Counter] = defaultdict(Counter)
    sev_of_rule: dict[str, set] = defaultdict(set)
    for f, v in pairs:
        if ew(f):
            stats[f["rule"]][v["verdict"]] += 1
            stats[f["rule"]]["_" + f["severity"]] += 1
            sev_of_rule[f["rule"]].add(f["severity"])
    for f in new:
        if ew(f):
            stats[f["rule"]]["unjudged"] += 1
            stats[f["rule"]]["_" + f["severity"]] += 1
    rows = []
    tot = Counter()
    for rule in sorted(stats, key=lambda k: (-(stats[k]["_error"] + stats[k]["_warning"]), k)):
        c = stats[rule]
        n = c["_error"] + c["_warning"]
        judged = c["true"] + c["false"] + c["noise"]
        rows.append([rule, str(c["_error"]), str(c["_warning"]), str(c["true"]), str(c["false"]),
                     str(c["noise"]), str(c["unjudged"]), pct(c["true"], judged)])
        tot.update(c)
    judged = tot["true"] + tot["false"] + tot["noise"]
    rows.append(["total", str(tot["_error"]), str(tot["_warning"]), str(tot["true"]),
                 str(tot["false"]), str(tot["noise"]), str(tot["unjudged"]), pct(tot["true"], judged)])
    print("\n## Error and warning findings per rule\n")
    print(table(rows, ["rule", "error", "warning", "true", "false", "noise", "unjudged", "precision"],
                args.markdown))
    false_errors = sum(1 for f, v in pairs if f["severity"] == "error" and v["verdict"] == "false")
    err = Counter(v["verdict"] for f, v in pairs if f["severity"] == "error")
    warn = Counter(v["verdict"] for f, v in pairs if f["severity"] == "warning")
    print(f"\noverall error+warning precision: {pct(tot['true'], judged)} "
          f"({tot['true']} true of {judged} judged; {tot['unjudged']} unjudged)")
    print(f"errors: {pct(err['true'], sum(err.values()))} true ({err['true']}/{sum(err.values())}), "
          f"{false_errors} false errors; warnings: {pct(warn['true'], sum(warn.values()))} true "
          f"({warn['true']}/{sum(warn.values())})")

    infos = [f for f in findings if f["severity"] == "info"]
    info_pairs = [(f, v) for f, v in pairs if f["severity"] == "info"]
    ic = Counter(v["verdict"] for _, v in info_pairs)
    per_k = 1000 * len(infos) / files_total if files_total else 0.0
    print(f"info findings: {len(infos)} on {files_total} files scanned = {per_k:.1f} per 1,000 files; "
          f"sample judged {len(info_pairs)}: {ic['true']} true, {ic['false']} false, "
          f"{ic['noise']} noise ({pct(ic['true'], len(info_pairs))} true)")
    by_rule_info = Counter(f["rule"] for f in infos)
    print("info by rule: " + ", ".join(f"{k} {n}" for k, n in by_rule_info.most_common()))

    new_ew = sorted((f for f in new if ew(f)), key=lambda f: (f["repo"], f["path"], f["line"]))
    print(f"\n## New error/warning findings without a verdict: {len(new_ew)}"
          f" (and {sum(1 for f in new if not ew(f))} info without one, not listed)\n")
    for f in new_ew:
        print(f"  {f['repo']}:{f['path']}:{f['line']}  {f['severity']} {f['rule']}  "
              f"{f['fingerprint'][:12]}  {f['message'][:110]}")
    print(f"\n## Verdicts whose finding is gone: {len(gone)}\n")
    for v in sorted(gone, key=lambda v: (v["repo"], v["path"], v.get("line", 0))):
        print(f"  {v['repo']}:{v['path']}:{v.get('line')}  {v['rule']}  was {v['verdict']}: "
              f"{v.get('why', '')[:100]}")
    if failed:
        print(f"\nfailed: {', '.join(failed)}")

    if args.skeleton:
        with args.skeleton.open("w") as out:
            for f in new_ew:
                out.write("[[verdict]]\n")
                for k in ("repo", "rule", "path"):
                    out.write(f"{k} = {toml_str(f[k])}\n")
                out.write(f"line = {f['line']}\n")
                out.write(f"severity = {toml_str(f['severity'])}\n")
                out.write(f"fingerprint = {toml_str(f['fingerprint'])}\n")
                out.write('verdict = ""\n')
                out.write(f"# message: {f['message'][:200]}\n")
                out.write('why = ""\n\n')
        print(f"\nwrote {len(new_ew)} stubs to {args.skeleton}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""keylint history vs history scanners that install here, on real git repositories.

For each repository (a git dir, e.g. a bare mirror fetched into /work/.mirror/OWNER+NAME/repo):
- `keylint history HEAD GITDIR --format json` (release build);
- the honest floor: git lists every object reachable from HEAD and prints each once
  (`git rev-list --objects HEAD | git cat-file --batch`), and `rg -c -F -e sk- -e AIza -e gsk_
  -e xai-` reads it: the same walk and reads as keylint, no regex work, no finding. (`git log -p
  HEAD | rg …` stops at the first missing blob of a partial mirror, and diffs every commit.)
- trufflehog 2 (PyPI `trufflehog==2.2.1`, `--regex --entropy=False`, HEAD's branch only) on a
  local no-checkout clone, when `--trufflehog BIN` is given, under `--timeout` seconds.

Wall time and peak RSS come from /usr/bin/time -v. Findings are compared by key identity
without printing keys: keylint's JSON carries each key's SHA-256 fingerprint; each string a
peer reports is split into key-shaped tokens whose fingerprints are compared with keylint's.
What a peer finds that keylint does not is described by its rule and the token's shape
(first 4 characters, length), never the token. Prints a Markdown table and, per repository,
the differences. Only numbers and shapes leave this script: never repository content.

gitleaks is not installable on this machine (not in Debian bookworm, the npm wrapper downloads
its binary at install time, Go modules are unreachable), so it is not run.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

TOKEN = re.compile(r"[A-Za-z0-9_\-\.]{16,}")


def timed(cmd, timeout=None, shell=False, cwd=None):
    """Runs cmd under /usr/bin/time -v; returns (exit, stdout bytes, wall s, peak RSS MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-v", "-o", tf.name]
        full += ["bash", "-c", cmd] if shell else cmd
        # its own process group, so a timeout ends the tool too, not only /usr/bin/time
        p = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd,
                             start_new_session=True)
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            return None, b"", None, None
        text = tf.read()
    wall = rss = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock)"):
            v = line.rsplit(" ", 1)[1]
            parts = [float(x) for x in v.split(":")]
            wall = sum(x * 60 ** i for i, x in enumerate(reversed(parts)))
        elif line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(" ", 1)[1]) / 1024
    return p.returncode, out, wall, rss


def fp(s):
    return hashlib.sha256(s.encode()).hexdigest()[:16]


def shape(s):
    return f"{s[:4]}…({len(s)} chars)"


def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir, *args], capture_output=True,
                          text=True).stdout.strip()


def trufflehog(bin_, gitdir, branch, timeout):
    work = tempfile.mkdtemp(prefix="th-")
    try:
        clone = os.path.join(work, "clone")
        # a local clone hard-links the object store: no pack is written, missing (promisor)
        # blobs do not stop it
        subprocess.run(["git", "clone", "-q", "--no-checkout", gitdir, clone],
                       capture_output=True)
        cmd = [bin_, "--regex", "--entropy=False", "--json", "--branch", branch,
               "--repo_path", clone, "file:///unused"]
        code, out, wall, rss = timed(cmd, timeout=timeout)
        found = []
        for line in out.decode(errors="replace").splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            for s in d.get("stringsFound", []):
                found.append((d.get("reason", "?"), d.get("path", "?"), s))
        return code, wall, rss, found
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gitdirs", nargs="+")
    ap.add_argument("--bin", default="target/release/keylint")
    ap.add_argument("--trufflehog")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--rounds", type=int, default=1)
    a = ap.parse_args()

    rows = []
    notes = []
    for g in a.gitdirs:
        name = os.path.basename(os.path.dirname(g.rstrip("/"))) or g
        commits = git(g, "rev-list", "--count", "HEAD")
        branch = git(g, "symbolic-ref", "--short", "HEAD") or "HEAD"
        runs = []
        for _ in range(a.rounds):
            runs.append(timed([a.bin, "history", "HEAD", g, "--format", "json", "-q"]))
        runs.sort(key=lambda r: r[2])
        code, out, wall, rss = runs[len(runs) // 2]
        report = json.loads(out)
        ours = {f["fingerprint"]: f for f in report["findings"]}
        floor = timed(f"git --git-dir '{g}' rev-list --objects --missing=allow-any HEAD "
                      f"| cut -d' ' -f1 | git --git-dir '{g}' cat-file --batch "
                      f"| rg -c -F -e sk- -e AIza -e gsk_ -e xai-", shell=True)
        row = {
            "repo": name, "commits": commits, "blobs": report["summary"]["blobs"],
            "k_wall": wall, "k_rss": rss, "k_keys": len(ours),
            "f_wall": floor[2], "f_rss": floor[3],
        }
        if a.trufflehog:
            tcode, twall, trss, found = trufflehog(a.trufflehog, g, branch, a.timeout)
            row.update(t_wall=twall, t_rss=trss)
            theirs = {}
            for reason, path, s in found:
                toks = TOKEN.findall(s) or [s]
                hit = [fp(t) for t in toks if fp(t) in ours]
                if hit:
                    theirs.setdefault(hit[0], (reason, path, None))
                else:
                    long = max(toks, key=len)
                    theirs.setdefault("peer:" + fp(long), (reason, path, shape(long)))
            both = [k for k in theirs if k in ours]
            peer_only = [v for k, v in theirs.items() if k not in ours]
            ours_only = [f for k, f in ours.items() if k not in theirs]
            row.update(t_keys=len(theirs), both=len(both), t_only=len(peer_only),
                       k_only=len(ours_only), timed_out=twall is None)
            for reason, path, sh in peer_only:
                notes.append(f"{name}: trufflehog only: {reason} in {path}: {sh}")
            for f in ours_only:
                notes.append(f"{name}: keylint only: {f['provider']} {f['kind']} "
                             f"{f['key']} in {f['path']}")
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)

    def n(v, fmt="{:.2f}"):
        return "—" if v is None else fmt.format(v)

    head = ("| repository | commits | blobs | keylint s | keylint RSS MiB | keys | "
            "git+rg floor s | floor RSS MiB |")
    sep = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if a.trufflehog:
        head += " trufflehog 2 s | trufflehog RSS MiB | trufflehog keys | both | only trufflehog | only keylint |"
        sep += " ---: | ---: | ---: | ---: | ---: | ---: |"
    print(head)
    print(sep)
    for r in rows:
        line = (f"| {r['repo']} | {r['commits']} | {r['blobs']} | {n(r['k_wall'])} | "
                f"{n(r['k_rss'], '{:.0f}')} | {r['k_keys']} | {n(r['f_wall'])} | "
                f"{n(r['f_rss'], '{:.0f}')} |")
        if a.trufflehog:
            tw = "timeout" if r.get("timed_out") else n(r.get("t_wall"))
            line += (f" {tw} | {n(r.get('t_rss'), '{:.0f}')} | {r.get('t_keys', '—')} | "
                     f"{r.get('both', '—')} | {r.get('t_only', '—')} | {r.get('k_only', '—')} |")
        print(line)
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()

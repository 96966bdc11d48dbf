#!/usr/bin/env python3
"""keylint vs ripgrep on a deterministic synthetic monorepo.

    bench/run.sh [--sizes 10000,50000,200000] [--rounds 5] [--work DIR] [--before BIN]

For each size: generate the tree with ../shared/bench/gen-monorepo.py (seed 1, cached in the
work folder), warm the page cache, then run keylint (`lint TREE --format json`), rg (a regex
of every key prefix in rules/providers.toml; both honour .gitignore) and the honest floor, rg
looking for the key prefixes as fixed strings (`rg -c -F -e sk- -e AIza -e gsk_ -e xai-`: walk
and read, no regex work), interleaved, ROUNDS times each. `--before BIN` also times another
keylint build in the same rounds (before/after a change). Reports median wall time, files/s and
MB/s over the files each tool could read, peak RSS (/usr/bin/time), and keylint's ratio of
medians to rg and to the floor. Prints a Markdown table.
"""
import argparse, os, pathlib, re, statistics, subprocess, sys, time, tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "bench" / "gen-monorepo.py"


def key_regex():
    d = tomllib.loads((ROOT / "rules" / "providers.toml").read_text())
    prefixes = sorted({k["prefix"] for p in d["provider"] for k in p.get("key", []) if k.get("prefix")})
    return "|".join(re.escape(p) for p in prefixes)


CPU = {}


def timed(cmd):
    """(wall seconds, peak RSS in MiB, exit code); CPU seconds (user + system) are collected in
    CPU by command, for a ratio that other load on the machine disturbs less than wall time"""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    rss_kb, user, sys_ = p.stderr.strip().splitlines()[-1].split()
    CPU.setdefault(tuple(cmd), []).append(float(user) + float(sys_))
    return wall, int(rss_kb) / 1024, p.returncode


def tree_stats(tree):
    """files and bytes outside the generator's gitignored folders (what both tools walk)"""
    n = total = 0
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", "dist", ".git")]
        for f in filenames:
            n += 1
            total += os.path.getsize(os.path.join(dirpath, f))
    return n, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000,200000")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--work", default=os.environ.get("KEYLINT_BENCH_DIR", "/tmp/keylint-bench"))
    ap.add_argument("--before", help="another keylint binary to time in the same rounds")
    a = ap.parse_args()
    if not GEN.exists():
        sys.exit(f"generator not found: {GEN} (../shared beside the repository)")
    # the profile release artifacts are built with (Cargo.toml: fat LTO, one codegen unit)
    subprocess.run(["cargo", "build", "--profile", "dist", "--locked", "-q"], cwd=ROOT, check=True)
    keylint = str(ROOT / "target" / "dist" / "keylint")
    rx = key_regex()
    work = pathlib.Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in [int(s) for s in a.sizes.split(",")]:
        tree = work / f"mono-{size}"
        if not (tree / ".gitignore").exists():
            print(f"generating {size} files in {tree} …", file=sys.stderr)
            subprocess.run([sys.executable, str(GEN), str(tree), "--files", str(size), "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        files, nbytes = tree_stats(tree)
        kl_cmd = [keylint, "lint", str(tree), "--format", "json", "--fail-on", "never"]
        rg_cmd = ["rg", "--count", "--no-messages", rx, str(tree)]
        floor_cmd = ["rg", "--count", "--no-messages", "-F", "-e", "sk-", "-e", "AIza", "-e", "gsk_", "-e", "xai-", str(tree)]
        cmds = {"kl": kl_cmd, "rg": rg_cmd, "floor": floor_cmd}
        if a.before:
            cmds["before"] = [a.before] + kl_cmd[1:]
        for c in cmds.values():
            timed(c)  # warm the page cache
        runs = {k: [] for k in cmds}
        for _ in range(a.rounds):
            for k, c in cmds.items():
                runs[k].append(timed(c))
        med = {k: statistics.median(w for w, _, _ in v) for k, v in runs.items()}
        cpu = {k: statistics.median(CPU[tuple(c)]) for k, c in cmds.items()}
        rss = {k: max(r for _, r, _ in v) for k, v in runs.items()}
        rows.append((size, files, nbytes, med, rss, cpu))
        print(f"{size}: keylint {med['kl']:.3f}s rg {med['rg']:.3f}s floor {med['floor']:.3f}s "
              f"ratio {med['kl'] / med['floor']:.2f}x floor; CPU keylint {cpu['kl']:.2f}s floor {cpu['floor']:.2f}s"
              + (f" before {cpu['before']:.2f}s" if a.before else "") + "; "
              + (f", before {med['before']:.3f}s ({med['before'] / med['floor']:.2f}x floor)" if a.before else ""),
              file=sys.stderr)
    before_cols = " keylint before s | before / floor |" if a.before else ""
    # the floor's CPU includes the work the walk shares with keylint; `before` gets its own
    # CPU column in the stderr line
    print(f"| generated files | walked files | MB |{before_cols} keylint s | keylint files/s | keylint MB/s | keylint RSS MiB | rg s | floor s | rg RSS MiB | keylint / rg | keylint / floor | CPU s: keylint / floor |")
    print("| ---: | ---: | ---: |" + (" ---: | ---: |" if a.before else "") + " ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, files, nbytes, med, rss, cpu in rows:
        mb = nbytes / 1e6
        kw, rw, fw = med["kl"], med["rg"], med["floor"]
        b = f" {med['before']:.2f} | {med['before'] / fw:.2f}x |" if a.before else ""
        print(f"| {size} | {files} | {mb:.0f} |{b} {kw:.2f} | {files / kw:,.0f} | {mb / kw:.0f} | {rss['kl']:.0f} | {rw:.2f} | {fw:.2f} | {rss['rg']:.0f} | {kw / rw:.2f}x | {kw / fw:.2f}x | {cpu['kl']:.2f} / {cpu['floor']:.2f} = {cpu['kl'] / cpu['floor']:.2f}x |")
    print(f"\n{os.cpu_count()} cores, {a.rounds} interleaved rounds, medians; rg {subprocess.run(['rg', '--version'], capture_output=True, text=True).stdout.split()[1]}")


if __name__ == "__main__":
    main()

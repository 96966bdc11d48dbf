#!/usr/bin/env python3
"""keylint vs ripgrep on a deterministic synthetic monorepo.

    bench/run.sh [--sizes 10000,50000,200000] [--rounds 5] [--work DIR]

For each size: generate the tree with ../shared/bench/gen-monorepo.py (seed 1, cached in the
work folder), warm the page cache, then run keylint (`lint TREE --format json`) and rg (a regex
of every key prefix in rules/providers.toml; both honour .gitignore) interleaved, ROUNDS times
each. Reports median wall time, files/s and MB/s over the files each tool could read, peak RSS
(/usr/bin/time), and the keylint/rg ratio of medians. Prints a Markdown table.
"""
import argparse, os, pathlib, re, statistics, subprocess, sys, time, tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "bench" / "gen-monorepo.py"


def key_regex():
    d = tomllib.loads((ROOT / "rules" / "providers.toml").read_text())
    prefixes = sorted({k["prefix"] for p in d["provider"] for k in p.get("key", []) if k.get("prefix")})
    return "|".join(re.escape(p) for p in prefixes)


def timed(cmd):
    """(wall seconds, peak RSS in MiB, exit code)"""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    rss_kb = int(p.stderr.strip().splitlines()[-1])
    return wall, rss_kb / 1024, p.returncode


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
    a = ap.parse_args()
    if not GEN.exists():
        sys.exit(f"generator not found: {GEN} (../shared beside the repository)")
    subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
    keylint = str(ROOT / "target" / "release" / "keylint")
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
        timed(kl_cmd), timed(rg_cmd)  # warm the page cache
        kl, rg = [], []
        for _ in range(a.rounds):
            kl.append(timed(kl_cmd))
            rg.append(timed(rg_cmd))
        kw, rw = statistics.median(w for w, _, _ in kl), statistics.median(w for w, _, _ in rg)
        rows.append((size, files, nbytes, kw, max(r for _, r, _ in kl), rw, max(r for _, r, _ in rg)))
        print(f"{size}: keylint {kw:.3f}s rg {rw:.3f}s ratio {kw / rw:.2f}", file=sys.stderr)
    print(f"| generated files | walked files | MB | keylint s | keylint files/s | keylint MB/s | keylint RSS MiB | rg s | rg RSS MiB | keylint / rg |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, files, nbytes, kw, krss, rw, rrss in rows:
        mb = nbytes / 1e6
        print(f"| {size} | {files} | {mb:.0f} | {kw:.2f} | {files / kw:,.0f} | {mb / kw:.0f} | {krss:.0f} | {rw:.2f} | {rrss:.0f} | {kw / rw:.1f}x |")
    print(f"\n{os.cpu_count()} cores, {a.rounds} interleaved rounds, medians; rg {subprocess.run(['rg', '--version'], capture_output=True, text=True).stdout.split()[1]}")


if __name__ == "__main__":
    main()

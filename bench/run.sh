#!/usr/bin/env bash
# keylint vs ripgrep on synthetic monorepos; see bench/bench.py. Needs rg on PATH.
set -euo pipefail
exec python3 "$(dirname "$0")/bench.py" "$@"

#!/usr/bin/env bash
# keylint history vs trufflehog 2 and the `git log -p | rg` floor on real repositories; see
# bench/history.py. Needs git, rg and /usr/bin/time; trufflehog 2 from PyPI for the peer:
#   python3 -m venv /tmp/peers && /tmp/peers/bin/pip install trufflehog==2.2.1
#   bench/history.sh --trufflehog /tmp/peers/bin/trufflehog /work/.mirror/Aider-AI+aider/repo …
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
exec python3 bench/history.py "$@"

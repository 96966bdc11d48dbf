#!/usr/bin/env bash
# Fuzz each target in turn for SECONDS (default 600) on one core, new inputs into the ignored
# fuzz/corpus/<target>/ (seeds/ stays read-only), and print one summary line per target:
#   target  seconds  executions  exec/s  crashes
# Usage: fuzz/run.sh [SECONDS] [TARGET...]   (needs nightly and cargo-fuzz)
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=($(sed -n 's/^name = "\(.*\)"/\1/p' Cargo.toml | grep -v keylint-fuzz))
cargo +nightly fuzz build -O >/dev/null 2>&1 || { echo "fuzz build failed" >&2; exit 2; }
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log="logs/$t.$(date +%s).log"
  cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(ls "artifacts/$t" 2>/dev/null | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\trc=%s\n' "$t" "$secs" "${runs:-?}" "$(( ${runs:-0} / secs ))" "$crashes" "$rc"
done

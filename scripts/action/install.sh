#!/usr/bin/env bash
# Builds keylint from the action's own source (the pinned ref) into $RUNNER_TEMP/keylint, unless
# the cache step restored a build of the same version. No network beyond crates.io.
set -euo pipefail
root="${RUNNER_TEMP:?RUNNER_TEMP is not set}/keylint"
bin="$root/bin/keylint"
want="$(sed -n 's/^version = "\(.*\)"/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1)"
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "keylint $want" ]; then
  echo "keylint $want restored from cache"
else
  cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$root" --force
fi
"$bin" --version

#!/usr/bin/env bash
# End-to-end test of the pre-commit hook with the real pre-commit from PyPI: in a temporary git
# repository, a staged .env with an OpenRouter key sent to api.openai.com must fail the commit,
# a good change must pass, and a .env that .gitignore lists but `git add -f` staged must fail. The hook is installed the way users get it: pre-commit clones this
# repository at HEAD and pip-installs it (maturin builds the binary into a wheel).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check pre-commit
export PATH="$work/venv/bin:$PATH"
rev="$(git -C "$repo" rev-parse HEAD)"

mkdir "$work/proj"
cd "$work/proj"
git init -q -b main
git config user.email ci@example.com
git config user.name ci
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: keylint
YAML
git add .pre-commit-config.yaml
git commit -q -m "add pre-commit config"
pre-commit install -q 2>/dev/null || pre-commit install

# a good change passes
printf 'OPENAI_API_KEY=\nOPENAI_BASE_URL=https://api.openai.com/v1\n' > .env.example
git add .env.example
if ! git commit -q -m "document env"; then
  echo "FAIL: a clean commit was refused" >&2
  exit 1
fi

# a bad staged .env fails: an OpenRouter key sent to api.openai.com, committed
key="sk-or-v1-$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
printf 'OPENAI_API_KEY=%s\nOPENAI_BASE_URL=https://api.openai.com/v1\n' "$key" > .env
git add .env
if out="$(git commit -m "add env" 2>&1)"; then
  echo "FAIL: the bad .env was committed" >&2
  echo "$out" >&2
  exit 1
fi
case "$out" in
  *key-endpoint-mismatch*) ;;
  *) echo "FAIL: hook output lacks the finding:" >&2; echo "$out" >&2; exit 1 ;;
esac
case "$out" in
  *"${key:12}"*) echo "FAIL: hook output contains the key" >&2; exit 1 ;;
esac

# a .env that .gitignore lists, force-added: git tracks it, the hook must refuse it
git reset -q
printf '.env\n' > .gitignore
git add .gitignore
git commit -q -m "ignore .env"
git add -f .env
if out="$(git commit -m "force-add env" 2>&1)"; then
  echo "FAIL: the force-added .env was committed" >&2
  echo "$out" >&2
  exit 1
fi
case "$out" in
  *committed-key*) ;;
  *) echo "FAIL: hook output lacks committed-key for the force-added .env:" >&2; echo "$out" >&2; exit 1 ;;
esac
case "$out" in
  *"${key:12}"*) echo "FAIL: hook output contains the key" >&2; exit 1 ;;
esac
echo "pre-commit: clean commit passed, bad .env refused (key-endpoint-mismatch), force-added .env refused (committed-key), key not printed"

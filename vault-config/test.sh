#!/usr/bin/env bash
# Offline checks for vault-config (no Vault needed):
#   1. every script parses (bash -n) and, when shellcheck is installed, is clean;
#   2. the policies are well formed (balanced braces and quotes, one
#      `path "…" { capabilities = [...] }` rule per line) and grant EXACTLY the
#      rules pinned below. Widening a policy therefore means editing this file
#      too, on purpose, in the same review.
set -euo pipefail
cd "$(dirname "$0")"

failures=0
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
pass() { printf 'ok:   %s\n' "$*"; }

# 1. Scripts.
scripts=(bootstrap.sh rotate.sh lib.sh test.sh ../gateway/docker-entrypoint.sh)
for s in "${scripts[@]}"; do
  [ -f "$s" ] || continue
  if bash -n "$s"; then pass "bash -n $s"; else fail "bash -n $s"; fi
done
if command -v shellcheck > /dev/null; then
  existing=()
  for s in "${scripts[@]}"; do [ -f "$s" ] && existing+=("$s"); done
  if shellcheck -x "${existing[@]}"; then pass "shellcheck ${existing[*]}"; else fail "shellcheck"; fi
else
  printf 'skip: shellcheck not installed\n'
fi
for s in bootstrap.sh rotate.sh; do
  [ -x "$s" ] || fail "$s is not executable"
done

# 2. Policies. normalized_rules FILE prints `path caps,sorted` per rule.
normalized_rules() {
  sed -e 's/#.*$//' -e '/^[[:space:]]*$/d' "$1" | while IFS= read -r line; do
    if [[ $line =~ ^path[[:space:]]+\"([^\"]+)\"[[:space:]]*\{[[:space:]]*capabilities[[:space:]]*=[[:space:]]*\[([^]]*)\][[:space:]]*\}[[:space:]]*$ ]]; then
      caps=$(tr -d ' "' <<< "${BASH_REMATCH[2]}" | tr ',' '\n' | sort | paste -sd, -)
      printf '%s %s\n' "${BASH_REMATCH[1]}" "$caps"
    else
      printf 'UNPARSED %s\n' "$line"
    fi
  done | sort
}

check_policy() {
  local file=$1 expected=$2 actual opens closes quotes
  opens=$(tr -cd '{' < "$file" | wc -c)
  closes=$(tr -cd '}' < "$file" | wc -c)
  quotes=$(sed 's/#.*$//' "$file" | tr -cd '"' | wc -c)
  [ "$opens" -eq "$closes" ] || fail "$file: $opens '{' but $closes '}'"
  [ $((quotes % 2)) -eq 0 ] || fail "$file: unbalanced quotes"
  actual=$(normalized_rules "$file")
  if [ "$actual" = "$(sort <<< "$expected")" ]; then
    pass "$file grants exactly the pinned rules"
  else
    fail "$file rules differ from the pinned ones"
    diff <(sort <<< "$expected") <(printf '%s\n' "$actual") >&2 || true
  fi
  # Belt and braces, whatever the pinned list says (comments stripped).
  local rules
  rules=$(sed 's/#.*$//' "$file")
  if grep -Eq '"(sudo|deny|patch)"' <<< "$rules"; then fail "$file uses sudo/deny/patch"; fi
  if grep -Eq 'path "secret/destroy/' <<< "$rules"; then fail "$file grants destroy"; fi
  if grep -Eq 'path "secret/metadata/[^"]*" *\{[^}]*"delete"' <<< "$rules"; then fail "$file grants metadata delete (purge)"; fi
  if grep -Eq 'path "(sys|auth)/' <<< "$rules"; then fail "$file grants sys/ or auth/ paths"; fi
  if grep -E 'path "' <<< "$rules" | grep -Ev 'path "secret/[a-z]+/gateway/' > /dev/null; then
    fail "$file grants a path outside secret/*/gateway/"
  fi
}

check_policy policies/gateway.hcl 'secret/data/gateway/* read'

check_policy policies/gateway-admin.hcl 'secret/data/gateway/tenants/* create,read,update
secret/metadata/gateway/tenants/* list,read
secret/delete/gateway/tenants/* update
secret/undelete/gateway/tenants/* update'

if grep -q 'platform' <(normalized_rules policies/gateway-admin.hcl); then
  fail "gateway-admin must not reach platform credentials"
fi

if [ "$failures" -gt 0 ]; then
  printf '%d check(s) failed\n' "$failures" >&2
  exit 1
fi
printf 'all vault-config checks passed\n'

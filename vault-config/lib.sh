# shellcheck shell=bash
# Shared helpers for bootstrap.sh and rotate.sh: Vault's HTTP API through curl.
#
# Secrets never appear on a command line (where `ps` and /proc/*/cmdline show
# them): the Vault token is passed to curl as a header file (-H @file) and
# request bodies go through stdin (--data-binary @-). Responses are kept in a
# private temporary directory that is removed on exit.

: "${VAULT_ADDR:?VAULT_ADDR must be set, e.g. http://127.0.0.1:8200}"
: "${VAULT_TOKEN:?VAULT_TOKEN must be set}"
VAULT_ADDR=${VAULT_ADDR%/}

umask 077
LIB_TMP=$(mktemp -d)
trap 'rm -rf "$LIB_TMP"' EXIT
printf 'X-Vault-Token: %s\n' "$VAULT_TOKEN" > "$LIB_TMP/token-header"

# Set by vault_call: the HTTP status and the file holding the response body.
HTTP_STATUS=000
RESPONSE_FILE="$LIB_TMP/response"

log() { printf '%s: %s\n' "${SCRIPT_NAME:-vault-config}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# vault_call METHOD PATH [BODY]
# Calls $VAULT_ADDR/v1/PATH. Sets HTTP_STATUS and writes the body to
# RESPONSE_FILE. Returns non-zero only when curl cannot talk to Vault at all;
# HTTP errors are for the caller to judge.
vault_call() {
  local method=$1 path=$2 body=${3-}
  local -a args=(--silent --show-error --output "$RESPONSE_FILE" --write-out '%{http_code}'
    --connect-timeout 5 --max-time 30
    -H @"$LIB_TMP/token-header" -X "$method")
  if [ -n "$body" ]; then
    HTTP_STATUS=$(printf '%s' "$body" | curl "${args[@]}" -H 'Content-Type: application/json' \
      --data-binary @- "$VAULT_ADDR/v1/$path")
  else
    HTTP_STATUS=$(curl "${args[@]}" "$VAULT_ADDR/v1/$path")
  fi
}

# Vault's error messages ({"errors":[...]}) name paths and reasons, never values.
vault_errors() {
  jq -r '(.errors // []) | join("; ")' "$RESPONSE_FILE" 2>/dev/null || true
}

# vault_ok METHOD PATH [BODY]: like vault_call, but any non-2xx status is fatal.
vault_ok() {
  vault_call "$@"
  case "$HTTP_STATUS" in
    2??) ;;
    *) die "$1 $2 failed with HTTP $HTTP_STATUS: $(vault_errors)" ;;
  esac
}

# wait_for_vault [SECONDS]: until sys/health says initialized, unsealed, active.
wait_for_vault() {
  local deadline=$((SECONDS + ${1:-60}))
  until vault_call GET sys/health 2>/dev/null && [ "$HTTP_STATUS" = 200 ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "Vault at $VAULT_ADDR is not ready (last HTTP status $HTTP_STATUS)"
    sleep 1
  done
}

# The ids that SecretPath in the gateway accepts (credentials/SecretPath.java);
# checking here keeps "../" and other tenants' paths out of every Vault path.
valid_segment() {
  [[ $1 =~ ^[a-z0-9][a-z0-9_-]{0,62}$ ]]
}

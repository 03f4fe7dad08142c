#!/usr/bin/env bash
# Rotates one upstream credential in Vault (KV v2, mount "secret", root "gateway")
# and optionally tells the gateway to drop its cached copy.
#
#   rotate.sh vapi   <tenantId|platform> <newKey|->
#   rotate.sh twilio <tenantId|platform> --auth-token <token|->
#   rotate.sh twilio <tenantId|platform> --api-key <SKsid> <secret|->
#
# "-" reads the secret from stdin (recommended: arguments end up in shell history
# and are visible to other users through `ps`).
#
# Writes a new version with check-and-set = the current version, so a concurrent
# rotation fails instead of being silently overwritten, and keeps every field it
# does not replace (e.g. account_sid). Prints only the new version number on
# stdout; never prints a secret.
#
# Environment:
#   VAULT_ADDR, VAULT_TOKEN  Vault and a token with policy gateway-admin (tenants)
#                            or a platform operator token (platform)
#   GATEWAY_URL              optional, e.g. http://localhost:8080: after the write,
#                            POST /admin/v1/tenants/{id}/credentials/{upstream}/refresh
#   GATEWAY_ADMIN_TOKEN      an admin token, igw_admin_<id>_<secret> (required with GATEWAY_URL)
#
# Exit codes: 0 ok, 1 error, 2 usage, 3 concurrent write (re-run), 4 written to
# Vault but the gateway refresh failed (the cache still expires by TTL).
set -euo pipefail

SCRIPT_NAME=rotate
HERE=$(cd "$(dirname "$0")" && pwd)

usage() {
  sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# read_secret VALUE: the value itself, or stdin when VALUE is "-".
read_secret() {
  if [ "$1" = - ]; then
    local line
    IFS= read -r line || [ -n "$line" ] || { echo "rotate: no secret on stdin" >&2; exit 2; }
    printf '%s' "$line"
  else
    printf '%s' "$1"
  fi
}

[ $# -ge 3 ] || usage
UPSTREAM=$1 OWNER=$2
shift 2

case "$UPSTREAM" in
  vapi)
    [ $# -eq 1 ] || usage
    NEW_KEY=$(read_secret "$1")
    [ -n "$NEW_KEY" ] || { echo "rotate: the new key is empty" >&2; exit 2; }
    ;;
  twilio)
    case "${1-}" in
      --auth-token)
        [ $# -eq 2 ] || usage
        MODE=auth-token
        NEW_TOKEN=$(read_secret "$2")
        [ -n "$NEW_TOKEN" ] || { echo "rotate: the new auth token is empty" >&2; exit 2; }
        ;;
      --api-key)
        [ $# -eq 3 ] || usage
        MODE=api-key
        KEY_SID=$2
        [[ $KEY_SID =~ ^SK[0-9a-fA-F]{32}$ ]] || { echo "rotate: an API key SID is SK followed by 32 hex digits" >&2; exit 2; }
        KEY_SECRET=$(read_secret "$3")
        [ -n "$KEY_SECRET" ] || { echo "rotate: the API key secret is empty" >&2; exit 2; }
        ;;
      *) usage ;;
    esac
    ;;
  *) usage ;;
esac

# Sourced after argument parsing, so `rotate.sh` without arguments prints usage
# even when VAULT_ADDR is not set.
# shellcheck source=lib.sh
. "$HERE/lib.sh"

valid_segment "$OWNER" || die "invalid tenant id '$OWNER'"
if [ "$OWNER" = platform ]; then
  SECRET="gateway/platform/$UPSTREAM"
else
  SECRET="gateway/tenants/$OWNER/$UPSTREAM"
fi
if [ -n "${GATEWAY_URL:-}" ]; then
  # Checked before writing, so a missing token never leaves Vault rotated but the gateway not told.
  : "${GATEWAY_ADMIN_TOKEN:?GATEWAY_ADMIN_TOKEN must be set when GATEWAY_URL is set}"
fi

# 1. The current version, from the metadata.
vault_call GET "secret/metadata/$SECRET"
case "$HTTP_STATUS" in
  200) ;;
  404) die "secret/$SECRET does not exist; create it (admin API or bootstrap) before rotating" ;;
  *) die "reading metadata of secret/$SECRET failed with HTTP $HTTP_STATUS: $(vault_errors)" ;;
esac
CURRENT=$(jq -r '.data.current_version' "$RESPONSE_FILE")
[[ $CURRENT =~ ^[1-9][0-9]*$ ]] || die "secret/$SECRET has no current version"

# 2. That version's fields, so the ones not being rotated are carried over.
vault_call GET "secret/data/$SECRET?version=$CURRENT"
case "$HTTP_STATUS" in
  200) ;;
  404) die "version $CURRENT of secret/$SECRET is deleted or destroyed; undelete it or write a full credential" ;;
  *) die "reading secret/$SECRET failed with HTTP $HTTP_STATUS: $(vault_errors)" ;;
esac
CURRENT_DATA=$(jq -c '.data.data // {}' "$RESPONSE_FILE")

# 3. The replaced fields. Values reach jq through its environment, never argv.
case "$UPSTREAM:${MODE-}" in
  vapi:*)
    CHANGES=$(V1=$NEW_KEY jq -n '{api_key: env.V1}')
    ;;
  twilio:auth-token)
    CHANGES=$(V1=$NEW_TOKEN jq -n '{auth_token: env.V1}')
    ;;
  twilio:api-key)
    CHANGES=$(V1=$KEY_SID V2=$KEY_SECRET jq -n '{api_key_sid: env.V1, api_key_secret: env.V2}')
    ;;
esac
if [ "$UPSTREAM" = twilio ]; then
  # Every Twilio request is scoped to the account (DESIGN.md section 5).
  printf '%s' "$CURRENT_DATA" | jq -e '(.account_sid // "") | length > 0' > /dev/null \
    || die "secret/$SECRET has no account_sid; write the full credential instead of rotating"
fi

BODY=$(printf '%s\n%s' "$CURRENT_DATA" "$CHANGES" \
  | jq -cs --argjson cas "$CURRENT" '{options: {cas: $cas}, data: (.[0] + .[1])}')

# 4. Write with check-and-set.
vault_call POST "secret/data/$SECRET" "$BODY"
case "$HTTP_STATUS" in
  2??) ;;
  400)
    if grep -q 'check-and-set parameter did not match' "$RESPONSE_FILE"; then
      log "secret/$SECRET changed since version $CURRENT was read (concurrent rotation?); nothing written, re-run"
      exit 3
    fi
    die "writing secret/$SECRET failed: $(vault_errors)"
    ;;
  *) die "writing secret/$SECRET failed with HTTP $HTTP_STATUS: $(vault_errors)" ;;
esac
NEW_VERSION=$(jq -r '.data.version' "$RESPONSE_FILE")
log "wrote secret/$SECRET version $NEW_VERSION (was $CURRENT; fields: $(printf '%s' "$BODY" | jq -r '.data | keys | join(", ")'))"
printf '%s\n' "$NEW_VERSION"

# 5. Tell the gateway, so it stops using its cached copy now rather than at TTL expiry.
if [ -n "${GATEWAY_URL:-}" ]; then
  printf 'Authorization: Bearer %s\n' "$GATEWAY_ADMIN_TOKEN" > "$LIB_TMP/admin-header"
  refresh_status=$(curl --silent --show-error --output /dev/null --write-out '%{http_code}' \
    --connect-timeout 5 --max-time 30 -X POST -H @"$LIB_TMP/admin-header" \
    "${GATEWAY_URL%/}/admin/v1/tenants/$OWNER/credentials/$UPSTREAM/refresh") || refresh_status=000
  case "$refresh_status" in
    2??) log "gateway refreshed its $UPSTREAM credential for $OWNER" ;;
    *)
      log "warning: gateway refresh returned HTTP $refresh_status; it picks up version $NEW_VERSION when its cache expires or on the next upstream 401"
      exit 4
      ;;
  esac
fi

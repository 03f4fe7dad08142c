#!/usr/bin/env bash
# Bootstraps Vault for the Intellidial Gateway through Vault's HTTP API (curl + jq
# only, so it runs in a tiny container and against `vault server -dev`).
#
# Idempotent: every step either checks first or is an overwrite of the same
# value, so running it again (every `docker-compose up`) is safe. Each run issues
# a fresh AppRole secret-id, because a secret-id cannot be read back.
#
# Environment:
#   VAULT_ADDR, VAULT_TOKEN   Vault and a root/operator token (required)
#   OUT_DIR                   where role-id and secret-id are written (/vault/approle)
#   OUT_OWNER                 optional uid[:gid] to chown them to (the gateway's user)
#   ROLE_NAME                 AppRole role name (gateway)
#   TOKEN_POLICIES            policies on the role's tokens (gateway,gateway-admin):
#                             the admin API and provisioning write tenant Twilio
#                             credentials; drop gateway-admin on read-only instances
#   TOKEN_TTL, TOKEN_MAX_TTL  token lifetime (20m, 1h): short, the gateway renews
#                             and logs in again with its secret-id
#   SECRET_ID_TTL             secret-id lifetime (24h; 0 = no expiry). The gateway
#                             needs its secret-id for every re-login, so it must
#                             outlive the gateway process or be re-issued.
#   REVOKE_PREVIOUS_SECRET_ID 1 = destroy the secret-id issued by the previous run
#                             (its accessor is kept in OUT_DIR/secret-id-accessor).
#                             Off by default: a running gateway still needs it.
#   SEED_DEMO                 1 = write the simulator's demo credentials if absent
#   SIM_*                     demo credential values (see seed_demo below)
set -euo pipefail

SCRIPT_NAME=bootstrap
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

OUT_DIR=${OUT_DIR:-/vault/approle}
OUT_OWNER=${OUT_OWNER:-}
ROLE_NAME=${ROLE_NAME:-gateway}
TOKEN_POLICIES=${TOKEN_POLICIES:-gateway,gateway-admin}
TOKEN_TTL=${TOKEN_TTL:-20m}
TOKEN_MAX_TTL=${TOKEN_MAX_TTL:-1h}
SECRET_ID_TTL=${SECRET_ID_TTL:-24h}
REVOKE_PREVIOUS_SECRET_ID=${REVOKE_PREVIOUS_SECRET_ID:-0}
SEED_DEMO=${SEED_DEMO:-0}
KV_MOUNT=secret

valid_segment "$ROLE_NAME" || die "invalid ROLE_NAME"

# KV v2 at secret/. Dev mode already mounts it; a production server has nothing
# there. A KV v1 mount is not converted silently: upgrading rewrites all data.
enable_kv2() {
  vault_ok GET sys/mounts
  local mount_type version
  mount_type=$(jq -r --arg m "$KV_MOUNT/" '(.data[$m] // .[$m] // {}).type // ""' "$RESPONSE_FILE")
  version=$(jq -r --arg m "$KV_MOUNT/" '(.data[$m] // .[$m] // {}).options.version // ""' "$RESPONSE_FILE")
  case "$mount_type:$version" in
    kv:2 | kv-v2:*)
      log "kv-v2 already mounted at $KV_MOUNT/"
      ;;
    :)
      vault_ok POST "sys/mounts/$KV_MOUNT" '{"type":"kv","options":{"version":"2"},"description":"Intellidial Gateway credentials"}'
      log "mounted kv-v2 at $KV_MOUNT/"
      wait_for_kv_upgrade
      ;;
    *)
      die "$KV_MOUNT/ is mounted as '$mount_type' version '${version:-1}', not kv-v2; move it or upgrade it (sys/mounts/$KV_MOUNT/tune {\"options\":{\"version\":\"2\"}}) deliberately"
      ;;
  esac
}

# A freshly mounted kv-v2 answers 400 "Upgrading from non-versioned to versioned
# data" for a moment; listing the empty mount (404) means it is ready.
wait_for_kv_upgrade() {
  local deadline=$((SECONDS + 30))
  while vault_call GET "$KV_MOUNT/metadata/?list=true" && [ "$HTTP_STATUS" = 400 ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "kv-v2 at $KV_MOUNT/ did not finish initialising: $(vault_errors)"
    sleep 1
  done
}

enable_approle() {
  vault_ok GET sys/auth
  local auth_type
  auth_type=$(jq -r '(.data["approle/"] // .["approle/"] // {}).type // ""' "$RESPONSE_FILE")
  case "$auth_type" in
    approle) log "approle auth already enabled at approle/" ;;
    "")
      vault_ok POST sys/auth/approle '{"type":"approle","description":"Intellidial Gateway machine login"}'
      log "enabled approle auth at approle/"
      ;;
    *) die "approle/ is used by an auth method of type '$auth_type'" ;;
  esac
}

# Policies are overwritten on every run, so the HCL files are the source of truth.
write_policy() {
  local name=$1 file="$HERE/policies/$1.hcl"
  [ -r "$file" ] || die "missing policy file $file"
  vault_ok PUT "sys/policies/acl/$name" "$(jq -Rs '{policy: .}' < "$file")"
  log "wrote policy $name"
}

write_role() {
  local body
  # token_type service: renewable, so the gateway's session manager can renew
  # until token_max_ttl and then log in again. secret_id_num_uses 0: the same
  # secret-id is used for every re-login of a long-running gateway.
  body=$(jq -n --arg policies "$TOKEN_POLICIES" --arg ttl "$TOKEN_TTL" \
    --arg max "$TOKEN_MAX_TTL" --arg sttl "$SECRET_ID_TTL" '{
      token_policies: ($policies | split(",") | map(gsub("^\\s+|\\s+$"; "")) | map(select(length > 0))),
      token_ttl: $ttl, token_max_ttl: $max, token_type: "service",
      bind_secret_id: true, secret_id_ttl: $sttl, secret_id_num_uses: 0
    }')
  vault_ok POST "auth/approle/role/$ROLE_NAME" "$body"
  log "wrote approle role $ROLE_NAME (policies $TOKEN_POLICIES, token_ttl $TOKEN_TTL, token_max_ttl $TOKEN_MAX_TTL, secret_id_ttl $SECRET_ID_TTL)"
}

# write_private_file NAME: stdin to OUT_DIR/NAME, mode 0600, replaced atomically
# so the gateway never reads a half-written file.
write_private_file() {
  local target="$OUT_DIR/$1" tmp
  tmp=$(mktemp "$OUT_DIR/.$1.XXXXXX")
  cat > "$tmp"
  chmod 0600 "$tmp"
  if [ -n "$OUT_OWNER" ]; then chown "$OUT_OWNER" "$tmp"; fi
  mv -f "$tmp" "$target"
}

write_approle_files() {
  mkdir -p "$OUT_DIR"
  # The gateway runs as a non-root user: it must be able to enter the directory.
  if [ -n "$OUT_OWNER" ]; then chown "$OUT_OWNER" "$OUT_DIR"; fi

  local role_id secret_id accessor
  vault_ok GET "auth/approle/role/$ROLE_NAME/role-id"
  role_id=$(jq -r '.data.role_id // empty' "$RESPONSE_FILE")
  [ -n "$role_id" ] || die "Vault returned no role_id"
  printf '%s' "$role_id" | write_private_file role-id

  if [ "$REVOKE_PREVIOUS_SECRET_ID" = 1 ] && [ -s "$OUT_DIR/secret-id-accessor" ]; then
    local previous
    previous=$(cat "$OUT_DIR/secret-id-accessor")
    vault_call POST "auth/approle/role/$ROLE_NAME/secret-id-accessor/destroy" \
      "$(jq -n --arg a "$previous" '{secret_id_accessor: $a}')"
    case "$HTTP_STATUS" in
      2??) log "destroyed the previous secret-id" ;;
      *) log "previous secret-id not destroyed (HTTP $HTTP_STATUS, probably already expired)" ;;
    esac
  fi

  # The metadata is visible to operators (lookup by accessor), never a secret.
  vault_ok POST "auth/approle/role/$ROLE_NAME/secret-id" '{"metadata":"{\"issued_by\":\"bootstrap.sh\"}"}'
  secret_id=$(jq -r '.data.secret_id // empty' "$RESPONSE_FILE")
  accessor=$(jq -r '.data.secret_id_accessor // empty' "$RESPONSE_FILE")
  if [ -z "$secret_id" ] || [ -z "$accessor" ]; then die "Vault returned no secret_id"; fi
  printf '%s' "$secret_id" | write_private_file secret-id
  printf '%s' "$accessor" | write_private_file secret-id-accessor
  log "wrote $OUT_DIR/role-id and a fresh $OUT_DIR/secret-id (mode 0600)"
}

# seed PATH JSON_DATA: first version only (check-and-set 0 = create-only), so a
# re-run never overwrites a credential that was rotated in the meantime.
seed() {
  local path=$1 data=$2
  vault_call POST "$KV_MOUNT/data/$path" "$(printf '%s' "$data" | jq -c '{options: {cas: 0}, data: .}')"
  case "$HTTP_STATUS" in
    2??) log "seeded $path" ;;
    400)
      if grep -q 'check-and-set parameter did not match' "$RESPONSE_FILE"; then
        log "kept existing $path"
      else
        die "seeding $path failed: $(vault_errors)"
      fi
      ;;
    *) die "seeding $path failed with HTTP $HTTP_STATUS: $(vault_errors)" ;;
  esac
}

# twilio_json SID TOKEN / vapi_json KEY build the secret's data through jq's
# environment access rather than --arg, which would put values on jq's command line.
vapi_json() { V1=$1 jq -n '{api_key: env.V1}'; }
twilio_json() { V1=$1 V2=$2 jq -n '{account_sid: env.V1, auth_token: env.V2}'; }

# The demo values are the simulator's accounts (docker-compose.yml passes the
# same variables to both), so the seeded tenants work end to end.
seed_demo() {
  seed gateway/platform/vapi "$(vapi_json "${SIM_PLATFORM_VAPI_KEY:-sim-vapi-platform-key}")"
  seed gateway/platform/twilio "$(twilio_json \
    "${SIM_PLATFORM_TWILIO_SID:-ACcccccccccccccccccccccccccccccccc}" \
    "${SIM_PLATFORM_TWILIO_TOKEN:-sim-twilio-platform-token}")"
  seed gateway/tenants/acme/vapi "$(vapi_json "${SIM_ACME_VAPI_KEY:-sim-vapi-acme-key}")"
  seed gateway/tenants/acme/twilio "$(twilio_json \
    "${SIM_ACME_TWILIO_SID:-ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}" \
    "${SIM_ACME_TWILIO_TOKEN:-sim-twilio-acme-token}")"
  seed gateway/tenants/globex/vapi "$(vapi_json "${SIM_GLOBEX_VAPI_KEY:-sim-vapi-globex-key}")"
  seed gateway/tenants/globex/twilio "$(twilio_json \
    "${SIM_GLOBEX_TWILIO_SID:-ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb}" \
    "${SIM_GLOBEX_TWILIO_TOKEN:-sim-twilio-globex-token}")"
}

wait_for_vault "${VAULT_WAIT_SECONDS:-60}"
enable_kv2
enable_approle
write_policy gateway
write_policy gateway-admin
write_role
write_approle_files
if [ "$SEED_DEMO" = 1 ]; then seed_demo; fi
log "done"

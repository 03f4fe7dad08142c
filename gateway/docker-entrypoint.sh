#!/bin/sh
# Container entrypoint for the gateway image.
#
# vault-init (docker-compose.yml) writes the AppRole role-id and secret-id as
# files into a shared volume. Spring Boot binds environment variables, so read
# them here rather than passing secrets through compose's environment (which
# `docker inspect` would show). Variables already set explicitly win.
# Env names are the relaxed-binding forms of gateway.secrets.vault.app-role.role-id
# and .secret-id.
set -eu

APPROLE_DIR=${APPROLE_DIR:-/vault/approle}

if [ -z "${GATEWAY_SECRETS_VAULT_APPROLE_ROLEID:-}" ] && [ -r "$APPROLE_DIR/role-id" ]; then
  GATEWAY_SECRETS_VAULT_APPROLE_ROLEID=$(cat "$APPROLE_DIR/role-id")
  export GATEWAY_SECRETS_VAULT_APPROLE_ROLEID
fi
if [ -z "${GATEWAY_SECRETS_VAULT_APPROLE_SECRETID:-}" ] && [ -r "$APPROLE_DIR/secret-id" ]; then
  GATEWAY_SECRETS_VAULT_APPROLE_SECRETID=$(cat "$APPROLE_DIR/secret-id")
  export GATEWAY_SECRETS_VAULT_APPROLE_SECRETID
fi

# JAVA_OPTS is split into words on purpose (several JVM flags in one variable).
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -jar /app/gateway.jar "$@"

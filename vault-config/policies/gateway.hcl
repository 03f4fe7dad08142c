# Policy "gateway": attached to the gateway's AppRole (role "gateway").
#
# The gateway only ever reads the current version of a credential
# (DESIGN.md sections 4 and 6). Everything else is deliberately absent:
#   - no metadata/: the data read already returns the version number the
#     credential cache needs, and the gateway never enumerates tenants;
#   - no create/update/patch: credentials are written by admins (policy
#     "gateway-admin"), so a compromised gateway token cannot overwrite or plant
#     a credential;
#   - no delete/, undelete/, destroy/: lifecycle is an admin concern.
# Token self-operations (lookup-self, renew-self, revoke-self) come from Vault's
# built-in "default" policy, which AppRole attaches unless
# token_no_default_policy=true (bootstrap.sh leaves it false).
#
# KV v2 (mount "secret") puts data under secret/data/<path>, so the policy
# must name data/ explicitly; "secret/gateway/*" would match nothing.

# Read the current (or a given) version of every gateway credential:
# platform/vapi, platform/twilio, tenants/<id>/{vapi,twilio,webhook}.
path "secret/data/gateway/*" { capabilities = ["read"] }

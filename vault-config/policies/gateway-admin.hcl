# Policy "gateway-admin": writes and rotates tenant credentials
# (admin API / rotate.sh, DESIGN.md sections 6 and 10).
#
# Scope is tenants/* only. Platform credentials (secret/data/gateway/platform/*)
# are written by the platform administrator's own token, never by this policy,
# so a leaked admin token can touch tenants' credentials but not the platform's
# VAPI org or Twilio master account.
#
# Deliberately absent (default deny):
#   - "patch" on data/: rotation writes a full new version with check-and-set
#     (rotate.sh), it never needs a merge-patch;
#   - "delete" on data/: soft-deleting "whatever is latest" is too easy to do by
#     accident; soft-deletes go through delete/ with explicit version numbers;
#   - destroy/: permanently erases a version's data, so an old credential could
#     not be restored during an incident; left to the root/platform operator;
#   - "delete" on metadata/: purges every version and the history, same reason;
#   - "update"/"patch" on metadata/: changing max_versions or cas_required is an
#     engine-level decision, not a routine admin task;
#   - "sudo", sys/*, auth/*: nothing outside the KV paths.
# KV v2 policies must name data/, metadata/, delete/, undelete/ and destroy/
# explicitly (each is a separate API path).

# Write a new version (create: first version of a key; update: later versions,
# with check-and-set) and read the current values that rotation keeps.
path "secret/data/gateway/tenants/*" { capabilities = ["create", "update", "read"] }

# Read a key's metadata (current_version for check-and-set, version history)
# and list tenants and their credentials.
path "secret/metadata/gateway/tenants/*" { capabilities = ["read", "list"] }

# Soft-delete given versions (POST with {"versions":[...]}); reversible.
path "secret/delete/gateway/tenants/*" { capabilities = ["update"] }

# Undo a soft-delete (POST with {"versions":[...]}).
path "secret/undelete/gateway/tenants/*" { capabilities = ["update"] }

-- Admin principals, key lifecycle, tenant settings and the tamper-evident audit log (issue #10).

-- Admin tokens are igw_admin_<token_id>_<secret>; only sha256(secret) is stored, as for tenant keys.
create table admin_tokens (
    token_id        text primary key check (token_id ~ '^[a-z0-9]{1,32}$'),
    name            text not null check (length(name) between 1 and 200),
    role            text not null check (role in ('admin', 'viewer')),
    secret_sha256   bytea not null check (length(secret_sha256) = 32),
    created_at      timestamptz not null default now(),
    created_by      text,
    expires_at      timestamptz,
    revoked_at      timestamptz
);

alter table tenants add column offboarded_at timestamptz;
alter table tenants drop constraint tenants_status_check;
alter table tenants add constraint tenants_status_check check (status in ('active', 'suspended', 'offboarded'));

-- "Last used" is written in batches (at most once a minute per key), never per request.
alter table api_keys add column last_used_at timestamptz;
alter table api_keys add column rotated_to text;
alter table api_keys add constraint api_keys_label_length check (label is null or length(label) <= 200);

-- One row per admin action. Each row's hash is sha256(previous row's hash || content), where
-- content is the canonical JSON of the row's fields written by the gateway: altering, deleting
-- or inserting a row breaks the chain from that row on (GET /admin/v1/audit/verify).
-- The gateway's database role needs only insert and select here (docs/deployment.md).
create table audit_log (
    seq         bigserial primary key,
    at          timestamptz not null,
    actor       text not null,
    action      text not null,
    tenant_id   text,
    request_id  text not null,
    outcome     integer not null,
    content     text not null,
    -- Unique: two writers that read the same head cannot both append after it; the loser retries.
    prev_hash   bytea not null unique check (length(prev_hash) = 32),
    hash        bytea not null check (length(hash) = 32)
);

create index audit_log_tenant_idx on audit_log (tenant_id, seq);
create index audit_log_at_idx on audit_log (at);

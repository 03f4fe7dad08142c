-- Tenants and their gateway keys (DESIGN.md sections 2 and 7).
-- A key is igw_<env>_<key_id>_<secret>; only sha256(secret) is stored.

create table tenants (
    id              text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name            text not null check (length(name) between 1 and 200),
    status          text not null default 'active' check (status in ('active', 'suspended')),
    vapi_mode       text not null default 'shared-org' check (vapi_mode in ('shared-org', 'dedicated-org')),
    telephony_mode  text not null default 'vapi-number'
                    check (telephony_mode in ('vapi-number', 'platform-twilio', 'byo-twilio', 'shared-pool')),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

create table api_keys (
    key_id          text primary key check (key_id ~ '^[a-z0-9]{1,32}$'),
    tenant_id       text not null references tenants (id),
    env             text not null check (env ~ '^[a-z0-9]{1,16}$'),
    secret_sha256   bytea not null check (length(secret_sha256) = 32),
    label           text,
    status          text not null default 'active' check (status in ('active', 'revoked')),
    created_at      timestamptz not null default now(),
    expires_at      timestamptz,
    revoked_at      timestamptz
);

create index api_keys_tenant_idx on api_keys (tenant_id);

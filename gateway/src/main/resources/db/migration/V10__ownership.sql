-- Ownership of upstream resources (DESIGN.md section 5): a resource has exactly one owner, and a
-- tenant-chosen alias ("default", "collections-bot") names at most one resource per type.

create table ownership (
    tenant_id       text not null references tenants (id),
    upstream        text not null check (upstream ~ '^[a-z][a-z0-9-]*$'),
    resource_type   text not null check (resource_type ~ '^[a-z][a-z0-9-]*$'),
    upstream_id     text not null check (length(upstream_id) between 1 and 128),
    alias           text check (alias ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    created_at      timestamptz not null default now(),
    primary key (upstream, resource_type, upstream_id)
);

create unique index ownership_alias_idx on ownership (tenant_id, upstream, resource_type, alias)
    where alias is not null;

create index ownership_tenant_idx on ownership (tenant_id, upstream, resource_type);

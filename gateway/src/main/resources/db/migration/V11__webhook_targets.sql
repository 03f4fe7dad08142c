-- The tenant's own webhook URLs, replaced in request bodies by the gateway's tenant webhook URL
-- and kept here so the webhook relay knows where to forward (DESIGN.md sections 4 and 9).

create table webhook_targets (
    tenant_id       text not null references tenants (id),
    resource_type   text not null,
    resource_id     text not null,
    field           text not null,
    url             text not null check (length(url) between 1 and 2048),
    updated_at      timestamptz not null default now(),
    primary key (resource_type, resource_id, field)
);

create index webhook_targets_tenant_idx on webhook_targets (tenant_id);

-- A tenant-level fallback for messages no resource URL covers (e.g. org-level VAPI messages).
alter table tenants add column webhook_url text check (length(webhook_url) between 1 and 2048);

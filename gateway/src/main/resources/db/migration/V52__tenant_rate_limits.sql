-- Per-tenant rate limits set through the admin API (issue #10); they override
-- gateway.rate-limits.tenant and gateway.rate-limits.tenants.<id>.
create table tenant_rate_limits (
    tenant_id       text primary key references tenants (id),
    replenish_rate  double precision not null check (replenish_rate > 0),
    burst_capacity  bigint not null check (burst_capacity >= 1),
    updated_at      timestamptz not null default now()
);

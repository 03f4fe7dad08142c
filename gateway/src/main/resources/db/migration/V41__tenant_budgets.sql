-- Per-tenant budgets (issue #6 item 4). A null limit means "no limit".
create table tenant_budgets (
    tenant_id           text primary key references tenants (id),
    calls_per_day       integer check (calls_per_day >= 0),
    minutes_per_month   numeric check (minutes_per_month >= 0),
    spend_per_month_usd numeric check (spend_per_month_usd >= 0)
);

-- What counts against the budgets: calls created today, and this month's ended-call minutes and
-- spend plus the estimates of calls in flight. One row per tenant, updated atomically with the
-- limit check, so concurrent calls on any number of instances cannot overshoot.
create table budget_usage (
    tenant_id       text primary key,
    day             date not null,
    calls_today     integer not null default 0,
    month           date not null,
    minutes_month   numeric not null default 0,
    spend_month_usd numeric not null default 0
);

-- The estimate a call in flight holds until its end-of-call report settles it (or it expires).
create table budget_reservations (
    id          uuid primary key,
    tenant_id   text not null,
    call_id     text unique,
    day         date not null,
    month       date not null,
    minutes     numeric not null,
    spend_usd   numeric not null,
    expires_at  timestamptz not null
);

create index budget_reservations_expiry_idx on budget_reservations (expires_at);

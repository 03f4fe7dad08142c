-- The usage ledger (DESIGN.md section 8): billing truth. Every counted event leaves its
-- idempotency key in usage_events, inserted in the same statement that adds it to the counters,
-- so a replayed or duplicated event is counted at most once and a counted one is never lost.
-- No foreign keys or checks here on purpose: a batch must never be refused for its content,
-- or it would sit in the spill file forever.

create table usage_events (
    idempotency_key text primary key,
    tenant_id       text not null,
    kind            text not null,
    occurred_at     timestamptz not null,
    recorded_at     timestamptz not null default now()
);

create index usage_events_recorded_idx on usage_events (recorded_at);

-- Hourly counters per tenant (UTC hours); every column is a sum of counted events.
create table usage_hourly (
    tenant_id           text not null,
    hour                timestamptz not null,
    requests            bigint not null default 0,
    errors              bigint not null default 0,
    request_bytes       bigint not null default 0,
    response_bytes      bigint not null default 0,
    upstream_millis     bigint not null default 0,
    calls_created       bigint not null default 0,
    calls_ended         bigint not null default 0,
    call_minutes        numeric not null default 0,
    call_cost_usd       numeric not null default 0,
    twilio_calls        bigint not null default 0,
    twilio_call_seconds bigint not null default 0,
    twilio_messages     bigint not null default 0,
    twilio_cost_usd     numeric not null default 0,
    primary key (tenant_id, hour)
);

-- One row per VAPI call; created and ended events fill their own columns in any order.
create table calls (
    call_id         text primary key,
    tenant_id       text not null,
    created_at      timestamptz,
    started_at      timestamptz,
    ended_at        timestamptz,
    minutes         numeric,
    cost_usd        numeric,
    cost_breakdown  jsonb,
    ended_reason    text
);

create index calls_tenant_created_idx on calls (tenant_id, created_at);

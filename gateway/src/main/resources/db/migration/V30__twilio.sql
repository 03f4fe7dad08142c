-- Twilio (issue #5): number ownership in the shared platform pool, calls placed through the
-- gateway (ownership and the tenant's own StatusCallback), status-callback dedupe, and
-- idempotent number provisioning.

-- A number a tenant owns: in the shared pool the gateway enforces it; in a tenant's own
-- (sub)account it records what provisioning bought.
create table twilio_numbers (
    phone_number_sid  text primary key check (phone_number_sid ~ '^PN[0-9a-fA-F]{32}$'),
    tenant_id         text not null references tenants (id),
    account_sid       text not null check (account_sid ~ '^AC[0-9a-fA-F]{32}$'),
    phone_number      text not null check (phone_number ~ '^\+[0-9]{6,15}$'),
    vapi_phone_number_id text,
    created_at        timestamptz not null default now()
);

create index twilio_numbers_tenant_idx on twilio_numbers (tenant_id);
create unique index twilio_numbers_number_idx on twilio_numbers (account_sid, phone_number);

-- A call placed through the gateway, with the StatusCallback the tenant asked for (the gateway
-- points Twilio at itself and relays).
create table twilio_calls (
    call_sid          text primary key check (call_sid ~ '^CA[0-9a-fA-F]{32}$'),
    tenant_id         text not null references tenants (id),
    status_callback   text,
    created_at        timestamptz not null default now()
);

create index twilio_calls_tenant_idx on twilio_calls (tenant_id);

-- Status callbacks are at-least-once: one row per (CallSid, SequenceNumber) accepted.
create table twilio_status_events (
    call_sid          text not null,
    sequence_number   integer not null check (sequence_number >= 0),
    tenant_id         text not null references tenants (id),
    call_status       text not null,
    received_at       timestamptz not null default now(),
    primary key (call_sid, sequence_number)
);

-- One provisioning run per idempotency key; a re-run resumes from the recorded state.
create table provisioning_operations (
    idempotency_key   text primary key check (length(idempotency_key) between 1 and 200),
    tenant_id         text not null references tenants (id),
    state             text not null check (state in ('started', 'bought', 'imported', 'compensated')),
    account_sid       text,
    phone_number      text,
    phone_number_sid  text,
    vapi_phone_number_id text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);

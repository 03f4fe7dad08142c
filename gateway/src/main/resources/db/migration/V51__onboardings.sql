-- Onboarding sagas (issue #10): every step is recorded with its upstream ids before the next
-- starts, so a failure compensates exactly what was done and an interrupted run resumes.
create table onboardings (
    id               uuid primary key,
    idempotency_key  text not null unique check (length(idempotency_key) between 1 and 200),
    request_sha256   bytea not null check (length(request_sha256) = 32),
    tenant_id        text not null,
    state            text not null check (state in ('running', 'completed', 'failed')),
    steps            text not null,
    failure          text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

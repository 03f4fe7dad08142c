package com.intellidial.gateway.metering;

import java.time.Instant;

/**
 * One metered fact. Its {@link #idempotencyKey()} is unique per fact (request id; call id + event
 * type; CallSid + sequence number), so a replayed or duplicated event is counted once: the ledger
 * enforces that with unique keys in the database.
 */
public interface UsageEvent {

    /** Unique per fact; the same fact delivered twice carries the same key. */
    String idempotencyKey();

    /** The tenant the usage is billed to. */
    String tenantId();

    /** When the fact happened (not when it was received). */
    Instant occurredAt();
}

package com.intellidial.gateway.metering;

/**
 * Where usage events go. {@link #record(UsageEvent)} never blocks and never fails the caller: the
 * request path and webhook handlers hand events over and move on (the ledger buffers, batches,
 * spills to disk when PostgreSQL is unavailable, and replays).
 */
@FunctionalInterface
public interface UsageSink {

    /** Hands an event to the ledger; returns at once. */
    void record(UsageEvent event);
}

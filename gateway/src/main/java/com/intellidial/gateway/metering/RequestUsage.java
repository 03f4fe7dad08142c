package com.intellidial.gateway.metering;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One authenticated request the gateway answered, proxied or refused after authentication.
 * @param eventId unique per exchange, made by the gateway (never the client's request id, which a
 * client could repeat to go unmetered)
 * @param requestId the request id, for correlation
 * @param tenantId the tenant billed
 * @param keyId the gateway key used
 * @param catalogEntry the matched endpoint catalog entry id; {@code null} when no entry matched
 * @param method the HTTP method
 * @param status the status answered to the client
 * @param requestBytes body bytes read from the client
 * @param responseBytes body bytes written to the client
 * @param upstreamLatencyMillis milliseconds until the upstream's response headers; {@code -1} when
 * the request was never forwarded
 * @param occurredAt when the exchange completed
 */
public record RequestUsage(String eventId, String requestId, String tenantId, String keyId,
        @Nullable String catalogEntry, String method, int status, long requestBytes, long responseBytes,
        long upstreamLatencyMillis, Instant occurredAt) implements UsageEvent {

    public RequestUsage {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    @Override
    public String idempotencyKey() {
        return "request:" + this.eventId;
    }
}

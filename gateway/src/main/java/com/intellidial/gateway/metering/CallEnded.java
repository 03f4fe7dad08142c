package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A VAPI call ended, from its end-of-call report: the billing truth for minutes and cost.
 * @param callId the VAPI call id
 * @param tenantId the tenant billed
 * @param minutes billed minutes ({@code endedAt - startedAt}, or VAPI's own minutes)
 * @param costUsd VAPI's total cost in USD
 * @param costBreakdown VAPI's {@code costBreakdown} as sent (stored as JSON, not summed)
 * @param endedReason VAPI's {@code endedReason}
 * @param startedAt when the call started; {@code null} for calls that never connected
 * @param endedAt when the call ended
 */
public record CallEnded(String callId, String tenantId, BigDecimal minutes, BigDecimal costUsd,
        Map<String, Object> costBreakdown, String endedReason, @Nullable Instant startedAt, Instant endedAt)
        implements UsageEvent {

    public CallEnded {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(minutes, "minutes");
        Objects.requireNonNull(costUsd, "costUsd");
        Objects.requireNonNull(endedReason, "endedReason");
        Objects.requireNonNull(endedAt, "endedAt");
        costBreakdown = Collections.unmodifiableMap(new LinkedHashMap<>(costBreakdown));
    }

    @Override
    public String idempotencyKey() {
        return "call:" + this.callId + ":ended";
    }

    @Override
    public Instant occurredAt() {
        return this.endedAt;
    }
}

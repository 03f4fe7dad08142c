package com.intellidial.gateway.metering;

import java.time.Instant;
import java.util.Objects;

/**
 * A VAPI call was created for a tenant (a successful {@code POST /vapi/call}, or a webhook that
 * reports a call the gateway did not see created).
 * @param callId the VAPI call id
 * @param tenantId the tenant billed
 * @param occurredAt when the call was created
 */
public record CallCreated(String callId, String tenantId, Instant occurredAt) implements UsageEvent {

    public CallCreated {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    @Override
    public String idempotencyKey() {
        return "call:" + this.callId + ":created";
    }
}

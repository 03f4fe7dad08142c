package com.intellidial.gateway.metering;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * A Twilio call reached a terminal status, as reported by a status callback: the minutes to bill.
 * The idempotency key is {@code CallSid:SequenceNumber}, so a redelivered callback counts once.
 * @param idempotencyKey {@code CallSid:SequenceNumber}
 * @param tenantId the tenant the call is billed to
 * @param occurredAt when Twilio fired the callback
 * @param callSid the call
 * @param status the terminal status ({@code completed}, {@code busy}, {@code failed}, ...)
 * @param durationSeconds the call's duration ({@code CallDuration}; 0 when it never connected)
 */
public record TwilioCallUsage(String idempotencyKey, String tenantId, Instant occurredAt, String callSid,
        String status, long durationSeconds) implements UsageEvent {

    public TwilioCallUsage {
        Assert.hasText(idempotencyKey, "idempotencyKey must not be empty");
        Assert.hasText(tenantId, "tenantId must not be empty");
        Assert.hasText(callSid, "callSid must not be empty");
        Assert.isTrue(durationSeconds >= 0, "durationSeconds must not be negative");
    }
}

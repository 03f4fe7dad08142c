package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One Twilio call status callback. Twilio numbers the callbacks of a call with
 * {@code SequenceNumber}, so each is counted once; only the final one carries a duration.
 * @param callSid Twilio's {@code CallSid}
 * @param accountSid the (sub)account the call belongs to
 * @param tenantId the tenant billed
 * @param status Twilio's {@code CallStatus}
 * @param durationSeconds {@code CallDuration}; {@code 0} until the call completed
 * @param priceUsd the call's price when Twilio reported it; {@code null} otherwise
 * @param sequenceNumber Twilio's {@code SequenceNumber} of the callback
 * @param occurredAt when Twilio sent the callback ({@code Timestamp})
 */
public record TwilioCallUsage(String callSid, String accountSid, String tenantId, String status, long durationSeconds,
        @Nullable BigDecimal priceUsd, int sequenceNumber, Instant occurredAt) implements UsageEvent {

    /** The statuses that end a call; the callback carrying one of them counts the call. */
    public static final Set<String> FINAL_STATUSES = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    public TwilioCallUsage {
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    @Override
    public String idempotencyKey() {
        return this.callSid + ":" + this.sequenceNumber;
    }
}

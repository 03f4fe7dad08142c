package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One Twilio message status callback, counted once per message and status. A message counts as
 * sent once, at the status that bills it ({@link #BILLED_STATUSES}), whatever callbacks follow.
 * @param messageSid Twilio's {@code MessageSid}
 * @param accountSid the (sub)account the message belongs to
 * @param tenantId the tenant billed
 * @param status Twilio's {@code MessageStatus}
 * @param priceUsd the message's price when Twilio reported it; {@code null} otherwise
 * @param occurredAt when the callback was received
 */
public record TwilioMessageUsage(String messageSid, String accountSid, String tenantId, String status,
        @Nullable BigDecimal priceUsd, Instant occurredAt) implements UsageEvent {

    /** The statuses at which a message is billed: outbound once sent, inbound once received. */
    public static final Set<String> BILLED_STATUSES = Set.of("sent", "received");

    public TwilioMessageUsage {
        Objects.requireNonNull(messageSid, "messageSid");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    @Override
    public String idempotencyKey() {
        return this.messageSid + ":" + this.status;
    }

    /** Whether this callback is the one that counts the message. */
    public boolean billed() {
        return BILLED_STATUSES.contains(this.status);
    }
}

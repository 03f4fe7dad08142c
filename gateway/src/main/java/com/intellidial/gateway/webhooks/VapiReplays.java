package com.intellidial.gateway.webhooks;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import tools.jackson.databind.JsonNode;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Bounds replays of VAPI server messages, whatever the credential (a bearer token, unlike an HMAC
 * signature, carries no time): a message whose {@code timestamp} (epoch milliseconds, set by VAPI
 * on every message) is further from now than {@code max-clock-skew} is refused 403, and a copy of a
 * notification already accepted by this instance within twice that window is acknowledged without
 * effect (not metered again, not relayed again). Messages VAPI waits on are answered again: VAPI
 * retries them when an answer was late, and answering has no effect of its own.
 */
final class VapiReplays {

    private final Duration window;

    private final Clock clock;

    private final Cache<String, Boolean> accepted;

    VapiReplays(Duration maxClockSkew, Clock clock, long maxEntries) {
        this.window = maxClockSkew;
        this.clock = clock;
        this.accepted = Caffeine.newBuilder().expireAfterWrite(maxClockSkew.multipliedBy(2)).maximumSize(maxEntries).build();
    }

    /** Fails with 403 for a stale or future message. */
    void requireFresh(VapiServerMessage message) {
        JsonNode timestamp = message.message().get("timestamp");
        if (timestamp == null || !timestamp.isNumber()) {
            return;
        }
        Instant sent = Instant.ofEpochMilli(timestamp.asLong());
        if (Duration.between(sent, this.clock.instant()).abs().compareTo(this.window) > 0) {
            throw new GatewayException(ProblemType.FORBIDDEN, "This VAPI server message is too old (or from the future).");
        }
    }

    /** Whether this is the first accepted copy of a notification for this tenant (always true for messages VAPI waits on). */
    boolean firstDelivery(String tenantId, VapiServerMessage message) {
        if (message.expectsAnswer()) {
            return true;
        }
        String key = tenantId + ":" + sha256(message.body());
        return this.accepted.asMap().putIfAbsent(key, Boolean.TRUE) == null;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is unavailable", ex);
        }
    }
}

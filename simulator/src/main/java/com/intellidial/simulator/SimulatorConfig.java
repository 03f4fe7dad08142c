package com.intellidial.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/** What a {@link Simulator} serves: its port and the VAPI keys and Twilio credentials it accepts; immutable. */
public final class SimulatorConfig {

    private final String host;

    private final int port;

    private final Map<String, String> vapiKeys;

    private final Map<String, String> twilioAccounts;

    private final List<TwilioApiKey> twilioApiKeys;

    private final Duration callRingingAfter;

    private final Duration callAnsweredAfter;

    private final Duration callDuration;

    private final @Nullable String vapiWebhookBearer;

    private final @Nullable String vapiWebhookHmacSecret;

    private final int vapiWebhookRetries;

    private final Duration vapiWebhookRetryDelay;

    private SimulatorConfig(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.vapiKeys = Map.copyOf(builder.vapiKeys);
        this.twilioAccounts = Map.copyOf(builder.twilioAccounts);
        this.twilioApiKeys = List.copyOf(builder.twilioApiKeys.values());
        this.callRingingAfter = builder.callRingingAfter;
        this.callAnsweredAfter = builder.callAnsweredAfter;
        this.callDuration = builder.callDuration;
        this.vapiWebhookBearer = builder.vapiWebhookBearer;
        this.vapiWebhookHmacSecret = builder.vapiWebhookHmacSecret;
        this.vapiWebhookRetries = builder.vapiWebhookRetries;
        this.vapiWebhookRetryDelay = builder.vapiWebhookRetryDelay;
    }

    /** A builder with no credentials, port 0 (a random free port) and host 127.0.0.1. */
    public static Builder builder() {
        return new Builder();
    }

    /** The address to bind: 127.0.0.1 by default; 0.0.0.0 to serve other containers. */
    public String host() {
        return this.host;
    }

    /** The port to bind; 0 picks a random free port. */
    public int port() {
        return this.port;
    }

    /** VAPI API key to the org it belongs to. */
    public Map<String, String> vapiKeys() {
        return this.vapiKeys;
    }

    /** Twilio Account SID to its auth token. */
    public Map<String, String> twilioAccounts() {
        return this.twilioAccounts;
    }

    /** Twilio API keys, each belonging to an account. */
    public List<TwilioApiKey> twilioApiKeys() {
        return this.twilioApiKeys;
    }

    /** How long after creation a Twilio or VAPI call starts ringing. */
    public Duration callRingingAfter() {
        return this.callRingingAfter;
    }

    /** How long after ringing a Twilio or VAPI call is answered. */
    public Duration callAnsweredAfter() {
        return this.callAnsweredAfter;
    }

    /** How long an answered Twilio or VAPI call lasts before it completes. */
    public Duration callDuration() {
        return this.callDuration;
    }

    /** The bearer token VAPI server messages carry in {@code Authorization}; {@code null} sends none. */
    public @Nullable String vapiWebhookBearer() {
        return this.vapiWebhookBearer;
    }

    /** The secret VAPI server messages are HMAC-signed with ({@code x-signature}); {@code null} signs none. */
    public @Nullable String vapiWebhookHmacSecret() {
        return this.vapiWebhookHmacSecret;
    }

    /** How often a failed VAPI server message is retried when its {@code server.backoffPlan} says nothing. */
    public int vapiWebhookRetries() {
        return this.vapiWebhookRetries;
    }

    /** The delay before such a retry (doubled on each further one). */
    public Duration vapiWebhookRetryDelay() {
        return this.vapiWebhookRetryDelay;
    }

    /** Only what is served, never a secret. */
    @Override
    public String toString() {
        return "SimulatorConfig[host=" + this.host + ", port=" + this.port + ", vapiOrgs="
                + this.vapiKeys.values().stream().distinct().sorted().toList() + ", twilioAccounts="
                + this.twilioAccounts.keySet().stream().sorted().toList() + ", twilioApiKeys="
                + this.twilioApiKeys.stream().map(TwilioApiKey::keySid).sorted().toList() + ", vapiWebhookAuth="
                + ((this.vapiWebhookHmacSecret != null) ? "hmac" : (this.vapiWebhookBearer != null) ? "bearer" : "none")
                + "]";
    }

    /** A Twilio API key ({@code SK...}) and its secret, belonging to {@code accountSid}. */
    public record TwilioApiKey(String accountSid, String keySid, String keySecret) {

        public TwilioApiKey {
            requireText(accountSid, "accountSid");
            requireText(keySid, "keySid");
            requireText(keySecret, "keySecret");
        }

        /** Only the SIDs: the secret is never printed. */
        @Override
        public String toString() {
            return "TwilioApiKey[accountSid=" + this.accountSid + ", keySid=" + this.keySid + "]";
        }
    }

    /** Builds a {@link SimulatorConfig}; later calls for the same key or account replace earlier ones. */
    public static final class Builder {

        private String host = "127.0.0.1";

        private int port;

        private final Map<String, String> vapiKeys = new LinkedHashMap<>();

        private final Map<String, String> twilioAccounts = new LinkedHashMap<>();

        private final Map<String, TwilioApiKey> twilioApiKeys = new LinkedHashMap<>();

        private Duration callRingingAfter = Duration.ofMillis(50);

        private Duration callAnsweredAfter = Duration.ofMillis(50);

        private Duration callDuration = Duration.ofSeconds(1);

        private @Nullable String vapiWebhookBearer;

        private @Nullable String vapiWebhookHmacSecret;

        private int vapiWebhookRetries = 2;

        private Duration vapiWebhookRetryDelay = Duration.ofMillis(100);

        private Builder() {
        }

        /** The address to bind (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = requireText(host, "host");
            return this;
        }

        /** The port to bind (default 0: a random free port). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** Accepts the VAPI private key {@code apiKey} for org {@code orgId}; several keys may share an org. */
        public Builder vapiKey(String apiKey, String orgId) {
            this.vapiKeys.put(requireText(apiKey, "apiKey"), requireText(orgId, "orgId"));
            return this;
        }

        /** Accepts Twilio Basic credentials {@code accountSid:authToken} for a (master) account. */
        public Builder twilioAccount(String accountSid, String authToken) {
            this.twilioAccounts.put(requireText(accountSid, "accountSid"), requireText(authToken, "authToken"));
            return this;
        }

        /** Accepts Twilio Basic credentials {@code keySid:keySecret} acting for the configured {@code accountSid}. */
        public Builder twilioApiKey(String accountSid, String keySid, String keySecret) {
            this.twilioApiKeys.put(keySid, new TwilioApiKey(accountSid, keySid, keySecret));
            return this;
        }

        /** VAPI server messages carry {@code Authorization: Bearer <token>} (a bearer webhook credential). */
        public Builder vapiWebhookBearer(String token) {
            this.vapiWebhookBearer = requireText(token, "token");
            return this;
        }

        /**
         * VAPI server messages are signed like an HMAC webhook credential with its defaults:
         * {@code x-timestamp} (epoch milliseconds) and {@code x-signature}, the hex HMAC-SHA256 of
         * {@code {timestamp}.{body}}.
         */
        public Builder vapiWebhookHmac(String secret) {
            this.vapiWebhookHmacSecret = requireText(secret, "secret");
            return this;
        }

        /**
         * Retries for VAPI server messages whose {@code server.backoffPlan} is unset (default 2 retries
         * after 100 ms, doubling; VAPI itself does not retry by default).
         */
        public Builder vapiWebhookRetries(int retries, Duration firstDelay) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must not be negative: " + retries);
            }
            this.vapiWebhookRetries = retries;
            this.vapiWebhookRetryDelay = requireNotNegative(firstDelay, "firstDelay");
            return this;
        }

        /** The Twilio and VAPI call timeline: ringing, then answered, then completed after {@code duration}. */
        public Builder callTimeline(Duration ringingAfter, Duration answeredAfter, Duration duration) {
            this.callRingingAfter = requireNotNegative(ringingAfter, "ringingAfter");
            this.callAnsweredAfter = requireNotNegative(answeredAfter, "answeredAfter");
            this.callDuration = requireNotNegative(duration, "duration");
            return this;
        }

        /** The configuration; every API key must belong to a configured account. */
        public SimulatorConfig build() {
            for (TwilioApiKey key : this.twilioApiKeys.values()) {
                if (!this.twilioAccounts.containsKey(key.accountSid())) {
                    throw new IllegalStateException(
                            "API key " + key.keySid() + " belongs to unknown account " + key.accountSid());
                }
            }
            return new SimulatorConfig(this);
        }

        private static Duration requireNotNegative(Duration duration, String name) {
            if (Objects.requireNonNull(duration, name).isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + duration);
            }
            return duration;
        }
    }

    private static String requireText(String value, String name) {
        if (Objects.requireNonNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}

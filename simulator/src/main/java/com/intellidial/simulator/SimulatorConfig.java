package com.intellidial.simulator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a {@link Simulator} serves: its port and the VAPI keys and Twilio credentials it accepts; immutable. */
public final class SimulatorConfig {

    private final String host;

    private final int port;

    private final Map<String, String> vapiKeys;

    private final Map<String, String> twilioAccounts;

    private final List<TwilioApiKey> twilioApiKeys;

    private SimulatorConfig(Builder builder) {
        this.host = builder.host;
        this.port = builder.port;
        this.vapiKeys = Map.copyOf(builder.vapiKeys);
        this.twilioAccounts = Map.copyOf(builder.twilioAccounts);
        this.twilioApiKeys = List.copyOf(builder.twilioApiKeys.values());
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

    /** Only what is served, never a secret. */
    @Override
    public String toString() {
        return "SimulatorConfig[host=" + this.host + ", port=" + this.port + ", vapiOrgs="
                + this.vapiKeys.values().stream().distinct().sorted().toList() + ", twilioAccounts="
                + this.twilioAccounts.keySet().stream().sorted().toList() + ", twilioApiKeys="
                + this.twilioApiKeys.stream().map(TwilioApiKey::keySid).sorted().toList() + "]";
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
    }

    private static String requireText(String value, String name) {
        if (Objects.requireNonNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}

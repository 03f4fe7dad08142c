package com.intellidial.gateway.credentials;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where upstream credentials come from ({@code gateway.secrets.*}).
 * @param backend which {@link SecretStore} serves credentials
 * @param local the configuration-backed store used by the local run and tests
 */
@ConfigurationProperties(SecretsProperties.PREFIX)
@Validated
public record SecretsProperties(@NotNull @DefaultValue("local") Backend backend, @Valid @NotNull @DefaultValue Local local) {

    public static final String PREFIX = "gateway.secrets";

    /** The secret store implementations. */
    public enum Backend {

        /** {@link LocalSecretStore}: secrets from configuration; for local runs and tests only. */
        LOCAL,

        /** HashiCorp Vault KV v2. */
        VAULT
    }

    /**
     * The local store's content.
     * @param entries secret path (e.g. {@code tenants/acme/vapi}, written {@code "[tenants/acme/vapi]"} in
     * YAML) to its fields
     */
    public record Local(@NotNull @DefaultValue Map<String, Map<String, String>> entries) {
    }
}

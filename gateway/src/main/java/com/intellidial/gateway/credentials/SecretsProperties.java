package com.intellidial.gateway.credentials;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;
import org.springframework.validation.annotation.Validated;

/**
 * Where upstream credentials are read from and how long they are cached ({@code gateway.secrets.*}).
 * @param backend which secret store backs the credential cache
 * @param local the configuration-backed store used by the local run and tests
 * @param vault how to reach and log in to HashiCorp Vault (used when {@code backend=vault})
 * @param cache how secrets are cached in front of the backend
 */
@ConfigurationProperties(SecretsProperties.PREFIX)
@Validated
public record SecretsProperties(@NotNull @DefaultValue("local") Backend backend,
        @Valid @NotNull @DefaultValue Local local, @Valid @NotNull @DefaultValue Vault vault,
        @Valid @NotNull @DefaultValue Cache cache) {

    /** Prefix of every secret store property. */
    public static final String PREFIX = "gateway.secrets";

    /** The Vault backend needs the credentials of its authentication method. */
    @AssertTrue(message = "gateway.secrets.backend=vault needs gateway.secrets.vault.token (token) or "
            + "gateway.secrets.vault.app-role.role-id and .secret-id (approle)")
    public boolean isVaultLoginConfigured() {
        return this.backend != Backend.VAULT || this.vault.hasCredentials();
    }

    /** The secret store implementations. */
    public enum Backend {

        /** {@link LocalSecretStore}: secrets from configuration; for local runs and tests only. */
        LOCAL,

        /** Secrets from HashiCorp Vault KV v2. */
        VAULT
    }

    /**
     * The local store's content.
     * @param entries secret path (e.g. {@code tenants/acme/vapi}, written {@code "[tenants/acme/vapi]"} in
     * YAML) to its fields
     */
    public record Local(@NotNull @DefaultValue Map<String, Map<String, String>> entries) {

        @Override
        public String toString() {
            return "Local[entries=" + this.entries.keySet() + "]";
        }
    }

    /** How the gateway logs in to Vault. */
    public enum Authentication {

        /** A static token ({@code gateway.secrets.vault.token}); local development. */
        TOKEN,

        /** AppRole login with role-id and secret-id; production. */
        APPROLE
    }

    /**
     * Vault connection and login.
     * @param uri base URI of the Vault server, without {@code /v1}
     * @param authentication how to log in
     * @param token the Vault token for {@code authentication=token}; never logged
     * @param appRole AppRole credentials for {@code authentication=approle}
     * @param mount the KV v2 mount holding the gateway's secrets
     * @param root the folder below the mount; paths are {@code <mount>/data/<root>/<secret path>}
     * @param connectTimeout TCP connect timeout for Vault calls
     * @param readTimeout response timeout for Vault calls
     */
    public record Vault(@NotNull @DefaultValue("http://127.0.0.1:8200") URI uri,
            @NotNull @DefaultValue("token") Authentication authentication, @Nullable String token,
            @Valid @DefaultValue AppRole appRole, @NotBlank @DefaultValue("secret") String mount,
            @NotBlank @DefaultValue("gateway") String root, @NotNull @DefaultValue("2s") Duration connectTimeout,
            @NotNull @DefaultValue("5s") Duration readTimeout) {

        /** Whether the credentials the chosen authentication needs are present. */
        boolean hasCredentials() {
            return switch (this.authentication) {
                case TOKEN -> StringUtils.hasText(this.token);
                case APPROLE -> StringUtils.hasText(this.appRole.roleId()) && StringUtils.hasText(this.appRole.secretId());
            };
        }

        @Override
        public String toString() {
            return "Vault[uri=" + this.uri + ", authentication=" + this.authentication + ", mount=" + this.mount
                    + ", root=" + this.root + "]";
        }
    }

    /**
     * AppRole login.
     * @param roleId the role's role-id
     * @param secretId the role's secret-id; never logged
     * @param path the mount path of the AppRole auth method
     */
    public record AppRole(@Nullable String roleId, @Nullable String secretId,
            @NotBlank @DefaultValue("approle") String path) {

        @Override
        public String toString() {
            return "AppRole[roleId=" + this.roleId + ", path=" + this.path + "]";
        }
    }

    /**
     * The credential cache in front of the secret store.
     * @param ttl how long a read secret is served without asking the store again
     * @param negativeTtl how long "no such secret" is remembered
     * @param refreshAhead how long before {@code ttl} ends a background refresh starts
     * @param staleIfError how long after the last successful read the last good secret is still
     * served while the store fails; after that the gateway fails closed with 503
     * @param maximumSize the most secrets held
     */
    public record Cache(@NotNull @DefaultValue("30s") Duration ttl, @NotNull @DefaultValue("5s") Duration negativeTtl,
            @NotNull @DefaultValue("10s") Duration refreshAhead, @NotNull @DefaultValue("15m") Duration staleIfError,
            @Min(1) @DefaultValue("10000") long maximumSize) {

        /** The refresh must start after the entry was written, so it must be shorter than the TTL. */
        @AssertTrue(message = "gateway.secrets.cache.refresh-ahead must be shorter than gateway.secrets.cache.ttl")
        public boolean isRefreshAheadShorterThanTtl() {
            return this.refreshAhead.compareTo(this.ttl) < 0;
        }
    }
}

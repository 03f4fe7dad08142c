package com.intellidial.gateway.admin;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin API ({@code gateway.admin.*}).
 * @param token the shared secret admins send in {@code X-Admin-Token}; when unset the admin API is
 * disabled and answers 404, so an unconfigured gateway exposes nothing
 * @param metricsToken the bearer token a scraper sends for {@code /actuator/prometheus} (per-tenant
 * usage series); when unset that endpoint answers 404. Health and info stay open.
 */
@ConfigurationProperties("gateway.admin")
public record AdminProperties(@Nullable String token, @Nullable String metricsToken) {

    @Override
    public String toString() {
        return "AdminProperties[token=" + redacted(this.token) + ", metricsToken=" + redacted(this.metricsToken) + "]";
    }

    private static String redacted(@Nullable String secret) {
        return (secret != null) ? "<redacted>" : "unset";
    }
}

package com.intellidial.gateway.admin;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin API ({@code gateway.admin.*}).
 * @param bootstrapToken an admin token ({@code igw_admin_<id>_<secret>}, secret of 32+ random
 * characters) inserted at start as role {@code admin}, so the first admin can create the others
 * ({@code POST /admin/v1/admin-tokens}); unset once real tokens exist. A weak one stops the start.
 * @param metricsToken the bearer token a scraper sends for {@code /actuator/prometheus} (per-tenant
 * usage series); when unset that endpoint answers 404. Health and info stay open.
 * @param publicApiDocs whether {@code /admin/v1/openapi.json} and Swagger UI at {@code /admin/v1/docs}
 * are served without an admin token (they describe routes, never data); off by default
 */
@ConfigurationProperties("gateway.admin")
public record AdminProperties(@Nullable String bootstrapToken, @Nullable String metricsToken, boolean publicApiDocs) {

    @Override
    public String toString() {
        return "AdminProperties[bootstrapToken=" + redacted(this.bootstrapToken) + ", metricsToken="
                + redacted(this.metricsToken) + "]";
    }

    private static String redacted(@Nullable String secret) {
        return (secret != null) ? "<redacted>" : "unset";
    }
}

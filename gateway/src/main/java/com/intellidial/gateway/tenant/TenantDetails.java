package com.intellidial.gateway.tenant;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A tenant as the admin API shows it.
 * @param tenant the tenant
 * @param status {@code active}, {@code suspended} or {@code offboarded}
 * @param webhookUrl the tenant's own default webhook URL, or {@code null}
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param lastUsedAt when any of its keys was last used (recorded at most once a minute), or {@code null}
 */
public record TenantDetails(Tenant tenant, String status, @Nullable String webhookUrl, @Nullable Instant createdAt,
        @Nullable Instant updatedAt, @Nullable Instant lastUsedAt) {
}

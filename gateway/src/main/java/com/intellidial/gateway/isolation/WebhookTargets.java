package com.intellidial.gateway.isolation;

import reactor.core.publisher.Mono;

/**
 * Where a tenant wants its webhooks: the URLs the tenant put in request bodies before the gateway
 * replaced them with its own tenant webhook URL. The webhook relay reads them.
 */
public interface WebhookTargets {

    /**
     * The tenant's own {@code server.url} for one of its resources.
     * @param tenantId the owner
     * @param resourceType the catalog resource type ({@code assistant}, {@code phone-number}, {@code squad}, {@code tool}, ...)
     * @param resourceId the upstream id of the resource
     * @return the URL, or empty when the tenant set none (or the resource is not the tenant's)
     */
    Mono<String> tenantUrl(String tenantId, String resourceType, String resourceId);

    /**
     * The tenant-level default webhook URL ({@code tenants.webhook_url}).
     * @return the URL, or empty when none is configured
     */
    Mono<String> defaultUrl(String tenantId);
}

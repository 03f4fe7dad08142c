package com.intellidial.gateway.webhooks;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Where a tenant wants a VAPI server message relayed: the URL it set on the assistant, else on the
 * phone number, else its default webhook URL. The isolation layer records these when it rewrites
 * {@code server.url} to the gateway.
 */
interface TenantWebhookUrls {

    /** The tenant's URL for a message about these resources; empty when the tenant has none. */
    Mono<URI> urlFor(String tenantId, @Nullable String assistantId, @Nullable String phoneNumberId);
}

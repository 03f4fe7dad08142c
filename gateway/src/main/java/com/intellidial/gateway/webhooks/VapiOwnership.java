package com.intellidial.gateway.webhooks;

import reactor.core.publisher.Mono;

/**
 * What the webhook endpoint needs from the isolation layer's ownership rows for VAPI resources
 * ({@code call}, {@code assistant}, {@code phone-number}, {@code squad}).
 */
interface VapiOwnership {

    /** The tenant owning the resource; empty when no tenant owns it. */
    Mono<String> ownerOf(String type, String id);

    /** Records the resource as the tenant's (an inbound call first seen in a webhook). */
    Mono<Void> claim(String tenantId, String type, String id);
}

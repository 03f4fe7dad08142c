package com.intellidial.gateway.isolation;

import com.intellidial.gateway.tenant.TenantContext;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Tenant isolation for one upstream vendor: takes the catalog match the catalog-match filter made,
 * checks and rewrites the request so it touches only the tenant's resources, and scopes the
 * response (list filtering, ownership of created resources). One implementation per upstream.
 */
public interface UpstreamIsolator {

    /** The upstream this isolator serves ({@code vapi}, {@code twilio}); equals the route id. */
    String upstream();

    /**
     * Isolates one request.
     * @param exchange the exchange, authenticated and matched
     * ({@link com.intellidial.gateway.web.GatewayAttributes#CATALOG_MATCH})
     * @param tenant the calling tenant
     * @return the exchange to continue with (request rewritten to the entry's canonical path,
     * response decorated as needed); or an error, a
     * {@link com.intellidial.gateway.web.GatewayException} (404 for anything the tenant does not own
     * or the catalog does not allow, never 403)
     */
    Mono<ServerWebExchange> isolate(ServerWebExchange exchange, TenantContext tenant);
}

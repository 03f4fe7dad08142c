package com.intellidial.gateway.web;

import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;

/**
 * Qualified exchange-attribute keys for per-request state, and the only place that names them.
 */
public final class GatewayAttributes {

    /** The request id ({@link String}). */
    public static final String REQUEST_ID = qualify("requestId");

    /** The authenticated tenant ({@code TenantContext}). */
    public static final String TENANT = qualify("tenant");

    /**
     * The matched catalog entry ({@code CatalogMatch}), set by the catalog-match filter right
     * after authentication; isolation replaces it with the same entry and its aliases resolved.
     */
    public static final String CATALOG_MATCH = qualify("catalogMatch");

    /**
     * Set ({@link Boolean#TRUE}) once the upstream's isolator checked and scoped the request; a
     * shared upstream credential is attached only to such requests.
     */
    public static final String ISOLATED = qualify("isolated");

    /** The upstream the route goes to ({@code Upstream}). */
    public static final String UPSTREAM = qualify("upstream");

    /** Nanos timestamp when the request was forwarded upstream ({@link Long}). */
    public static final String UPSTREAM_STARTED = qualify("upstreamStarted");

    /** Nanos from forwarding until the upstream's response headers arrived ({@link Long}). */
    public static final String UPSTREAM_LATENCY = qualify("upstreamLatency");

    /**
     * The upstream ids of the resources a successful create request made ({@code List<String>}),
     * set by isolation's response scoping once it read the created ids from the response body;
     * metering and budgets read it to count created calls.
     */
    public static final String CREATED_RESOURCES = qualify("createdResources");

    /** The admin a request to {@code /admin/**} was authenticated as ({@code AdminPrincipal}). */
    public static final String ADMIN = qualify("admin");

    /**
     * The tenant an admin request concerned when its route names none ({@link String}); set by the
     * handler (onboarding) so the audit row names it.
     */
    public static final String AUDIT_TENANT = qualify("auditTenant");

    private GatewayAttributes() {
    }

    private static String qualify(String name) {
        return GatewayAttributes.class.getPackageName() + "." + name;
    }

    /** The request id of the exchange; every exchange has one once the request-id filter ran. */
    public static String requestId(ServerWebExchange exchange) {
        String id = exchange.getAttribute(REQUEST_ID);
        return (id != null) ? id : "unknown";
    }

    /** Typed attribute lookup. */
    public static <T> @Nullable T get(ServerWebExchange exchange, String key, Class<T> type) {
        Object value = exchange.getAttribute(key);
        return type.isInstance(value) ? type.cast(value) : null;
    }
}

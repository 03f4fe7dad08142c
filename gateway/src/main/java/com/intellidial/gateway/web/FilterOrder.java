package com.intellidial.gateway.web;

import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.core.Ordered;

/**
 * The order of every gateway filter, in the sequence of DESIGN.md section 4. Global filters run
 * only on proxied routes ({@code /vapi/**}, {@code /twilio/**}); web filters run on every request.
 * {@code FilterOrderIntegrationTests} pins the whole sequence.
 */
public final class FilterOrder {

    /** Web filter: accept or create {@code X-Request-Id} before anything else can fail. */
    public static final int REQUEST_ID = Ordered.HIGHEST_PRECEDENCE + 10;

    /** Web filter: actuator endpoints other than health and info need the metrics token (401/404). */
    public static final int ACTUATOR_ACCESS = REQUEST_ID + 10;

    /** Web filter: {@code /admin/**} needs an admin token (401), writes need role admin (403); audits. */
    public static final int ADMIN_ACCESS = ACTUATOR_ACCESS + 10;

    /** Global filter: resolve the tenant from its gateway key (401/403). */
    public static final int AUTHENTICATION = -1000;

    /**
     * Global filter: wraps everything after authentication and emits usage events when the
     * exchange completes; it never makes the response wait.
     */
    public static final int METERING = -900;

    /**
     * Global filter: matches the request against its upstream's endpoint catalog once (404 for
     * anything not allowed), before anything that needs to know what the request is. After
     * {@link #METERING}, so a refused endpoint is still metered; pure, so it costs no I/O.
     */
    public static final int CATALOG_MATCH = -850;

    /** Global filter: per-tenant and per-key token buckets (429). */
    public static final int RATE_LIMIT = -800;

    /**
     * Global filter: caps the request body size (413), before anything reads a body (the quota
     * check counts the calls of a batch, isolation rewrites bodies).
     */
    public static final int BODY_LIMIT = -750;

    /**
     * Global filter: detaches the forwarding of a call creation from the client, so a client that
     * goes away after sending cannot make the gateway drop the upstream's answer (the created call
     * still becomes the tenant's and is metered). Before {@link #QUOTA}, so the budget settlement
     * runs detached too.
     */
    public static final int CALL_CREATION = -710;

    /** Global filter: per-tenant budgets, checked before the request is forwarded (429). */
    public static final int QUOTA = -700;

    /**
     * Global filter: catalog match, ownership checks and request/response rewriting. Before
     * {@link NettyWriteResponseFilter#WRITE_RESPONSE_FILTER_ORDER} so its response decorator sees
     * the body, and before {@link RouteToRequestUrlFilter#ROUTE_TO_URL_FILTER_ORDER} so a rewritten
     * path is merged into the upstream URL.
     */
    public static final int ISOLATION = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 100;

    /**
     * Global filter: attach the tenant's upstream credential once the final upstream URL is known
     * (after {@link RouteToRequestUrlFilter}) and checked against the upstream allowlist.
     */
    public static final int CREDENTIAL_INJECTION = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 10;

    /**
     * Global filter: times the upstream exchange, just before SCG's routing filters
     * ({@code NettyRoutingFilter} at {@link Ordered#LOWEST_PRECEDENCE}, {@code WebsocketRoutingFilter}
     * one above it).
     */
    public static final int UPSTREAM_TIMING = Ordered.LOWEST_PRECEDENCE - 2;

    private FilterOrder() {
    }
}

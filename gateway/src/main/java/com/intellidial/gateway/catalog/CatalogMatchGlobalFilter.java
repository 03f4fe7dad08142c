package com.intellidial.gateway.catalog;

import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Decides once, right after authentication, what a proxied request is: its method and raw path
 * (below the route prefix, {@code /vapi} or {@code /twilio}) are matched against the catalog of the
 * route's upstream, and the match goes on the exchange ({@link GatewayAttributes#CATALOG_MATCH}).
 * A path that matches no allowed entry is a 404 here, before rate limits, budgets or isolation run.
 * Every later filter reads the match and never looks at the raw path again; isolation forwards the
 * path the entry expands to, so the path that was checked is the path that is sent.
 * <p>
 * Pure: no I/O, one pass over the path ({@link CatalogMatcher}).
 */
public final class CatalogMatchGlobalFilter implements GlobalFilter, Ordered {

    private final EndpointCatalogs catalogs;

    CatalogMatchGlobalFilter(EndpointCatalogs catalogs) {
        this.catalogs = catalogs;
    }

    @Override
    public int getOrder() {
        return FilterOrder.CATALOG_MATCH;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        CatalogMatch match = (route != null) ? match(route.getId(), exchange.getRequest()).orElse(null) : null;
        if (match == null) {
            return Mono.error(noSuchEndpoint());
        }
        exchange.getAttributes().put(GatewayAttributes.CATALOG_MATCH, match);
        return chain.filter(exchange);
    }

    /**
     * The allowed entry a request to {@code upstream} matches, if any. The route prefix is read like
     * every other segment ({@code /v%61pi} is {@code /vapi}), the rest by the catalog's matcher.
     */
    Optional<CatalogMatch> match(String upstream, ServerHttpRequest request) {
        EndpointCatalog catalog = this.catalogs.get(upstream);
        String rawPath = request.getURI().getRawPath();
        int prefixEnd = (rawPath != null && rawPath.startsWith("/")) ? rawPath.indexOf('/', 1) : -1;
        if (catalog == null || prefixEnd < 0 || !upstream.equals(CatalogMatcher.decode(rawPath, 1, prefixEnd))) {
            return Optional.empty();
        }
        return catalog.matcher()
            .match(request.getMethod(), rawPath.substring(prefixEnd))
            .filter(found -> found.entry().allowed());
    }

    /**
     * The match this filter put on the exchange. Every filter after it may rely on one: a request
     * without a match never gets past this filter.
     * @throws GatewayException 404 when there is none (fail closed)
     */
    public static CatalogMatch require(ServerWebExchange exchange) {
        CatalogMatch match = matched(exchange);
        if (match == null) {
            throw noSuchEndpoint();
        }
        return match;
    }

    /** The match on the exchange, or {@code null} outside the proxied routes. */
    public static @Nullable CatalogMatch matched(ServerWebExchange exchange) {
        return GatewayAttributes.get(exchange, GatewayAttributes.CATALOG_MATCH, CatalogMatch.class);
    }

    private static GatewayException noSuchEndpoint() {
        return new GatewayException(ProblemType.NOT_FOUND, "No such endpoint: it is not in the gateway's catalog");
    }
}

package com.intellidial.gateway.routing;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.web.server.ServerWebExchange;

/** The configured upstreams by name; a route's id is the name of the upstream it goes to. */
public final class Upstreams {

    private final Map<String, Upstream> byName;

    Upstreams(List<Upstream> upstreams) {
        this.byName = upstreams.stream().collect(Collectors.toUnmodifiableMap(Upstream::name, Function.identity()));
    }

    /** The upstream with this name, or {@code null}. */
    public @Nullable Upstream get(String name) {
        return this.byName.get(name);
    }

    /** The upstream with this name; fails at start-up wiring when it is not configured. */
    public Upstream require(String name) {
        Upstream upstream = this.byName.get(name);
        if (upstream == null) {
            throw new IllegalStateException("no " + name + " upstream configured");
        }
        return upstream;
    }

    /** The upstream the exchange's matched route goes to, or {@code null} when no route matched. */
    public @Nullable Upstream forExchange(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        return (route != null) ? this.byName.get(route.getId()) : null;
    }
}

package com.intellidial.gateway.isolation;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.intellidial.gateway.routing.Upstream;
import com.intellidial.gateway.routing.Upstreams;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Hands every proxied request to the {@link UpstreamIsolator} of its upstream. An upstream without
 * an isolator is forwarded as is, but then never gets a shared credential (the credential filter
 * requires {@link GatewayAttributes#ISOLATED}, which only this filter sets).
 */
@Component
class IsolationGlobalFilter implements GlobalFilter, Ordered {

    private final Upstreams upstreams;

    private final Map<String, UpstreamIsolator> isolators;

    IsolationGlobalFilter(Upstreams upstreams, List<UpstreamIsolator> isolators) {
        this.upstreams = upstreams;
        this.isolators = isolators.stream()
            .collect(Collectors.toUnmodifiableMap(UpstreamIsolator::upstream, Function.identity()));
    }

    @Override
    public int getOrder() {
        return FilterOrder.ISOLATION;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Upstream upstream = this.upstreams.forExchange(exchange);
        UpstreamIsolator isolator = (upstream != null) ? this.isolators.get(upstream.name()) : null;
        if (isolator == null) {
            return chain.filter(exchange);
        }
        return isolator.isolate(exchange, TenantContext.require(exchange)).flatMap(isolated -> {
            isolated.getAttributes().put(GatewayAttributes.ISOLATED, Boolean.TRUE);
            return chain.filter(isolated);
        });
    }
}

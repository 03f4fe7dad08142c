package com.intellidial.gateway.metering;

import com.intellidial.gateway.web.FilterOrder;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Marks every authenticated proxied request for metering, right after authentication, so that
 * whatever happens next (a 429, a 404 from isolation, an upstream answer or timeout) is counted.
 * The event itself is recorded by {@link MeteringHttpHandlerDecorator} once the client has the
 * whole response.
 */
final class MeteringGlobalFilter implements GlobalFilter, Ordered {

    @Override
    public int getOrder() {
        return FilterOrder.METERING;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return Mono.deferContextual(context -> {
            context.<MeteredExchange>getOrEmpty(MeteredExchange.class).ifPresent(metered -> metered.attach(exchange));
            return chain.filter(exchange);
        });
    }
}

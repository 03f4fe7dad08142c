package com.intellidial.gateway.metering;

import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Times the upstream exchange: runs just before SCG's routing filter, whose chain completes when
 * the upstream's response headers arrived (the body is streamed afterwards by
 * {@code NettyWriteResponseFilter}).
 */
final class UpstreamTimingGlobalFilter implements GlobalFilter, Ordered {

    @Override
    public int getOrder() {
        return FilterOrder.UPSTREAM_TIMING;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        long started = System.nanoTime();
        exchange.getAttributes().put(GatewayAttributes.UPSTREAM_STARTED, started);
        return chain.filter(exchange)
            .doOnSuccess(done -> exchange.getAttributes().put(GatewayAttributes.UPSTREAM_LATENCY, System.nanoTime() - started));
    }
}

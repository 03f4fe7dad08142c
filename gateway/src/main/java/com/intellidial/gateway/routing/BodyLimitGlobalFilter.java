package com.intellidial.gateway.routing;

import java.util.concurrent.atomic.AtomicLong;

import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Caps the size of proxied request bodies without buffering them: a declared
 * {@code Content-Length} over the cap is refused at once, and a streamed (chunked) body is counted
 * as it flows and fails with 413 when it crosses the cap.
 */
@Component
class BodyLimitGlobalFilter implements GlobalFilter, Ordered {

    private final long maxBytes;

    BodyLimitGlobalFilter(LimitsProperties properties) {
        this.maxBytes = properties.maxBodySize().toBytes();
    }

    @Override
    public int getOrder() {
        return FilterOrder.BODY_LIMIT;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long declared = request.getHeaders().getContentLength();
        if (declared > this.maxBytes) {
            return Mono.error(tooLarge());
        }
        if (declared >= 0) {
            return chain.filter(exchange);
        }
        ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                AtomicLong seen = new AtomicLong();
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > BodyLimitGlobalFilter.this.maxBytes) {
                        DataBufferUtils.release(buffer);
                        sink.error(tooLarge());
                    }
                    else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }

    private GatewayException tooLarge() {
        return new GatewayException(ProblemType.PAYLOAD_TOO_LARGE,
                "The request body exceeds the limit of " + this.maxBytes + " bytes");
    }
}

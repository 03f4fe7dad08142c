package com.intellidial.gateway.web;

import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when it is a safe token, else a new
 * UUID. The id goes into the exchange, the upstream request and every response (set just before
 * commit, so an upstream cannot overwrite it). A web filter rather than a global filter, so that
 * admin, actuator and unrouted requests get one too.
 */
@Component
class RequestIdWebFilter implements WebFilter, Ordered {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public int getOrder() {
        return FilterOrder.REQUEST_ID;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String offered = exchange.getRequest().getHeaders().getFirst(GatewayHeaders.REQUEST_ID);
        String requestId = (offered != null && SAFE_ID.matcher(offered).matches()) ? offered : UUID.randomUUID().toString();
        exchange.getAttributes().put(GatewayAttributes.REQUEST_ID, requestId);
        ServerWebExchange mutated = exchange.mutate()
            .request(request -> request.headers(headers -> headers.set(GatewayHeaders.REQUEST_ID, requestId)))
            .build();
        mutated.getResponse().beforeCommit(() -> {
            mutated.getResponse().getHeaders().set(GatewayHeaders.REQUEST_ID, requestId);
            return Mono.empty();
        });
        return chain.filter(mutated);
    }
}

package com.intellidial.gateway.tenant;

import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayHeaders;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Authenticates every proxied request with the tenant's gateway key, taken from
 * {@code Authorization: Bearer}, the password of HTTP Basic (so the Twilio SDKs work unchanged) or
 * {@code X-Api-Key}. On success the tenant goes into the exchange and every carrier of the key is
 * removed from the request, so the key never reaches an upstream.
 */
@Component
class AuthenticationGlobalFilter implements GlobalFilter, Ordered {

    private final ApiKeyResolver resolver;

    AuthenticationGlobalFilter(ApiKeyResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public int getOrder() {
        return FilterOrder.AUTHENTICATION;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return this.resolver.authenticate(exchange.getRequest()).flatMap(tenant -> {
            exchange.getAttributes().put(GatewayAttributes.TENANT, tenant);
            ServerWebExchange stripped = exchange.mutate()
                .request(request -> request.headers(headers -> {
                    headers.remove(HttpHeaders.AUTHORIZATION);
                    headers.remove(GatewayHeaders.API_KEY);
                }))
                .build();
            return chain.filter(stripped);
        });
    }
}

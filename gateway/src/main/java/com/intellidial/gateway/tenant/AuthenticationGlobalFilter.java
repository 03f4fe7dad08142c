package com.intellidial.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayHeaders;
import org.jspecify.annotations.Nullable;
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
        Set<String> presented;
        try {
            presented = presentedKeys(exchange.getRequest().getHeaders());
        }
        catch (IllegalArgumentException ex) {
            return Mono.error(ApiKeyResolver.unauthenticated("The Authorization header is malformed"));
        }
        if (presented.isEmpty()) {
            return Mono.error(ApiKeyResolver.unauthenticated(
                    "An API key is required: send Authorization: Bearer <key>, Basic auth with the key as password, or X-Api-Key"));
        }
        if (presented.size() > 1) {
            return Mono.error(ApiKeyResolver.unauthenticated("Conflicting API keys were sent; send exactly one"));
        }
        return this.resolver.resolve(presented.iterator().next()).flatMap(tenant -> {
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

    /** Every distinct key the request carries; more than one is refused. */
    static Set<String> presentedKeys(HttpHeaders headers) {
        Set<String> keys = new LinkedHashSet<>();
        List<String> authorizations = headers.getOrEmpty(HttpHeaders.AUTHORIZATION);
        List<String> apiKeys = headers.getOrEmpty(GatewayHeaders.API_KEY);
        if (authorizations.size() > 1 || apiKeys.size() > 1) {
            throw new IllegalArgumentException("repeated credential header");
        }
        if (!authorizations.isEmpty()) {
            keys.add(fromAuthorization(authorizations.get(0)));
        }
        if (!apiKeys.isEmpty()) {
            keys.add(apiKeys.get(0).strip());
        }
        return keys;
    }

    private static String fromAuthorization(String value) {
        String trimmed = value.strip();
        int space = trimmed.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("no scheme");
        }
        String scheme = trimmed.substring(0, space);
        String credentials = trimmed.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return credentials;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String password = basicPassword(credentials);
            if (password != null) {
                return password;
            }
        }
        throw new IllegalArgumentException("unsupported scheme");
    }

    private static @Nullable String basicPassword(String encoded) {
        if (encoded.length() > 1024) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return (colon >= 0) ? decoded.substring(colon + 1) : null;
    }
}

package com.intellidial.gateway.admin;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.web.FilterOrder;

/**
 * Keeps the actuator to operators: health and info are open (load balancers, the README's tour),
 * everything else under {@code /actuator/} (the Prometheus scrape, whose series name tenants and
 * count their usage) needs {@code Authorization: Bearer <gateway.admin.metrics-token>}, and does not
 * exist when no such token is configured.
 */
@Component
class ActuatorAccessWebFilter implements WebFilter, Ordered {

    private static final String ACTUATOR = "/actuator/";

    private static final String BEARER = "Bearer ";

    private final SharedTokenVerifier verifier;

    ActuatorAccessWebFilter(AdminProperties properties) {
        this.verifier = new SharedTokenVerifier(properties.metricsToken(), "This endpoint is disabled.",
                "Missing or invalid metrics token.");
    }

    @Override
    public int getOrder() {
        return FilterOrder.ACTUATOR_ACCESS;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.startsWith(ACTUATOR) || open(path.substring(ACTUATOR.length()))) {
            return chain.filter(exchange);
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        return Mono.fromRunnable(() -> this.verifier.verify(bearer ? authorization.substring(BEARER.length()) : null))
            .then(Mono.defer(() -> chain.filter(exchange)));
    }

    /** {@code health}, {@code health/liveness}, {@code info}: what probes and the tour read. */
    private static boolean open(String endpoint) {
        return endpoint.equals("health") || endpoint.startsWith("health/") || endpoint.equals("info");
    }
}

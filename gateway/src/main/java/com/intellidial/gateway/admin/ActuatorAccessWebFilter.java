package com.intellidial.gateway.admin;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Keeps the actuator to operators: health and info are open (load balancers, the README's tour),
 * everything else under {@code /actuator} (the Prometheus scrape, whose series name tenants and
 * count their usage) needs {@code Authorization: Bearer <gateway.admin.metrics-token>}, and does not
 * exist when no such token is configured.
 * <p>
 * WebFlux maps a request on its percent-decoded segments without matrix parameters, so
 * {@code /%61ctuator/prometheus} and {@code /actuator;x/prometheus} reach the actuator. Access is
 * therefore decided on that canonical path, and a non-canonical spelling of any of the gateway's own
 * surfaces ({@code /actuator}, {@code /admin}, {@code /v1}, {@code /v3}, {@code /swagger-ui}) is
 * refused with 404 before routing. The proxied {@code /vapi} and {@code /twilio} paths are matched
 * strictly by their isolators, and {@code /webhooks} authenticates every message in its handler (an
 * unknown or oddly spelled tenant must look exactly like a bad signature), so they are left alone.
 */
@Component
class ActuatorAccessWebFilter implements WebFilter, Ordered {

    private static final String ACTUATOR = "actuator";

    private static final Set<String> OWN_SURFACES = Set.of(ACTUATOR, "admin", "v1", "v3", "swagger-ui",
            "swagger-ui.html", "webjars");

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
        PathContainer raw = exchange.getRequest().getPath().pathWithinApplication();
        Deque<String> segments = canonicalSegments(raw);
        String first = segments.isEmpty() ? "" : segments.peekFirst().toLowerCase(Locale.ROOT);
        if (!OWN_SURFACES.contains(first)) {
            return chain.filter(exchange);
        }
        String canonical = "/" + String.join("/", segments);
        if (!canonical.equals(raw.value())) {
            return Mono.error(new GatewayException(ProblemType.NOT_FOUND,
                    "No endpoint " + exchange.getRequest().getMethod() + " " + raw.value()
                            + " (only the canonical spelling of a path is served)"));
        }
        if (!first.equals(ACTUATOR) || open(segments)) {
            return chain.filter(exchange);
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        return Mono.fromRunnable(() -> this.verifier.verify(bearer ? authorization.substring(BEARER.length()) : null))
            .then(Mono.defer(() -> chain.filter(exchange)));
    }

    /**
     * The segments as the handler mapping sees them: percent-decoded, matrix parameters dropped, empty
     * segments dropped and dot segments resolved (so every spelling of a path yields the same list).
     */
    static Deque<String> canonicalSegments(PathContainer path) {
        Deque<String> segments = new ArrayDeque<>();
        for (PathContainer.Element element : path.elements()) {
            if (!(element instanceof PathContainer.PathSegment segment)) {
                continue;
            }
            String value = segment.valueToMatch();
            if (value.isEmpty() || value.equals(".")) {
                continue;
            }
            if (value.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(value);
        }
        return segments;
    }

    /** {@code health}, {@code health/liveness}, {@code info}: what probes and the tour read. */
    private static boolean open(Deque<String> segments) {
        String endpoint = (segments.size() > 1) ? segments.stream().skip(1).findFirst().orElse("") : "";
        return endpoint.equals("health") || (endpoint.equals("info") && segments.size() == 2);
    }
}

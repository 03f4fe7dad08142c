package com.intellidial.gateway.routing;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.intellidial.gateway.credentials.Credential;
import com.intellidial.gateway.credentials.CredentialResolver;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.gateway.web.ProblemType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Attaches the tenant's upstream credential once the final upstream URL is known: checks the URL
 * is on the upstream's origin (no secret ever goes elsewhere), scopes it to the tenant (Twilio
 * account SID), and sets {@code Authorization}. A credential shared between tenants is attached
 * only to requests the isolation layer matched and scoped.
 * <p>
 * When the upstream answers 401 (the credential was rotated or revoked before this instance's cache
 * noticed), the credential is re-read from the store once and, if the store now holds a different
 * one, the request is sent once more with it. This works because the filter runs after
 * {@code NettyWriteResponseFilter} took its place in the chain: when the routing filter completes,
 * the upstream status and headers are on the response but its body is not yet written, so the
 * exchange can be reset exactly as Spring Cloud Gateway's {@code RetryGatewayFilterFactory} does.
 * Only replayable requests are retried (idempotent methods, or any method on an upstream whose 401
 * proves it did nothing); their body is cached for the replay, bounded by
 * {@code gateway.limits.max-body-size} because {@code BodyLimitGlobalFilter} ran first. If the retry
 * is answered 401 too, or nothing newer can be read, the upstream's 401 passes through unchanged.
 */
@Component
class CredentialInjectionGlobalFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(CredentialInjectionGlobalFilter.class);

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT,
            HttpMethod.DELETE, HttpMethod.OPTIONS);

    private final Upstreams upstreams;

    private final CredentialResolver resolver;

    private final MeterRegistry meters;

    CredentialInjectionGlobalFilter(Upstreams upstreams, CredentialResolver resolver, MeterRegistry meters) {
        this.upstreams = upstreams;
        this.resolver = resolver;
        this.meters = meters;
    }

    @Override
    public int getOrder() {
        return FilterOrder.CREDENTIAL_INJECTION;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Upstream upstream = this.upstreams.forExchange(exchange);
        URI target = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
        if (upstream == null || target == null) {
            return chain.filter(exchange);
        }
        if (!upstream.isOrigin(target)) {
            log.error("Refusing to attach a {} credential to a request for another origin", upstream.name());
            return Mono.error(new GatewayException(ProblemType.INTERNAL_ERROR, "The request was not routed to its upstream"));
        }
        TenantContext tenant = TenantContext.require(exchange);
        if (upstream.sharedCredential(tenant.tenant()) && exchange.getAttribute(GatewayAttributes.ISOLATED) == null) {
            return Mono.error(new GatewayException(ProblemType.SERVICE_UNAVAILABLE,
                    "This tenant shares its " + upstream.name() + " account and the isolation layer did not vet the request"));
        }
        return this.resolver.resolve(tenant.tenant(), upstream).flatMap(credential -> {
            if (!replayable(exchange.getRequest(), upstream)) {
                return forward(exchange, chain, upstream, target, credential);
            }
            return withReplayableBody(exchange, replayable -> forward(replayable, chain, upstream, target, credential)
                .then(Mono.defer(() -> retryIfUnauthorized(replayable, chain, tenant.tenant(), upstream, target, credential))));
        });
    }

    /** Sends the request upstream with {@code credential}, scoped to its account. */
    private static Mono<Void> forward(ServerWebExchange exchange, GatewayFilterChain chain, Upstream upstream, URI target,
            Credential credential) {
        URI scoped = upstream.scope(target, credential);
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, scoped);
        ServerWebExchange withCredential = exchange.mutate()
            .request(request -> request.headers(headers -> {
                headers.remove(GatewayHeaders.API_KEY);
                headers.set(HttpHeaders.AUTHORIZATION, credential.authorization());
            }))
            .build();
        return chain.filter(withCredential);
    }

    /**
     * After the first attempt: when the upstream answered 401 and the store holds a different
     * credential, discards the 401 (status, headers, unread body and its connection) and sends the
     * request once more with the new credential.
     */
    private Mono<Void> retryIfUnauthorized(ServerWebExchange exchange, GatewayFilterChain chain, Tenant tenant,
            Upstream upstream, URI target, Credential rejected) {
        if (exchange.getResponse().getStatusCode() != HttpStatus.UNAUTHORIZED || exchange.getResponse().isCommitted()) {
            return Mono.empty();
        }
        return this.resolver.replacement(tenant, upstream, rejected)
            .map(Optional::of)
            .defaultIfEmpty(Optional.empty())
            .onErrorResume(GatewayException.class, ex -> {
                log.debug("{} answered 401 and the credential could not be re-read ({}); passing the 401 through",
                        upstream.name(), ex.getMessage());
                count(upstream, "unavailable");
                return Mono.empty();
            })
            .flatMap(replacement -> {
                if (replacement.isEmpty()) {
                    log.debug("{} answered 401 and the store holds no other credential; passing the 401 through",
                            upstream.name());
                    count(upstream, "unchanged");
                    return Mono.empty();
                }
                Credential fresh = replacement.get();
                log.debug("{} answered 401 with credential version {}; retrying once with version {}", upstream.name(),
                        rejected.version(), fresh.version());
                count(upstream, "retried");
                // What RetryGatewayFilterFactory does between attempts: dispose the connection of the
                // unread 401 body, drop the upstream's response headers and the already-routed flag.
                ServerWebExchangeUtils.reset(exchange);
                return forward(exchange, chain, upstream, target, fresh);
            });
    }

    private void count(Upstream upstream, String outcome) {
        Counter.builder("gateway.credentials.unauthorized")
            .description("Upstream 401 answers to a credential, by what the gateway did: retried with a re-read "
                    + "credential, unchanged (the store holds the same one) or unavailable (the store failed)")
            .tag("upstream", upstream.name())
            .tag("outcome", outcome)
            .register(this.meters)
            .increment();
    }

    /** Idempotent methods, or any method when the upstream's 401 proves it did not act on the request. */
    private static boolean replayable(ServerHttpRequest request, Upstream upstream) {
        return IDEMPOTENT.contains(request.getMethod()) || upstream.rejectsUnauthenticatedBeforeProcessing();
    }

    /**
     * Runs {@code attempts} on an exchange whose request body can be read more than once. A body is
     * joined into one buffer with Spring Cloud Gateway's cached-body support (released by its
     * {@code RemoveCachedBodyFilter} when the exchange ends); requests without a body pass as they are.
     */
    private static Mono<Void> withReplayableBody(ServerWebExchange exchange,
            Function<ServerWebExchange, Mono<Void>> attempts) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        if (headers.getContentLength() <= 0 && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return attempts.apply(exchange);
        }
        return ServerWebExchangeUtils.cacheRequestBody(exchange,
                cached -> attempts.apply(exchange.mutate().request(cached).build()));
    }
}

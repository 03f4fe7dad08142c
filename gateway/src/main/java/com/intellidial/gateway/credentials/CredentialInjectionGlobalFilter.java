package com.intellidial.gateway.credentials;

import java.net.URI;

import com.intellidial.gateway.routing.Upstream;
import com.intellidial.gateway.routing.Upstreams;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.gateway.web.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Attaches the tenant's upstream credential once the final upstream URL is known: checks the URL
 * is on the upstream's origin (no secret ever goes elsewhere), scopes it to the tenant (Twilio
 * account SID), and sets {@code Authorization}. A credential shared between tenants is attached
 * only to requests the isolation layer matched and scoped.
 */
@Component
class CredentialInjectionGlobalFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(CredentialInjectionGlobalFilter.class);

    private final Upstreams upstreams;

    private final CredentialResolver resolver;

    CredentialInjectionGlobalFilter(Upstreams upstreams, CredentialResolver resolver) {
        this.upstreams = upstreams;
        this.resolver = resolver;
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
        if (upstream.sharedCredential(tenant.tenant()) && exchange.getAttribute(GatewayAttributes.CATALOG_MATCH) == null) {
            return Mono.error(new GatewayException(ProblemType.SERVICE_UNAVAILABLE,
                    "This tenant shares its " + upstream.name() + " account and the isolation layer did not vet the request"));
        }
        return this.resolver.resolve(tenant.tenant(), upstream).flatMap(credential -> {
            URI scoped = upstream.scope(target, credential);
            exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, scoped);
            ServerWebExchange withCredential = exchange.mutate()
                .request(request -> request.headers(headers -> {
                    headers.remove(GatewayHeaders.API_KEY);
                    headers.set(HttpHeaders.AUTHORIZATION, credential.authorization());
                }))
                .build();
            return chain.filter(withCredential);
        });
    }
}

package com.intellidial.gateway.routing;

import java.util.Locale;
import java.util.Set;

import com.intellidial.gateway.web.GatewayHeaders;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Only an allow-list of request headers reaches an upstream: the content headers, the credential
 * the gateway attached and the request id. Anything else a tenant sends (cookies, vendor headers
 * that could select another org or account, forwarding headers) is dropped, so the scope of an
 * upstream request is only what the gateway put in it. Runs last among the request header filters.
 */
@Component
class UpstreamRequestHeadersFilter implements HttpHeadersFilter, Ordered {

    /** Lower-case names of the request headers that are forwarded. */
    static final Set<String> FORWARDED = Set.of("accept", "accept-encoding", "accept-language", "authorization",
            "content-type", "content-length", "content-encoding", "transfer-encoding", "user-agent", "idempotency-key",
            "host", GatewayHeaders.REQUEST_ID.toLowerCase(Locale.ROOT));

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders filtered = new HttpHeaders();
        input.forEach((name, values) -> {
            if (FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                filtered.addAll(name, values);
            }
        });
        return filtered;
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}

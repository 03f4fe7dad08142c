package com.intellidial.gateway.isolation;

import java.util.Set;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * {@code GET} and {@code DELETE} requests carry no body through the gateway, unless the catalog
 * entry reads and checks one ({@code DELETE /call/{id}} with {@code ids}). A body the gateway does
 * not read would reach the upstream unchecked, and an upstream (or a framework in front of it) that
 * honours it would act on ids nobody checked; so such a body is refused (400) before anything is
 * forwarded. An empty body ({@code Content-Length: 0}) is fine.
 */
final class BodylessMethods {

    private static final Set<HttpMethod> BODYLESS = Set.of(HttpMethod.GET, HttpMethod.DELETE, HttpMethod.HEAD,
            HttpMethod.OPTIONS);

    private BodylessMethods() {
    }

    /**
     * Refuses a body on a method that carries none.
     * @param request the tenant's request
     * @param bodyChecked whether the catalog entry reads and checks this request's body
     * @throws GatewayException 400 when a body the gateway would not check is present
     */
    static void refuseUncheckedBody(ServerHttpRequest request, boolean bodyChecked) {
        if (bodyChecked || !BODYLESS.contains(request.getMethod())) {
            return;
        }
        HttpHeaders headers = request.getHeaders();
        if (headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            throw new GatewayException(ProblemType.MALFORMED_REQUEST,
                    "A " + request.getMethod().name() + " request to this endpoint takes no body");
        }
    }
}

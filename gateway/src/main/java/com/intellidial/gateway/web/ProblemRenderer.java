package com.intellidial.gateway.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a {@link GatewayException} as an RFC 9457 {@code application/problem+json} body. The
 * only place that renders gateway errors: filters, the error handler and the admin API all use it.
 */
@Component
public class ProblemRenderer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Writes the problem to the exchange's response; the response must not be committed. */
    public Mono<Void> render(ServerWebExchange exchange, GatewayException problem) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(problem.type().status());
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        problem.headers().forEach(response.getHeaders()::set);
        String requestId = GatewayAttributes.requestId(exchange);
        response.getHeaders().set(GatewayHeaders.REQUEST_ID, requestId);
        TenantScoped tenant = GatewayAttributes.get(exchange, GatewayAttributes.TENANT, TenantScoped.class);
        byte[] body = toJson(problem, exchange.getRequest().getPath().value(), requestId,
                (tenant != null) ? tenant.tenantId() : null);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** The problem body as JSON bytes; also used where no exchange exists (HTTP decoder errors). */
    public static byte[] toJson(GatewayException problem, String instance, String requestId,
            @org.jspecify.annotations.Nullable String tenantId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type().type().toString());
        body.put("title", problem.type().title());
        body.put("status", problem.type().status().value());
        body.put("detail", problem.detail());
        body.put("instance", instance);
        body.put("requestId", requestId);
        if (tenantId != null) {
            body.put("tenantId", tenantId);
        }
        problem.extensions().forEach(body::putIfAbsent);
        return JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    }
}

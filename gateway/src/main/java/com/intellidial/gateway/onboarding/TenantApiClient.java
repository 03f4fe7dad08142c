package com.intellidial.gateway.onboarding;

import java.time.Duration;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.gateway.web.ProblemType;

/**
 * Onboarding acts as the new tenant's first client: it creates the default assistant and attaches
 * the number through this gateway's own tenant API (with the tenant's new key), so the same
 * isolation, webhook rewriting, ownership and aliases apply as to every later request.
 */
final class TenantApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Environment environment;

    private final WebClient web = WebClient.builder().build();

    TenantApiClient(Environment environment) {
        this.environment = environment;
    }

    /** Creates an assistant with alias {@code default}; returns its id. */
    Mono<String> createDefaultAssistant(String key, JsonNode body, String requestId) {
        return this.web.post()
            .uri(base() + "/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
            .header(GatewayHeaders.RESOURCE_ALIAS, "default")
            .header(GatewayHeaders.REQUEST_ID, requestId)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchangeToMono(response -> response.bodyToMono(JsonNode.class)
                .defaultIfEmpty(JsonNodeFactory.instance.objectNode())
                .flatMap(json -> response.statusCode().is2xxSuccessful() && json.path("id").isString()
                        ? Mono.just(json.get("id").stringValue())
                        : Mono.error(refused("create the assistant", response.statusCode().value(), json))))
            .timeout(TIMEOUT);
    }

    /** Points the number at the assistant and makes it the tenant's {@code default} number. */
    Mono<Void> attachDefaultNumber(String key, String phoneNumberId, String assistantId, String requestId) {
        return this.web.patch()
            .uri(base() + "/vapi/phone-number/" + phoneNumberId)
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
            .header(GatewayHeaders.RESOURCE_ALIAS, "default")
            .header(GatewayHeaders.REQUEST_ID, requestId)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(JsonNodeFactory.instance.objectNode().put("assistantId", assistantId))
            .exchangeToMono(response -> response.bodyToMono(JsonNode.class)
                .defaultIfEmpty(JsonNodeFactory.instance.objectNode())
                .flatMap(json -> response.statusCode().is2xxSuccessful() ? Mono.<Void>empty()
                        : Mono.error(refused("attach the number", response.statusCode().value(), json))))
            .timeout(TIMEOUT);
    }

    /** Deletes an assistant (compensation); one that is already gone is fine. */
    Mono<Void> deleteAssistant(String key, String assistantId, String requestId) {
        return this.web.delete()
            .uri(base() + "/vapi/assistant/" + assistantId)
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
            .header(GatewayHeaders.REQUEST_ID, requestId)
            .exchangeToMono(response -> response.bodyToMono(JsonNode.class)
                .defaultIfEmpty(JsonNodeFactory.instance.objectNode())
                .flatMap(json -> (response.statusCode().is2xxSuccessful() || response.statusCode().value() == 404)
                        ? Mono.<Void>empty() : Mono.error(refused("delete the assistant", response.statusCode().value(), json))))
            .timeout(TIMEOUT);
    }

    private String base() {
        return "http://127.0.0.1:" + this.environment.getProperty("local.server.port", "8080");
    }

    private static GatewayException refused(String what, int status, JsonNode body) {
        String detail = body.path("detail").asString(body.path("message").asString(""));
        return new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE, "Could not " + what + " (" + status
                + (detail.isEmpty() ? "" : ": " + detail) + ")");
    }
}

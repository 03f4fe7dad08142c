package com.intellidial.gateway.web;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Every problem type renders as RFC 9457 problem+json with its own status, type and title. */
class ProblemRendererTests {

    private final ProblemRenderer renderer = new ProblemRenderer();

    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void rendersEveryProblemType(ProblemType type) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/vapi/assistant"));
        exchange.getAttributes().put(GatewayAttributes.REQUEST_ID, "req-1");
        this.renderer.render(exchange, new GatewayException(type, "what went wrong").withExtension("field", "assistantId"))
            .block();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(type.status());
        assertThat(exchange.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(exchange.getResponse().getHeaders().getFirst(GatewayHeaders.REQUEST_ID)).isEqualTo("req-1");
        JsonNode body = JsonMapper.builder().build()
            .readTree(exchange.getResponse().getBodyAsString().block().getBytes(StandardCharsets.UTF_8));
        assertThat(body.get("type").asString()).isEqualTo(type.type().toString()).startsWith(ProblemType.TYPE_BASE);
        assertThat(body.get("title").asString()).isEqualTo(type.title());
        assertThat(body.get("status").asInt()).isEqualTo(type.status().value());
        assertThat(body.get("detail").asString()).isEqualTo("what went wrong");
        assertThat(body.get("instance").asString()).isEqualTo("/vapi/assistant");
        assertThat(body.get("requestId").asString()).isEqualTo("req-1");
        assertThat(body.get("field").asString()).isEqualTo("assistantId");
    }

    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void problemTypesHaveDistinctTypeUris(ProblemType type) {
        for (ProblemType other : ProblemType.values()) {
            if (other != type) {
                assertThat(other.type()).isNotEqualTo(type.type());
            }
        }
    }
}

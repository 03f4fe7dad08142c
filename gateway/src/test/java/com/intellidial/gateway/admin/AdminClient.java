package com.intellidial.gateway.admin;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/** Calls the admin API with a given bearer token, for admin tests. */
final class AdminClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebTestClient client;

    AdminClient(WebTestClient client) {
        this.client = client;
    }

    Reply send(@Nullable String token, HttpMethod method, String path, @Nullable String json) {
        // The path is sent as written: no template expansion, no re-encoding.
        WebTestClient.RequestBodySpec request = this.client.method(method)
            .uri(base -> java.net.URI.create(base.build().toString().replaceAll("/$", "") + path));
        if (token != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        WebTestClient.RequestHeadersSpec<?> ready = (json != null)
                ? request.contentType(MediaType.APPLICATION_JSON).bodyValue(json) : request;
        EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
        byte[] body = result.getResponseBody();
        String contentType = result.getResponseHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
        return new Reply(result.getStatus().value(), (body != null) ? new String(body, StandardCharsets.UTF_8) : "",
                (contentType != null) ? contentType : "");
    }

    /**
     * One answer.
     * @param status the HTTP status
     * @param body the body text
     * @param contentType the content type
     */
    record Reply(int status, String body, String contentType) {

        JsonNode json() {
            return this.body.isEmpty() ? MissingNode.getInstance() : JSON.readTree(this.body);
        }

        @Override
        public String toString() {
            return this.status + " " + this.body;
        }
    }
}

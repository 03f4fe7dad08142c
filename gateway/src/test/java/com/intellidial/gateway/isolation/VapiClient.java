package com.intellidial.gateway.isolation;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.simulator.RecordedRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/** Calls the gateway's VAPI routes as one tenant and remembers what happened, for isolation tests. */
final class VapiClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebTestClient client;

    VapiClient(WebTestClient client) {
        this.client = client;
    }

    /** Sends a request; {@code path} is below {@code /vapi}, with any query string as the tenant spells it. */
    Reply send(TestTenant tenant, HttpMethod method, String path, @Nullable String json, String... headers) {
        String requestId = "iso-" + UUID.randomUUID();
        WebTestClient.RequestBodySpec request = this.client.method(method)
            // The raw spelling must reach the gateway: no template expansion, no re-encoding.
            .uri(base -> URI.create(base.build().toString().replaceAll("/$", "") + "/vapi" + path))
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request = request.header(headers[i], headers[i + 1]);
        }
        WebTestClient.RequestHeadersSpec<?> ready = (json != null)
                ? request.contentType(MediaType.APPLICATION_JSON).bodyValue(json) : request;
        EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
        byte[] body = result.getResponseBody();
        return new Reply(result.getStatus().value(), (body != null) ? new String(body, StandardCharsets.UTF_8) : "",
                requestId);
    }

    Reply get(TestTenant tenant, String path) {
        return send(tenant, HttpMethod.GET, path, null);
    }

    Reply post(TestTenant tenant, String path, String json, String... headers) {
        return send(tenant, HttpMethod.POST, path, json, headers);
    }

    Reply patch(TestTenant tenant, String path, String json) {
        return send(tenant, HttpMethod.PATCH, path, json);
    }

    Reply delete(TestTenant tenant, String path) {
        return send(tenant, HttpMethod.DELETE, path, null);
    }

    /** Creates a resource and returns its id; fails unless the gateway answered 201. */
    String create(TestTenant tenant, String path, String json, String... headers) {
        Reply reply = post(tenant, path, json, headers);
        if (reply.status() != 201) {
            throw new AssertionError("POST " + path + " answered " + reply.status() + ": " + reply.body());
        }
        return reply.json().get("id").stringValue();
    }

    /**
     * One answer.
     * @param status the HTTP status
     * @param body the body as text
     * @param requestId the request id sent, to look up what the simulator received
     */
    record Reply(int status, String body, String requestId) {

        JsonNode json() {
            return this.body.isEmpty() ? MissingNode.getInstance() : JSON.readTree(this.body);
        }

        /** Whether the request reached the simulator at all. */
        boolean forwarded() {
            return TestUpstream.anyReceived(this.requestId);
        }

        /** What the simulator received. */
        RecordedRequest upstream() {
            return TestUpstream.received(this.requestId);
        }

        /** The JSON body the simulator received. */
        JsonNode upstreamJson() {
            return JSON.readTree(upstream().bodyAsString());
        }

        @Override
        public String toString() {
            return this.status + " " + this.body;
        }
    }
}

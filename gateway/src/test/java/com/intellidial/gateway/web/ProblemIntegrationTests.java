package com.intellidial.gateway.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the error contract: every problem type the gateway produces has its status, type, title,
 * content type and request id, and bad input never turns into a 500.
 */
@GatewayIntegrationTest
class ProblemIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @LocalServerPort
    int port;

    @AfterEach
    void clearFaults() {
        TestUpstream.simulator().faults().clear();
    }

    @Test
    void unknownRouteIs404Problem() {
        expectProblem(this.client.get().uri("/nowhere").exchange(), 404, "not-found")
            .jsonPath("$.instance").isEqualTo("/nowhere");
    }

    @Test
    void everyResponseCarriesARequestId() {
        this.client.get().uri("/actuator/health").exchange()
            .expectStatus().isOk()
            .expectHeader().exists("X-Request-Id");
        this.client.get().uri("/actuator/health").header("X-Request-Id", "client-chosen-42").exchange()
            .expectHeader().valueEquals("X-Request-Id", "client-chosen-42");
    }

    @Test
    void unsafeRequestIdsAreReplaced() {
        String header = this.client.get().uri("/nowhere").header("X-Request-Id", "bad id\twith spaces <script>")
            .exchange()
            .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
        assertThat(header).isNotNull().matches("[A-Za-z0-9._:-]{1,128}");
    }

    @Test
    void declaredBodyOverTheCapIs413() {
        TestTenant tenant = this.tenants.create("big");
        byte[] body = new byte[2 * 1024 * 1024];
        expectProblem(this.client.post().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange(), 413, "payload-too-large");
    }

    @Test
    void streamedBodyOverTheCapIs413() {
        TestTenant tenant = this.tenants.create("chunked");
        DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
        Flux<DataBuffer> chunks = Flux.range(0, 40).map(i -> buffers.wrap(new byte[64 * 1024]));
        expectProblem(this.client.post().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .contentType(MediaType.APPLICATION_JSON)
            .body(chunks, DataBuffer.class)
            .exchange(), 413, "payload-too-large");
    }

    @Test
    void upstreamTimeoutIs504() {
        TestTenant tenant = this.tenants.create("slow");
        TestUpstream.simulator().faults().delay("/squad", Duration.ofSeconds(5));
        expectProblem(this.client.mutate().responseTimeout(Duration.ofSeconds(20)).build()
            .get().uri("/vapi/squad")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange(), 504, "upstream-timeout");
    }

    @Test
    void upstreamErrorsPassThroughUnchanged() {
        TestTenant tenant = this.tenants.create("upstream500");
        TestUpstream.simulator().faults().failNext("/tool", 500, 1);
        this.client.get().uri("/vapi/tool")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isEqualTo(500)
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBody().jsonPath("$.statusCode").isEqualTo(500);
    }

    @Test
    void oversizedHeadersAre431Problem() throws IOException {
        String response = rawRequest("GET /vapi/assistant HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + "a".repeat(1024 * 1024) + "\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 431");
        assertThat(response).contains("application/problem+json").contains("\"status\":431")
            .contains("https://docs.intellidial.dev/problems/headers-too-large");
    }

    @Test
    void overlongRequestLineIs414Problem() throws IOException {
        String response = rawRequest("GET /" + "a".repeat(20000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 414").contains("application/problem+json").contains("\"status\":414");
    }

    @Test
    void garbageIsA400Problem() throws IOException {
        String response = rawRequest("NOT HTTP AT ALL\r\n\u0000\u0001\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400").contains("application/problem+json");
    }

    private String rawRequest(String request) throws IOException {
        try (Socket socket = new Socket("localhost", this.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            catch (IOException ex) {
                // the server may answer and close before the whole request is written
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) != -1) {
                response.write(buffer, 0, read);
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static WebTestClient.BodyContentSpec expectProblem(WebTestClient.ResponseSpec response, int status, String slug) {
        return response.expectStatus().isEqualTo(status)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectHeader().exists("X-Request-Id")
            .expectBody()
            .jsonPath("$.type").isEqualTo(ProblemType.TYPE_BASE + slug)
            .jsonPath("$.status").isEqualTo(status)
            .jsonPath("$.title").isNotEmpty()
            .jsonPath("$.detail").isNotEmpty()
            .jsonPath("$.requestId").isNotEmpty();
    }
}

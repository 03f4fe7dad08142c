package com.intellidial.gateway.metering;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Usage never depends on the tenant's cooperation: an assistant that would send no end-of-call
 * report (no server, {@code serverMessages: []}, in an assistant, a transient assistant or a call's
 * overrides) still reports every call to the gateway, and a client that hangs up right after sending
 * a call creation still has the created call recorded as its own and metered.
 */
@GatewayIntegrationTest
class UnreportedUsageIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    DatabaseClient db;

    @Autowired
    WebhooksProperties webhooks;

    @LocalServerPort
    int port;

    @Test
    void silencedServerMessagesAndMissingServersStillReportEveryCall() {
        TestTenant tenant = this.tenants.create("quiet", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        String gatewayUrl = this.webhooks.tenantUrl("vapi", tenant.id());

        String requestId = UUID.randomUUID().toString();
        String assistant = create(tenant, "/vapi/assistant", "{\"name\":\"quiet\",\"serverMessages\":[]}", requestId);
        JsonNode stored = upstreamJson(requestId);
        assertThat(stored.get("server").get("url").stringValue()).isEqualTo(gatewayUrl);
        assertThat(types(stored.get("serverMessages"))).contains("end-of-call-report", "status-update");

        String overridesRequest = UUID.randomUUID().toString();
        String silenced = create(tenant, "/vapi/call",
                "{\"assistantId\":\"" + assistant + "\",\"assistantOverrides\":{\"serverMessages\":[\"hang\"]}}",
                overridesRequest);
        assertThat(types(upstreamJson(overridesRequest).get("assistantOverrides").get("serverMessages")))
            .contains("hang", "end-of-call-report", "status-update");

        String transientRequest = UUID.randomUUID().toString();
        String transientCall = create(tenant, "/vapi/call",
                "{\"assistant\":{\"name\":\"t\",\"serverMessages\":[]}}", transientRequest);
        JsonNode transientAssistant = upstreamJson(transientRequest).get("assistant");
        assertThat(transientAssistant.get("server").get("url").stringValue()).isEqualTo(gatewayUrl);
        assertThat(types(transientAssistant.get("serverMessages"))).contains("end-of-call-report", "status-update");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(endedCalls(tenant))
            .containsExactlyInAnyOrder(silenced, transientCall));
    }

    @Test
    void clientThatHangsUpRightAfterSendingACallStillHasTheCallRecordedAndMetered() throws Exception {
        TestTenant tenant = this.tenants.create("hangup", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        // Made outside the gateway and assigned by an admin: it has no server, so no webhook can
        // tell the gateway about the call; only the answer to the creation can.
        String assistant = simulatorAssistant();
        this.db.sql("insert into ownership (tenant_id, upstream, resource_type, upstream_id) values (:t, 'vapi', 'assistant', :a)")
            .bind("t", tenant.id())
            .bind("a", assistant)
            .then()
            .block();
        TestUpstream.simulator().faults().delay("/call", Duration.ofMillis(1500));
        try {
            byte[] body = ("{\"assistantId\":\"" + assistant + "\"}").getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket("127.0.0.1", this.port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /vapi/call HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + tenant.apiKey()
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                // Hang up while VAPI is still working on the call.
                await().atMost(Duration.ofSeconds(5)).until(() -> !TestUpstream.simulator().journal()
                    .matching("POST", "/call").stream().filter(r -> r.bodyAsString().contains(assistant)).toList().isEmpty());
            }
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                List<String> owned = this.db.sql("select upstream_id from ownership where tenant_id = :t and resource_type = 'call'")
                    .bind("t", tenant.id())
                    .map(row -> row.get("upstream_id", String.class))
                    .all()
                    .collectList()
                    .block();
                assertThat(owned).hasSize(1);
                assertThat(createdCalls(tenant)).isEqualTo(owned);
            });
        }
        finally {
            TestUpstream.simulator().faults().clear();
        }
    }

    private String simulatorAssistant() {
        byte[] body = WebTestClient.bindToServer()
            .baseUrl(TestUpstream.simulator().baseUrl())
            .build()
            .post()
            .uri("/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.PLATFORM_VAPI_KEY)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"name\":\"dashboard-made\"}")
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
        return JSON.readTree(body).get("id").stringValue();
    }

    private String create(TestTenant tenant, String path, String json, String requestId) {
        byte[] body = this.client.post()
            .uri(path)
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header(GatewayHeaders.REQUEST_ID, requestId)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(json)
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
        return JSON.readTree(body).get("id").stringValue();
    }

    private static JsonNode upstreamJson(String requestId) {
        RecordedRequest received = TestUpstream.received(requestId);
        return JSON.readTree(received.bodyAsString());
    }

    private static List<String> types(JsonNode list) {
        List<String> types = new ArrayList<>();
        list.forEach(type -> types.add(type.stringValue()));
        return types;
    }

    private List<String> endedCalls(TestTenant tenant) {
        return this.db.sql("select call_id from calls where tenant_id = :t and ended_at is not null")
            .bind("t", tenant.id())
            .map(row -> row.get("call_id", String.class))
            .all()
            .collectList()
            .block();
    }

    private List<String> createdCalls(TestTenant tenant) {
        return this.db.sql("select call_id from calls where tenant_id = :t and created_at is not null")
            .bind("t", tenant.id())
            .map(row -> row.get("call_id", String.class))
            .all()
            .collectList()
            .block();
    }
}

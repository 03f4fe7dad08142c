package com.intellidial.gateway.metering;

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
import com.intellidial.gateway.webhooks.WebhooksProperties;
import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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
 * overrides) still reports every call to the gateway.
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
}

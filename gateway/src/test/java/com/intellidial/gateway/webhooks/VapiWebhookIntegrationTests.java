package com.intellidial.gateway.webhooks;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole VAPI webhook loop on the running gateway: a tenant creates an assistant with its own
 * server URL and a call through the gateway; the simulator (as VAPI) posts the call's server
 * messages to the gateway's tenant URL with the platform credential; the gateway checks and relays
 * them, signed, to the tenant's own URL, and the report's cost lands in the ledger. Also the
 * endpoint's refusals on the real server.
 */
@GatewayIntegrationTest
class VapiWebhookIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    LocalSecretStore secrets;

    @Autowired
    DatabaseClient db;

    TenantEndpoint endpoint;

    @BeforeEach
    void start() {
        this.endpoint = TenantEndpoint.start();
    }

    @AfterEach
    void stop() {
        this.endpoint.close();
    }

    @Test
    void relaysACallsServerMessagesFromVapiToTheTenantsOwnUrlSigned() {
        TestTenant acme = tenant("hook-loop");
        String assistantId = create(acme, "/vapi/assistant",
                "{\"name\":\"front desk\",\"server\":{\"url\":\"" + this.endpoint.url("/acme/vapi") + "\"}}");
        String callId = create(acme, "/vapi/call", "{\"assistantId\":\"" + assistantId + "\"}");
        await().atMost(Duration.ofSeconds(15)).until(() -> types(this.endpoint).contains("end-of-call-report"));
        List<TenantEndpoint.Received> received = this.endpoint.received();
        assertThat(types(this.endpoint)).contains("status-update", "end-of-call-report");
        for (TenantEndpoint.Received message : received) {
            assertThat(message.path()).isEqualTo("/acme/vapi");
            assertThat(RelaySigner.verify(secret(acme).getBytes(StandardCharsets.UTF_8),
                    Long.parseLong(message.header("X-Intellidial-Timestamp")), message.body(),
                    message.header("X-Intellidial-Signature"))).isTrue();
            assertThat(json(message).get("message").get("call").get("id").stringValue()).isEqualTo(callId);
            assertThat(message.headers()).doesNotContainKey("Authorization");
        }
        JsonNode report = received.stream().map(VapiWebhookIntegrationTests::json)
            .filter(m -> m.get("message").get("type").stringValue().equals("end-of-call-report"))
            .findFirst().orElseThrow().get("message");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.db
            .sql("select cost_usd from calls where call_id = :c and tenant_id = :t and ended_at is not null")
            .bind("c", callId).bind("t", acme.id())
            .map(row -> row.get("cost_usd", BigDecimal.class)).one().block())
            .isEqualByComparingTo(report.get("cost").decimalValue()));
    }

    @Test
    void refusesMissingAndForgedCredentialsOnTheRealServer() {
        TestTenant acme = tenant("hook-auth");
        String body = "{\"message\":{\"type\":\"status-update\",\"status\":\"ringing\",\"call\":{\"id\":\"c-1\"}}}";
        this.client.post().uri("/webhooks/vapi/" + acme.id())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isUnauthorized()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.requestId").isNotEmpty();
        // A tenant's own gateway key is not VAPI's credential.
        this.client.post().uri("/webhooks/vapi/" + acme.id())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + acme.apiKey())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isForbidden()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        this.client.post().uri("/webhooks/vapi/no-such-tenant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isNotFound();
    }

    @Test
    void refusesAMessageAboutAnotherTenantsCallAndRelaysNothing() {
        TestTenant acme = tenant("hook-own");
        TestTenant globex = tenant("hook-other");
        String assistantId = create(acme, "/vapi/assistant", "{\"name\":\"a\"}");
        String callId = create(acme, "/vapi/call", "{\"assistantId\":\"" + assistantId + "\"}");
        String report = "{\"message\":{\"type\":\"end-of-call-report\",\"endedReason\":\"customer-ended-call\","
                + "\"startedAt\":\"2025-11-20T12:33:20.740Z\",\"endedAt\":\"2025-11-20T12:35:28.338Z\",\"cost\":9.99,"
                + "\"call\":{\"id\":\"" + callId + "\",\"assistantId\":\"" + assistantId + "\"}}}";
        this.client.post().uri("/webhooks/vapi/" + globex.id())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(report)
            .exchange()
            .expectStatus().isNotFound()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        this.client.post().uri("/webhooks/vapi/" + acme.id())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(report)
            .exchange()
            .expectStatus().isOk();
    }

    /**
     * VAPI's server messages carry the call's full phone number, which for a pool number is a
     * {@code TwilioPhoneNumber} with the pool's auth token; the relay must not hand it to the tenant.
     */
    @Test
    void aRelayedMessageDoesNotCarryThePoolsTwilioCredentials() {
        TestTenant acme = tenant("hook-creds");
        String assistantId = create(acme, "/vapi/assistant",
                "{\"name\":\"a\",\"server\":{\"url\":\"" + this.endpoint.url("/acme/creds") + "\"}}");
        String callId = create(acme, "/vapi/call", "{\"assistantId\":\"" + assistantId + "\"}");
        String message = "{\"message\":{\"type\":\"status-update\",\"status\":\"ringing\",\"phoneNumber\":{"
                + "\"provider\":\"twilio\",\"number\":\"+15550009999\",\"twilioAccountSid\":\"AC-pool\","
                + "\"twilioAuthToken\":\"pool-auth-token\",\"twilioApiKey\":\"SK-pool\",\"twilioApiSecret\":\"pool-key-secret\"},"
                + "\"call\":{\"id\":\"" + callId + "\",\"assistantId\":\"" + assistantId + "\"}}}";
        this.client.post().uri("/webhooks/vapi/" + acme.id())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(message)
            .exchange()
            .expectStatus().isOk();
        await().atMost(Duration.ofSeconds(10)).until(() -> this.endpoint.received().stream()
            .anyMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains("+15550009999")));
        TenantEndpoint.Received relayed = this.endpoint.received().stream()
            .filter(r -> new String(r.body(), StandardCharsets.UTF_8).contains("+15550009999"))
            .findFirst().orElseThrow();
        assertThat(new String(relayed.body(), StandardCharsets.UTF_8)).doesNotContain("pool-auth-token")
            .doesNotContain("AC-pool").doesNotContain("SK-pool").doesNotContain("pool-key-secret");
        assertThat(RelaySigner.verify(secret(acme).getBytes(StandardCharsets.UTF_8),
                Long.parseLong(relayed.header("X-Intellidial-Timestamp")), relayed.body(),
                relayed.header("X-Intellidial-Signature"))).as("the signature covers what was sent").isTrue();
    }

    /**
     * Only {@code assistantOverrides} was trimmed: a tenant's {@code squadOverrides} or
     * {@code workflowOverrides} pointed {@code server.url} elsewhere with the platform's webhook
     * credential, so VAPI sent the rest of the call (and the end-of-call report) to the attacker.
     */
    @Test
    void anAssistantRequestAnswerCannotRedirectTheCallsWebhooksThroughSquadOrWorkflowOverrides() {
        TestTenant acme = tenant("hook-overrides");
        String number = create(acme, "/vapi/phone-number",
                "{\"provider\":\"vapi\",\"server\":{\"url\":\"" + this.endpoint.url("/acme/inbound") + "\"}}");
        String squad = create(acme, "/vapi/squad", "{\"name\":\"s\",\"members\":[]}");
        String attacker = "{\"server\":{\"url\":\"https://attacker.example/hook\",\"credentialId\":\""
                + TestInfrastructure.VAPI_WEBHOOK_CREDENTIAL_ID + "\"},\"variableValues\":{\"name\":\"Ann\"}}";
        this.endpoint.answer("{\"squadId\":\"" + squad + "\",\"squadOverrides\":" + attacker + ",\"workflowOverrides\":"
                + attacker + ",\"assistantOverrides\":" + attacker
                + ",\"server\":{\"url\":\"https://attacker.example/top\"},\"serverUrl\":\"https://attacker.example/old\"}");
        String request = "{\"message\":{\"type\":\"assistant-request\",\"call\":{\"id\":\"" + UUID.randomUUID()
                + "\",\"phoneNumberId\":\"" + number + "\",\"type\":\"inboundPhoneCall\"}}}";
        String toVapi = this.client.post().uri("/webhooks/vapi/" + acme.id())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(request)
            .exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(this.endpoint.received()).as("the tenant was asked").isNotEmpty();
        assertThat(toVapi).doesNotContain("attacker.example").doesNotContain(TestInfrastructure.VAPI_WEBHOOK_CREDENTIAL_ID);
        JsonNode answer = JSON.readTree(toVapi);
        assertThat(answer.get("squadId").stringValue()).isEqualTo(squad);
        for (String overrides : List.of("squadOverrides", "workflowOverrides", "assistantOverrides")) {
            assertThat(answer.get(overrides).get("variableValues").get("name").stringValue()).as(overrides).isEqualTo("Ann");
        }
    }

    private TestTenant tenant(String prefix) {
        TestTenant tenant = this.tenants.create(prefix, VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.secrets.put(SecretPath.tenantWebhook(tenant.id()), Map.of("signing_secret", secret(tenant)));
        return tenant;
    }

    private static String secret(TestTenant tenant) {
        return "whsec-" + tenant.id();
    }

    private String create(TestTenant tenant, String path, String json) {
        byte[] body = this.client.post().uri(path)
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(json)
            .exchange()
            .expectStatus().isCreated()
            .expectBody().returnResult().getResponseBodyContent();
        return JSON.readTree(body).get("id").stringValue();
    }

    private static List<String> types(TenantEndpoint endpoint) {
        return endpoint.received().stream().map(r -> json(r).get("message").get("type").stringValue()).toList();
    }

    private static JsonNode json(TenantEndpoint.Received received) {
        return JSON.readTree(received.body());
    }
}

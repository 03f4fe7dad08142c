package com.intellidial.gateway.webhooks;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Relay slots are shared fairly: a tenant whose endpoint hangs holds at most its own share of the
 * instance's pending relays, so every other tenant's messages are still delivered.
 */
@GatewayIntegrationTest
@TestPropertySource(properties = { "gateway.webhooks.relay.max-in-flight=4",
        "gateway.webhooks.relay.max-in-flight-per-tenant=2", "gateway.webhooks.relay.max-attempts=1",
        "gateway.webhooks.relay.response-timeout=60s" })
class RelayShareIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    LocalSecretStore secrets;

    @Test
    void oneTenantsHangingEndpointCannotTakeEveryTenantsRelaySlots() {
        try (TenantEndpoint hanging = TenantEndpoint.start().delay(Duration.ofMinutes(2));
                TenantEndpoint healthy = TenantEndpoint.start()) {
            TestTenant attacker = tenant("relay-hog");
            TestTenant victim = tenant("relay-victim");
            String hog = assistant(attacker, hanging.url("/hog"));
            String own = assistant(victim, healthy.url("/victim"));
            for (int i = 0; i < 6; i++) {
                statusUpdate(attacker, hog);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> hanging.received().size() >= 2);
            statusUpdate(victim, own);
            await().atMost(Duration.ofSeconds(5)).until(() -> healthy.received().size() == 1);
            assertThat(hanging.received()).as("the hanging tenant holds only its share").hasSize(2);
        }
    }

    private TestTenant tenant(String prefix) {
        TestTenant tenant = this.tenants.create(prefix, VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.secrets.put(SecretPath.tenantWebhook(tenant.id()), Map.of("signing_secret", "whsec-" + tenant.id()));
        return tenant;
    }

    private String assistant(TestTenant tenant, String url) {
        byte[] body = this.client.post()
            .uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"name\":\"a\",\"server\":{\"url\":\"" + url + "\"}}")
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
        return JSON.readTree(body).get("id").stringValue();
    }

    /** A status update of an inbound call on the tenant's assistant, as VAPI posts it. */
    private void statusUpdate(TestTenant tenant, String assistantId) {
        this.client.post()
            .uri("/webhooks/vapi/" + tenant.id())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"message\":{\"type\":\"status-update\",\"status\":\"ringing\",\"call\":{\"id\":\"" + UUID.randomUUID()
                    + "\",\"assistantId\":\"" + assistantId + "\",\"createdAt\":\"2026-01-01T00:00:00Z\"}}}")
            .exchange()
            .expectStatus()
            .isOk();
    }
}

package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.Map;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A call created through the gateway is in the ledger as the tenant's: isolation hands the created
 * ids to metering, which records one {@code CallCreated} per call, batch calls included.
 */
@GatewayIntegrationTest
class CallCreatedMeteringIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Test
    void callsCreatedThroughTheGatewayAreInTheLedger() {
        TestTenant tenant = this.tenants.create("metered-call", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        String assistantId = createAssistant(tenant);
        String single = this.client.post().uri("/vapi/call")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .bodyValue(Map.of("assistantId", assistantId, "customer", Map.of("number", "+14155550100")))
            .exchange()
            .expectStatus().is2xxSuccessful()
            .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        this.client.post().uri("/vapi/call")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .bodyValue(Map.of("assistantId", assistantId, "customers",
                    java.util.List.of(Map.of("number", "+14155550101"), Map.of("number", "+14155550102"))))
            .exchange()
            .expectStatus().is2xxSuccessful();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(LedgerDatabase.number("select count(*) from calls where tenant_id = ?", tenant.id())).isEqualTo(3);
            assertThat(LedgerDatabase.number("select count(*) from calls where tenant_id = ? and call_id = ?",
                    tenant.id(), single)).isEqualTo(1);
            assertThat(LedgerDatabase.number("select coalesce(sum(calls_created), 0) from usage_hourly where tenant_id = ?",
                    tenant.id())).isEqualTo(3);
        });
    }

    private String createAssistant(TestTenant tenant) {
        return this.client.post().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .bodyValue(Map.of("name", "metered"))
            .exchange()
            .expectStatus().isCreated()
            .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }
}

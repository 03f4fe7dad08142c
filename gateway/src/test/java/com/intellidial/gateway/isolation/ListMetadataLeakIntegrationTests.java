package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.List;

import com.intellidial.gateway.isolation.VapiClient.Reply;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paginated VAPI lists: no page's metadata may count other tenants' items. A tenant that filters by
 * a value only another tenant uses and binary-searches over {@code page} must learn nothing, and
 * no org-wide cursor reaches it.
 */
@GatewayIntegrationTest
class ListMetadataLeakIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    VapiClient vapi;

    @BeforeEach
    void client() {
        this.vapi = new VapiClient(this.client);
    }

    @Test
    void pagingThroughAFilteredListCountsNoOtherTenantsItems() {
        TestTenant victim = shared("meta-victim");
        TestTenant attacker = shared("meta-attacker");
        String secret = "victim-customer-" + victim.id();
        for (int i = 0; i < 3; i++) {
            this.vapi.create(victim, "/session", "{\"name\":\"" + secret + "\"}");
        }
        this.vapi.create(attacker, "/session", "{\"name\":\"mine\"}");
        for (int page = 1; page <= 4; page++) {
            Reply reply = this.vapi.get(attacker, "/session?name=" + secret + "&limit=1&page=" + page);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            JsonNode metadata = reply.json().get("metadata");
            assertThat(reply.json().get("results")).isEmpty();
            assertThat(metadata.get("totalItems").asInt()).isZero();
            assertThat(metadata.get("totalPages").asInt()).isZero();
            assertThat(metadata.get("hasNextPage").asBoolean()).isFalse();
            assertThat(metadata.get("currentPage").asInt()).isEqualTo(page);
            assertThat(metadata.has("nextCursor")).isFalse();
            assertThat(metadata.has("itemsBeyondRetention")).isFalse();
            // The gateway pages through the tenant's own items; VAPI is asked for its first window.
            assertThat(reply.upstream().rawQuery()).contains("name=" + secret).contains("limit=1000")
                .doesNotContain("page=");
        }
    }

    @Test
    void theTenantsOwnPagesAddUpToItsOwnItems() {
        TestTenant tenant = shared("meta-pages");
        TestTenant other = shared("meta-noise");
        List<String> own = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            own.add(this.vapi.create(tenant, "/session", "{\"name\":\"s\"}"));
            this.vapi.create(other, "/session", "{\"name\":\"s\"}");
        }
        List<String> seen = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            JsonNode answer = this.vapi.get(tenant, "/session?name=s&limit=2&page=" + page).json();
            answer.get("results").forEach(item -> seen.add(item.get("id").stringValue()));
            JsonNode metadata = answer.get("metadata");
            assertThat(metadata.get("totalItems").asInt()).isEqualTo(5);
            assertThat(metadata.get("totalPages").asInt()).isEqualTo(3);
            assertThat(metadata.get("itemsPerPage").asInt()).isEqualTo(2);
            assertThat(metadata.get("hasNextPage").asBoolean()).isEqualTo(page < 3);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(own);
    }

    @Test
    void anOrgWideCursorIsRefusedAndNeverForwarded() {
        TestTenant tenant = shared("meta-cursor");
        Reply reply = this.vapi.get(tenant, "/session?cursor=cGFnZToy");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.forwarded()).isFalse();
    }

    private TestTenant shared(String prefix) {
        return this.tenants.create(prefix, VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
    }
}

package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.List;

import com.intellidial.gateway.isolation.VapiClient.Reply;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One tenant cannot make everyone's lists fail: the org-wide window a list is fetched
 * with streams through the gateway item by item, so however large the other tenants' items make it,
 * a tenant gets its own items (here the cap on what the gateway reads at once is lowered to 64 KB,
 * and another tenant fills the org with 200 KB of assistants or sessions).
 */
@GatewayIntegrationTest
@TestPropertySource(properties = "gateway.isolation.max-response-size=64KB")
class BusyOrgListIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Test
    void anotherTenantFillingTheOrgDoesNotMakeMyListFail() {
        VapiClient vapi = new VapiClient(this.client);
        TestTenant victim = this.tenants.create("busy-victim", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        TestTenant flooder = this.tenants.create("busy-flood", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        String mine = vapi.create(victim, "/assistant", "{\"name\":\"mine\"}");
        String filler = "x".repeat(8 * 1024);
        List<String> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                flood.add(vapi.create(flooder, "/assistant", "{\"name\":\"f\",\"firstMessage\":\"" + filler + "\"}"));
            }
            Reply list = vapi.get(victim, "/assistant?limit=10");
            assertThat(list.status()).as(list.toString()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            list.json().forEach(item -> ids.add(item.get("id").stringValue()));
            assertThat(ids).containsExactly(mine);
            assertThat(list.upstream().rawQuery()).contains("limit=1000");
        }
        finally {
            flood.forEach(id -> vapi.delete(flooder, "/assistant/" + id));
        }
    }

    @Test
    void anotherTenantFillingTheOrgDoesNotMakeMyPaginatedListFail() {
        VapiClient vapi = new VapiClient(this.client);
        TestTenant victim = this.tenants.create("busy-pvictim", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        TestTenant flooder = this.tenants.create("busy-pflood", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        String mine = vapi.create(victim, "/session", "{\"name\":\"mine\"}");
        String filler = "x".repeat(8 * 1024);
        List<String> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                flood.add(vapi.create(flooder, "/session", "{\"name\":\"" + filler + "\"}"));
            }
            Reply list = vapi.get(victim, "/session?limit=10");
            assertThat(list.status()).as(list.toString()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            list.json().get("results").forEach(item -> ids.add(item.get("id").stringValue()));
            assertThat(ids).containsExactly(mine);
            assertThat(list.json().get("metadata").get("totalItems").asInt()).isEqualTo(1);
        }
        finally {
            flood.forEach(id -> vapi.delete(flooder, "/session/" + id));
        }
    }
}

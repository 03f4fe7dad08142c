package com.intellidial.gateway.isolation;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.support.TwilioClients;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayHeaders;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.type.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared Twilio pool lists: the platform account's pages hold every pool tenant's items, so no page
 * field a tenant sees ({@code start}, {@code end}, page URIs, {@code PageToken}) may come from them.
 * Paging with a filter only another tenant matches must tell nothing, and the tenant's own pages
 * must still add up (twilio-java follows them).
 */
@GatewayIntegrationTest
class TwilioPoolPagingIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final URI TWIML = URI.create("https://example.com/twiml");

    @Autowired
    TestTenants tenants;

    @Autowired
    WebTestClient web;

    @LocalServerPort
    int port;

    @Test
    void pagingWithAnotherTenantsCustomerAsFilterTellsNothing() {
        TestTenant victim = this.tenants.create("pgvictim", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        TestTenant attacker = this.tenants.create("pgattack", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        String victimNumber = (String) provision(victim).get("phoneNumber");
        provision(attacker);
        PhoneNumber customer = new PhoneNumber("+1888555" + (1000 + victim.slot() % 9000));
        TwilioRestClient client = TwilioClients.viaGateway(this.port, victim.apiKey());
        for (int i = 0; i < 3; i++) {
            Call.creator(customer, new PhoneNumber(victimNumber), TWIML).create(client);
        }
        String shown = TwilioOwnership.poolAccountSid(attacker.id());
        for (int page = 0; page < 4; page++) {
            String requestId = UUID.randomUUID().toString();
            JsonNode answer = get(attacker, "/2010-04-01/Accounts/" + shown + "/Calls.json?To=" + customer.getEndpoint()
                    + "&PageSize=1&Page=" + page + "&PageToken=PA0", requestId);
            assertThat(answer.get("calls")).isEmpty();
            assertThat(answer.get("next_page_uri").isNull()).as("page %d", page).isTrue();
            assertThat(answer.get("start").asLong()).isEqualTo(page);
            assertThat(answer.get("end").asLong()).isEqualTo(page);
            assertThat(answer.get("page").asInt()).isEqualTo(page);
            assertThat(answer.toString()).doesNotContain("PageToken").doesNotContain(TestUpstream.PLATFORM_TWILIO_SID);
            String forwarded = TestUpstream.received(requestId).rawQuery();
            assertThat(forwarded).contains("PageSize=1000").contains("Page=0").doesNotContain("PageToken");
        }
    }

    @Test
    void thePoolTenantsOwnPagesAddUpAndTwilioJavaFollowsThem() {
        TestTenant tenant = this.tenants.create("pgown", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        TestTenant other = this.tenants.create("pgother", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        String number = (String) provision(tenant).get("phoneNumber");
        String otherNumber = (String) provision(other).get("phoneNumber");
        PhoneNumber customer = new PhoneNumber("+1888556" + (1000 + tenant.slot() % 9000));
        TwilioRestClient client = TwilioClients.viaGateway(this.port, tenant.apiKey());
        TwilioRestClient otherClient = TwilioClients.viaGateway(this.port, other.apiKey());
        List<String> own = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            own.add(Call.creator(customer, new PhoneNumber(number), TWIML).create(client).getSid());
            Call.creator(customer, new PhoneNumber(otherNumber), TWIML).create(otherClient);
        }
        String shown = TwilioOwnership.poolAccountSid(tenant.id());
        String path = "/2010-04-01/Accounts/" + shown + "/Calls.json";
        JsonNode first = get(tenant, path + "?To=" + customer.getEndpoint() + "&PageSize=2", UUID.randomUUID().toString());
        assertThat(first.get("calls")).hasSize(2);
        assertThat(first.get("next_page_uri").stringValue())
            .isEqualTo(path + "?To=%2B" + customer.getEndpoint().substring(1) + "&PageSize=2&Page=1");
        List<String> listed = new ArrayList<>();
        Call.reader().setTo(customer).pageSize(1).read(client).forEach(call -> listed.add(call.getSid()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(own);
    }

    private JsonNode get(TestTenant tenant, String path, String requestId) {
        byte[] body = this.web.get()
            .uri(base -> URI.create(base.build().toString().replaceAll("/$", "") + "/twilio" + path.replace("+", "%2B")))
            .header("Authorization", "Bearer " + tenant.apiKey())
            .header(GatewayHeaders.REQUEST_ID, requestId)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
        return JSON.readTree(body);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> provision(TestTenant tenant) {
        return this.web.mutate()
            .defaultHeader("Authorization", "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .build()
            .post()
            .uri("/admin/v1/tenants/" + tenant.id() + "/numbers")
            .header("Idempotency-Key", "k-" + UUID.randomUUID())
            .bodyValue(Map.of("areaCode", 415))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    }
}

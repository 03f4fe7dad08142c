package com.intellidial.gateway.provisioning;

import java.util.Map;
import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code vapi-number} telephony mode end to end: no Twilio at all; the admin API asks VAPI
 * for a number ({@code provider: vapi}), the number becomes the tenant's (usable through /vapi,
 * invisible to others), and releasing it deletes it from VAPI and from the tenant's ownership.
 */
@GatewayIntegrationTest
class VapiNumberProvisioningIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Test
    @SuppressWarnings("unchecked")
    void provisionsAVapiNumberOwnedByTheTenantOnly() {
        TestTenant tenant = this.tenants.create("vapinum-prov", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        TestTenant other = this.tenants.create("vapinum-other", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        Map<String, Object> number = admin().post().uri("/admin/v1/tenants/{id}/numbers", tenant.id())
            .header("Idempotency-Key", "k-" + UUID.randomUUID())
            .bodyValue(Map.of("areaCode", 415))
            .exchange()
            .expectStatus().is2xxSuccessful()
            .expectBody(Map.class).returnResult().getResponseBody();
        String id = String.valueOf(number.get("vapiPhoneNumberId"));
        RecordedRequest created = TestUpstream.simulator().journal().matching("POST", "/phone-number").stream()
            .filter(request -> request.bodyAsString().contains(tenant.id()))
            .reduce((first, second) -> second)
            .orElseThrow();
        assertThat(created.bodyAsString()).contains("\"provider\":\"vapi\"").contains("415");
        assertThat(TestUpstream.simulator().journal().all())
            .noneMatch(request -> request.path().startsWith("/2010-04-01") && request.bodyAsString().contains(tenant.id()));

        get(tenant, "/vapi/phone-number/" + id).expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(id);
        get(other, "/vapi/phone-number/" + id).expectStatus().isNotFound();

        admin().delete().uri("/admin/v1/tenants/{id}/numbers/{number}", other.id(), id).exchange()
            .expectStatus().isNotFound();
        admin().delete().uri("/admin/v1/tenants/{id}/numbers/{number}", tenant.id(), id).exchange()
            .expectStatus().isNoContent();
        get(tenant, "/vapi/phone-number/" + id).expectStatus().isNotFound();
    }

    private WebTestClient.ResponseSpec get(TestTenant tenant, String path) {
        return this.client.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey()).exchange();
    }

    private WebTestClient admin() {
        return this.client.mutate().defaultHeader("Authorization", "Bearer " + TestInfrastructure.ADMIN_TOKEN).build();
    }

    /**
     * A shared-pool number is imported into VAPI with the pool account's auth token, and VAPI's
     * {@code TwilioPhoneNumber} returns it: reading its own number gave a tenant the pool's
     * credentials. No credential field may reach the tenant, on a read, a list or an update.
     */
    @Test
    @SuppressWarnings("unchecked")
    void readingAPoolNumberDoesNotRevealThePoolsTwilioCredentials() {
        TestTenant tenant = this.tenants.create("pool-creds", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        Map<String, Object> number = admin().post().uri("/admin/v1/tenants/{id}/numbers", tenant.id())
            .header("Idempotency-Key", "k-" + UUID.randomUUID())
            .bodyValue(Map.of("areaCode", 415))
            .exchange()
            .expectStatus().is2xxSuccessful()
            .expectBody(Map.class).returnResult().getResponseBody();
        String id = String.valueOf(number.get("vapiPhoneNumberId"));
        RecordedRequest imported = TestUpstream.simulator().journal().matching("POST", "/phone-number").stream()
            .filter(request -> request.bodyAsString().contains("\"provider\":\"twilio\""))
            .reduce((first, second) -> second)
            .orElseThrow();
        assertThat(imported.bodyAsString()).as("VAPI holds the pool credential, and answers it")
            .contains("twilioAuthToken").contains("twilioAccountSid");
        String[] answers = {
            get(tenant, "/vapi/phone-number/" + id).expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody(),
            get(tenant, "/vapi/phone-number").expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody(),
            get(tenant, "/vapi/v2/phone-number").expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody(),
            this.client.patch().uri("/vapi/phone-number/" + id)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .bodyValue(Map.of("name", "front-desk"))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody() };
        for (String answer : answers) {
            assertThat(answer).contains(id).doesNotContain("twilioAuthToken").doesNotContain("twilioAccountSid")
                .doesNotContain("twilioApiKey").doesNotContain("twilioApiSecret")
                .doesNotContain(TestUpstream.PLATFORM_TWILIO_TOKEN).doesNotContain(TestUpstream.PLATFORM_TWILIO_SID);
        }
    }
}

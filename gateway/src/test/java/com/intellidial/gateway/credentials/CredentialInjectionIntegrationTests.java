package com.intellidial.gateway.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credential injection end to end: what the upstream received is the tenant's own credential and
 * scope, never the gateway key, and never another tenant's account.
 */
@GatewayIntegrationTest
class CredentialInjectionIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    LocalSecretStore secrets;

    @Test
    void injectsTheDedicatedOrgKeyOfEachTenant() {
        TestTenant acme = this.tenants.create("inject-a");
        TestTenant globex = this.tenants.create("inject-b");
        this.client.post().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + acme.apiKey())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"name\":\"front desk\"}")
            .exchange()
            .expectStatus().isCreated()
            .expectBody()
            .jsonPath("$.orgId").isEqualTo(acme.vapiOrg())
            .jsonPath("$.id").isNotEmpty();
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + acme.apiKey())
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.length()").isEqualTo(1);
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + globex.apiKey())
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.length()").isEqualTo(0);
    }

    @Test
    void attachesTheSharedOrgKeyOnlyToRequestsIsolationVetted() {
        TestTenant shared = this.tenants.create("shared", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        String vetted = "test-" + UUID.randomUUID();
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + shared.apiKey())
            .header("X-Request-Id", vetted)
            .exchange()
            .expectStatus().isOk();
        assertThat(TestUpstream.received(vetted).header("Authorization")).isEqualTo("Bearer " + TestUpstream.PLATFORM_VAPI_KEY);
        String unvetted = "test-" + UUID.randomUUID();
        this.client.get().uri("/vapi/org")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + shared.apiKey())
            .header("X-Request-Id", unvetted)
            .exchange()
            .expectStatus().isNotFound()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(TestUpstream.anyReceived(unvetted)).isFalse();
    }

    @Test
    void answers503WhenTheTenantHasNoCredential() {
        TestTenant tenant = this.tenants.create("nocred");
        this.secrets.delete(SecretPath.tenantVapi(tenant.id()));
        String requestId = "test-" + UUID.randomUUID();
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isEqualTo(503)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://docs.intellidial.dev/problems/credential-unavailable");
        assertThat(TestUpstream.anyReceived(requestId)).isFalse();
    }

    @Test
    void answers503WhenTheCredentialIsBlank() {
        TestTenant tenant = this.tenants.create("blankcred");
        this.secrets.put(SecretPath.tenantVapi(tenant.id()), java.util.Map.of("api_key", " "));
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isEqualTo(503);
    }

    @Test
    void rewritesTheTwilioAccountSidToTheTenants() {
        TestTenant tenant = this.tenants.create("twilio-rewrite");
        TestTenant other = this.tenants.create("twilio-other");
        String requestId = "test-" + UUID.randomUUID();
        this.client.get().uri("/twilio/2010-04-01/Accounts/" + other.accountSid() + "/Calls.json")
            .header(HttpHeaders.AUTHORIZATION, basic("AC-whatever", tenant.apiKey()))
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.calls").isArray();
        RecordedRequest received = TestUpstream.received(requestId);
        assertThat(received.path()).isEqualTo("/2010-04-01/Accounts/" + tenant.accountSid() + "/Calls.json");
        assertThat(received.header("Authorization")).isEqualTo(basic(tenant.accountSid(), tenant.twilioToken()));
        assertThat(received.headers().toString()).doesNotContain(tenant.apiKey()).doesNotContain(other.twilioToken());
    }

    @Test
    void createsTwilioCallsInTheTenantsAccountOnly() {
        TestTenant tenant = this.tenants.create("twilio-call");
        TestTenant other = this.tenants.create("twilio-call-other");
        this.client.post().uri("/twilio/2010-04-01/Accounts/" + other.accountSid() + "/Calls.json")
            .header(HttpHeaders.AUTHORIZATION, basic(other.accountSid(), tenant.apiKey()))
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .bodyValue("To=%2B14155550100&From=%2B14155550199&Url=https%3A%2F%2Fexample.com%2Ftwiml")
            .exchange()
            .expectStatus().isCreated()
            .expectBody().jsonPath("$.account_sid").isEqualTo(tenant.accountSid());
        this.client.get().uri("/twilio/2010-04-01/Accounts/" + other.accountSid() + "/Calls.json")
            .header(HttpHeaders.AUTHORIZATION, basic(other.accountSid(), other.apiKey()))
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.calls.length()").isEqualTo(0);
    }

    @Test
    void refusesTwilioAccountLevelOperationsWith404() {
        TestTenant tenant = this.tenants.create("twilio-accounts");
        for (String path : new String[] { "/twilio/2010-04-01/Accounts.json",
                "/twilio/2010-04-01/Accounts/" + tenant.accountSid() + ".json", "/twilio/2010-04-01/Accounts/x/",
                "/twilio/2010-04-01/Accounts" }) {
            String requestId = "test-" + UUID.randomUUID();
            this.client.get().uri(path)
                .header(HttpHeaders.AUTHORIZATION, basic(tenant.accountSid(), tenant.apiKey()))
                .header("X-Request-Id", requestId)
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(TestUpstream.anyReceived(requestId)).as(path).isFalse();
        }
    }

    @Test
    void refusesTwilioForVapiNumberTenantsWith403() {
        TestTenant tenant = this.tenants.create("vapinumber", VapiMode.DEDICATED_ORG, TelephonyMode.VAPI_NUMBER);
        this.client.get().uri("/twilio/2010-04-01/Accounts/AC1/Calls.json")
            .header(HttpHeaders.AUTHORIZATION, basic("AC1", tenant.apiKey()))
            .exchange()
            .expectStatus().isForbidden()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void neverReturnsTheUpstreamCredentialToTheClient() {
        TestTenant tenant = this.tenants.create("noecho");
        WebTestClient.ResponseSpec response = this.client.get().uri("/vapi/assistant/does-not-exist")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange();
        byte[] body = response.expectBody().returnResult().getResponseBodyContent();
        String all = response.returnResult(String.class).getResponseHeaders().toString()
                + ((body != null) ? new String(body, StandardCharsets.UTF_8) : "");
        assertThat(all).doesNotContain(tenant.vapiKey()).doesNotContain(tenant.apiKey());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

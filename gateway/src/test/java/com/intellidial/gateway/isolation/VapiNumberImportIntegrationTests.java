package com.intellidial.gateway.isolation;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.intellidial.gateway.isolation.VapiClient.Reply;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Importing someone else's number through {@code /vapi/phone-number}: a tenant that names a number
 * of the shared pool (or of any Twilio, Vonage or Telnyx account) with its account SID or a
 * credential would take over that number's inbound calls and messages. Numbers enter VAPI only
 * through the gateway's own provisioning, which calls VAPI directly; tenants may only buy VAPI
 * numbers.
 */
@GatewayIntegrationTest
class VapiNumberImportIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    VapiClient vapi;

    TestTenant victim;

    TestTenant attacker;

    String poolNumber;

    @BeforeEach
    void tenants() {
        this.vapi = new VapiClient(this.client);
        this.victim = this.tenants.create("import-victim", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        this.attacker = this.tenants.create("import-attacker", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        this.poolNumber = String.valueOf(provision(this.victim).get("phoneNumber"));
    }

    @Test
    void theGatewaysOwnProvisioningStillImportsIntoVapiDirectly() {
        // The import carries provider twilio, the pool's SID and token: refused on the tenant route,
        // so it reached VAPI without passing through it (and without a tenant's request id).
        RecordedRequest imported = TestUpstream.simulator().journal().matching("POST", "/phone-number").stream()
            .filter((request) -> request.bodyAsString().contains(this.poolNumber))
            .reduce((first, second) -> second)
            .orElseThrow();
        assertThat(imported.bodyAsString()).contains("\"provider\":\"twilio\"")
            .contains("\"twilioAccountSid\":\"" + TestUpstream.PLATFORM_TWILIO_SID + "\"")
            .contains("\"twilioAuthToken\"");
        assertThat(imported.header("Authorization")).isEqualTo("Bearer " + TestUpstream.PLATFORM_VAPI_KEY);
    }

    @Test
    void providerImportsAreRefusedNamingTheProvider() {
        String sid = TestUpstream.PLATFORM_TWILIO_SID;
        for (String body : List.of(
                "{\"provider\":\"twilio\",\"number\":\"" + this.poolNumber + "\",\"twilioAccountSid\":\"" + sid + "\"}",
                "{\"provider\":\"vonage\",\"number\":\"" + this.poolNumber + "\"}",
                "{\"provider\":\"telnyx\",\"number\":\"" + this.poolNumber + "\"}",
                "{\"provider\":\"byo-phone-number\",\"number\":\"" + this.poolNumber + "\"}",
                "{\"provider\":[\"vapi\"]}", "{\"provider\":\"VAPI\",\"number\":\"" + this.poolNumber + "\"}")) {
            Reply reply = this.vapi.post(this.attacker, "/phone-number", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.json().path("field").asString()).as(body).isEqualTo("provider");
            assertThat(reply.forwarded()).as(body).isFalse();
        }
    }

    @Test
    void numberAndEveryTwilioOrCredentialFieldAreRefusedOnCreateAndUpdate() {
        String owned = this.vapi.create(this.attacker, "/phone-number", "{\"provider\":\"vapi\",\"name\":\"mine\"}");
        Map<String, String> fields = Map.of("number", "\"" + this.poolNumber + "\"", "twilioAccountSid",
                "\"" + TestUpstream.PLATFORM_TWILIO_SID + "\"", "twilioAuthToken", "\"guessed\"", "twilioApiKey",
                "\"SK1\"", "twilioApiSecret", "\"s\"", "credentialId", "\"cred-other\"");
        fields.forEach((field, value) -> {
            Reply create = this.vapi.post(this.attacker, "/phone-number",
                    "{\"provider\":\"vapi\",\"" + field + "\":" + value + "}");
            assertThat(create.status()).as("create " + field).isEqualTo(400);
            assertThat(create.json().path("field").asString()).isEqualTo(field);
            assertThat(create.forwarded()).isFalse();
            for (String provider : List.of("", "\"provider\":\"twilio\",")) {
                Reply update = this.vapi.patch(this.attacker, "/phone-number/" + owned,
                        "{" + provider + "\"" + field + "\":" + value + "}");
                assertThat(update.status()).as("update " + provider + field).isEqualTo(400);
                assertThat(update.json().path("field").asString()).isEqualTo(field);
                assertThat(update.forwarded()).isFalse();
            }
        });
    }

    @Test
    void buyingAndUpdatingAVapiNumberStillWork() {
        Reply bought = this.vapi.post(this.attacker, "/phone-number",
                "{\"provider\":\"vapi\",\"numberDesiredAreaCode\":\"415\",\"name\":\"front desk\"}");
        assertThat(bought.status()).isEqualTo(201);
        assertThat(bought.upstreamJson().path("provider").asString()).isEqualTo("vapi");
        String id = bought.json().path("id").asString();
        Reply renamed = this.vapi.patch(this.attacker, "/phone-number/" + id, "{\"name\":\"reception\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.upstreamJson().path("name").asString()).isEqualTo("reception");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> provision(TestTenant tenant) {
        return this.client.post().uri("/admin/v1/tenants/{id}/numbers", tenant.id())
            .header("Authorization", "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .header("Idempotency-Key", "k-" + UUID.randomUUID())
            .bodyValue(Map.of("areaCode", 415))
            .exchange()
            .expectStatus().isCreated()
            .expectBody(Map.class).returnResult().getResponseBody();
    }
}

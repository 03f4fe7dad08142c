package com.intellidial.gateway.webhooks;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway as in production, with private relay targets refused: a tenant's webhook URL naming an
 * internal address is a 400 when submitted, and a stored target that resolves to loopback is never
 * connected to (dropped and counted).
 */
@GatewayIntegrationTest
@TestPropertySource(properties = "gateway.webhooks.relay.allow-private-targets=false")
class RelayTargetIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    LocalSecretStore secrets;

    @Autowired
    DatabaseClient db;

    @Autowired
    MeterRegistry meters;

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
    void refusesInternalWebhookUrlsWhenTheTenantSubmitsThem() {
        TestTenant acme = tenant("ssrf-record");
        for (String url : new String[] { "http://169.254.169.254/latest/meta-data", "http://10.0.0.7/hook",
                this.endpoint.url("/hook"), "http://localhost:9/hook", "http://198.18.0.1/hook", "http://192.0.0.8/hook",
                "http://[2002:a9fe:a9fe::1]/hook", "http://[2001:0:4136:e378::1]/hook", "http://[64:ff9b::c612:1]/hook" }) {
            this.client.post().uri("/vapi/assistant")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + acme.apiKey())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"voice\":{\"provider\":\"custom-voice\",\"server\":{\"url\":\"" + url + "\"}}}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.field").isEqualTo("voice.server.url");
        }
        create(acme, "/vapi/assistant", "{\"server\":{\"url\":\"https://acme.example/hook\"}}");
    }

    @Test
    void refusesAnInternalTwilioStatusCallback() {
        TestTenant acme = this.tenants.create("ssrf-twilio");
        this.client.post().uri("/twilio/2010-04-01/Accounts/AC1/Calls.json")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + acme.apiKey())
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .bodyValue("From=%2B18885550100&To=%2B14155550199&Url=https%3A%2F%2Fexample.com%2Ftwiml"
                    + "&StatusCallback=http%3A%2F%2F169.254.169.254%2Flatest")
            .exchange()
            .expectStatus().isBadRequest()
            .expectBody().jsonPath("$.field").isEqualTo("StatusCallback");
    }

    @Test
    void neverConnectsToAStoredTargetOnLoopback() {
        TestTenant acme = tenant("ssrf-relay");
        // A target recorded before the check existed (or set by an admin): the relay client still refuses it.
        this.db.sql("update tenants set webhook_url = :url where id = :id")
            .bind("url", this.endpoint.url("/hook")).bind("id", acme.id())
            .then().block();
        String assistantId = create(acme, "/vapi/assistant", "{\"name\":\"a\"}");
        String callId = create(acme, "/vapi/call", "{\"assistantId\":\"" + assistantId + "\"}");
        double blocked = this.meters.counter("gateway.webhooks.relay.blocked").count();
        this.client.post().uri("/webhooks/vapi/" + acme.id())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"message\":{\"type\":\"status-update\",\"status\":\"ringing\",\"call\":{\"id\":\"" + callId
                    + "\",\"assistantId\":\"" + assistantId + "\"}}}")
            .exchange()
            .expectStatus().isOk();
        await().atMost(Duration.ofSeconds(10))
            .until(() -> this.meters.counter("gateway.webhooks.relay.blocked").count() > blocked);
        assertThat(this.endpoint.received()).isEmpty();
    }

    private TestTenant tenant(String prefix) {
        TestTenant tenant = this.tenants.create(prefix, VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.secrets.put(SecretPath.tenantWebhook(tenant.id()), Map.of("signing_secret", "whsec-" + tenant.id()));
        return tenant;
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
}

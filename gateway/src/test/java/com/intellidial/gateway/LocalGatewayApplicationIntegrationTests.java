package com.intellidial.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's first command end to end: embedded PostgreSQL, simulator, demo tenants with their
 * fixed keys, and the gateway answering with each tenant's own upstream credential.
 */
class LocalGatewayApplicationIntegrationTests {

    private static LocalGatewayApplication.Running running;

    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        running = LocalGatewayApplication.start("--server.port=0");
    }

    @AfterAll
    static void stop() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void demoTenantsReachTheSimulatorWithTheirOwnCredential() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/vapi/assistant"))
            .header("Authorization", "Bearer " + LocalGatewayApplication.ACME_KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Front desk\"}")));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"orgId\":\"org-acme\"");
        RecordedRequest received = running.simulator().journal().last();
        assertThat(received.header("Authorization")).isEqualTo("Bearer sim-vapi-acme-key");

        HttpResponse<String> acmeList = send(HttpRequest.newBuilder(uri("/vapi/assistant"))
            .header("Authorization", "Bearer " + LocalGatewayApplication.ACME_KEY));
        assertThat(acmeList.statusCode()).isEqualTo(200);
        assertThat(acmeList.body()).contains("Front desk");

        HttpResponse<String> globexList = send(HttpRequest.newBuilder(uri("/vapi/assistant"))
            .header("Authorization", "Bearer " + LocalGatewayApplication.GLOBEX_KEY));
        assertThat(globexList.statusCode()).isEqualTo(200);
        assertThat(globexList.body()).doesNotContain("Front desk");
        assertThat(running.simulator().journal().last().header("Authorization")).isEqualTo("Bearer sim-vapi-globex-key");
    }

    @Test
    void eachDemoTenantHasAPhoneNumberOfItsOwn() throws Exception {
        String acme = numbers(LocalGatewayApplication.ACME_KEY);
        String globex = numbers(LocalGatewayApplication.GLOBEX_KEY);
        assertThat(acme).contains("\"phone_number\": \"+1415").contains("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
            .doesNotContain("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        assertThat(globex).contains("\"phone_number\": \"+1212").contains("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
            .doesNotContain("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    }

    private static String numbers(String key) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString(("any:" + key).getBytes());
        HttpResponse<String> list = send(HttpRequest.newBuilder(uri("/twilio/2010-04-01/Accounts/ACany/IncomingPhoneNumbers.json"))
            .header("Authorization", "Basic " + basic));
        assertThat(list.statusCode()).isEqualTo(200);
        return list.body().replace("\":\"", "\": \"");
    }

    @Test
    void everyDemoTenantPlacesACallWithOnlyACustomer() throws Exception {
        for (String key : new String[] { LocalGatewayApplication.ACME_KEY, LocalGatewayApplication.GLOBEX_KEY,
                LocalGatewayApplication.INITECH_KEY, LocalGatewayApplication.UMBRELLA_KEY }) {
            HttpResponse<String> call = send(HttpRequest.newBuilder(uri("/vapi/call"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":{\"number\":\"+14155550123\"}}")));
            assertThat(call.statusCode()).as(key + " " + call.body()).isEqualTo(201);
            assertThat(call.body()).contains("\"assistantId\"").contains("\"phoneNumberId\"");
        }
        HttpResponse<String> shared = send(HttpRequest.newBuilder(uri("/vapi/assistant"))
            .header("Authorization", "Bearer " + LocalGatewayApplication.INITECH_KEY));
        HttpResponse<String> neighbour = send(HttpRequest.newBuilder(uri("/vapi/assistant"))
            .header("Authorization", "Bearer " + LocalGatewayApplication.UMBRELLA_KEY));
        String initechAssistant = shared.body().replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");
        assertThat(neighbour.body()).as("two shared-org tenants in one org see only their own").doesNotContain(initechAssistant);
    }

    /** README's walkthrough: a new client from nothing to its first call, one admin call plus one tenant call. */
    @Test
    void readmeWalkthroughOnboardsAClientAndPlacesItsFirstCall() throws Exception {
        HttpResponse<String> onboarded = send(HttpRequest.newBuilder(uri("/admin/v1/onboardings"))
            .header("Authorization", "Bearer " + LocalGatewayApplication.ADMIN_TOKEN)
            .header("Idempotency-Key", "2b1f0c9e-readme")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("""
                    {"tenant": {"id": "initrode", "name": "Initrode"},
                     "vapiMode": "shared-org",
                     "telephony": {"mode": "vapi-number", "areaCode": "415"},
                     "assistant": {"template": "appointment-reminder", "overrides": {"name": "Front desk"}},
                     "webhookUrl": "https://initrode.example/hooks"}""")));
        assertThat(onboarded.statusCode()).as(onboarded.body()).isEqualTo(201);
        String key = onboarded.body().replaceAll("(?s).*\"apiKey\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> call = send(HttpRequest.newBuilder(uri("/vapi/call"))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":{\"number\":\"+14155550123\"}}")));
        assertThat(call.statusCode()).as(call.body()).isEqualTo(201);
    }

    @Test
    void healthIsUp() throws Exception {
        HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + running.port() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

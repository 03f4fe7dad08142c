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

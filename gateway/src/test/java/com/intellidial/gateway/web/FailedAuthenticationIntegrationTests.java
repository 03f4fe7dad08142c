package com.intellidial.gateway.web;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

import com.intellidial.gateway.support.ExtraGateway;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.tenant.ApiKeyEvents;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 item 9: a flood of random key ids would cost one database query each before anything
 * could refuse it. An address that failed {@code max-failures} times is refused 429 for credentials
 * that need a lookup, without the lookup; cached keys, other addresses and the time after the window
 * are unaffected. Runs its own gateway with a small limit (the shared test context's is huge, since
 * many tests send wrong keys from 127.0.0.1); a second client connects from 127.0.0.2. The tenant is
 * shared-org: the other instance has the platform credential, not the test store's.
 */
@GatewayIntegrationTest
class FailedAuthenticationIntegrationTests {

    private static final int MAX_FAILURES = 5;

    private static ConfigurableApplicationContext gateway;

    @Autowired
    TestTenants tenants;

    @Autowired
    ApiKeyEvents keyEvents;

    @BeforeAll
    static void start() {
        gateway = ExtraGateway.start(Map.of("gateway.authentication.max-failures", Integer.toString(MAX_FAILURES),
                "gateway.authentication.failure-window", "8s"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aFloodOfRandomKeyIdsIsRefusedWithoutAQueryOncePastTheLimit() throws InterruptedException {
        TestTenant tenant = this.tenants.create("flooded", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        WebTestClient client = client("127.0.0.1");
        WebTestClient neighbour = client("127.0.0.2");
        // The tenant's key is cached before the flood, as a working client's is, and stays cached: the
        // other instance empties its cache once it starts listening for evictions, so wait for that first.
        awaitListening(client, tenant);
        client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isOk();
        for (int i = 0; i < MAX_FAILURES; i++) {
            client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + randomKey())
                .exchange().expectStatus().isUnauthorized();
        }
        double loads = keyLoads();
        for (int i = 0; i < 20; i++) {
            client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + randomKey())
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType("application/problem+json")
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.type").value(type -> assertThat(type.toString()).endsWith("/rate-limited"));
        }
        assertThat(keyLoads()).as("refused ids are never looked up").isEqualTo(loads);
        // The same address's cached key still works; another address is not throttled.
        client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isOk();
        neighbour.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + randomKey())
            .exchange().expectStatus().isUnauthorized();
        // Admin tokens share the limit: no admin-token query for this address either.
        client.get().uri("/admin/v1/tenants")
            .header(HttpHeaders.AUTHORIZATION, "Bearer igw_admin_nosuch" + hex(8) + "_" + hex(32))
            .exchange().expectStatus().isEqualTo(429);
        neighbour.get().uri("/admin/v1/tenants").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .exchange().expectStatus().isOk();
        // The window ends: lookups (and 401s) again.
        Thread.sleep(9_000);
        client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + randomKey())
            .exchange().expectStatus().isUnauthorized();
    }

    /**
     * Evicts the tenant's key through the cluster channel until the other instance reloads it, which
     * proves it listens (its cache is emptied when listening starts, which would make the key a miss).
     */
    private void awaitListening(WebTestClient client, TestTenant tenant) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .exchange().expectStatus().isOk();
            double loads = keyLoads();
            this.keyEvents.keyChanged(tenant.keyId()).block(Duration.ofSeconds(5));
            Thread.sleep(100);
            client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .exchange().expectStatus().isOk();
            if (keyLoads() > loads) {
                return;
            }
        }
        throw new AssertionError("the other instance never received a key eviction");
    }

    private static double keyLoads() {
        return gateway.getBean(MeterRegistry.class).counter("gateway.tenants.key.loads").count();
    }

    private static WebTestClient client(String sourceAddress) {
        HttpClient http = HttpClient.create().bindAddress(() -> new InetSocketAddress(sourceAddress, 0));
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(http))
            .baseUrl(ExtraGateway.baseUrl(gateway))
            .responseTimeout(Duration.ofSeconds(30))
            .build();
    }

    private static String randomKey() {
        return "igw_test_k" + hex(12) + "_" + hex(32);
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < length) {
            hex.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return hex.substring(0, length);
    }
}

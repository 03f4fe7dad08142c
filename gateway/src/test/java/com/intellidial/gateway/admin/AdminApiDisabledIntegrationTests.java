package com.intellidial.gateway.admin;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Without {@code gateway.admin.token} the admin API does not exist, and without
 * {@code gateway.admin.metrics-token} neither does the Prometheus scrape: 404 whatever token is sent.
 */
@GatewayIntegrationTest
@TestPropertySource(properties = { "gateway.admin.bootstrap-token=", "gateway.admin.metrics-token=" })
class AdminApiDisabledIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Test
    void withoutABootstrapTokenNothingButAStoredAdminTokenOpensTheAdminApi() {
        TestTenant tenant = this.tenants.create("admin-off");
        for (String token : new String[] { "", "anything", tenant.apiKey(), "igw_admin_nosuch_0123456789abcdef0123456789abcdef" }) {
            this.client.post().uri("/admin/v1/tenants/{id}/credentials/vapi/refresh", tenant.id())
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://docs.intellidial.dev/problems/unauthenticated");
        }
    }

    @Test
    void theScrapeAnswers404WhenNoMetricsTokenIsConfigured() {
        for (String token : new String[] { "", "anything" }) {
            this.client.get().uri("/actuator/prometheus")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        this.client.get().uri("/actuator/health").exchange().expectStatus().isOk();
    }
}

package com.intellidial.gateway.admin;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus scrape names tenants and counts their usage, so only a scraper with the metrics
 * token reads it; a tenant's key, the admin token or path tricks do not. Probes stay open.
 */
@GatewayIntegrationTest
class ActuatorAccessIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Test
    void healthAndInfoAreOpen() {
        this.client.get().uri("/actuator/health").exchange().expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("UP");
        this.client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        this.client.get().uri("/actuator/info").exchange().expectStatus().isOk();
    }

    @Test
    void theScrapeNeedsTheMetricsToken() {
        TestTenant tenant = this.tenants.create("scrape");
        this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isOk();
        String[][] refused = { {}, { HttpHeaders.AUTHORIZATION, "Bearer wrong" },
            { HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey() },
            { HttpHeaders.AUTHORIZATION, TestInfrastructure.METRICS_TOKEN },
            { HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN } };
        for (String[] header : refused) {
            WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri("/actuator/prometheus");
            if (header.length == 2) {
                request = request.header(header[0], header[1]);
            }
            String body = request.exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
            assertThat(body).doesNotContain(tenant.id());
        }
        for (String trick : new String[] { "/actuator/prometheus/", "/actuator//prometheus", "/actuator/health/../prometheus",
                "/actuator/%70rometheus", "/actuator/health;x=1/../prometheus", "/actuator/gateway/routes" }) {
            String body = this.client.get().uri(trick).exchange()
                .expectStatus().value(status -> assertThat(status).as(trick).isIn(401, 404))
                .expectBody(String.class).returnResult().getResponseBody();
            // An empty 404 (a health component that does not exist) is fine too.
            assertThat(String.valueOf(body)).as(trick).doesNotContain(tenant.id()).doesNotContain("gateway_requests");
        }
        String scrape = this.client.get().uri("/actuator/prometheus")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.METRICS_TOKEN)
            .exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(scrape).contains("gateway_");
    }

    /**
     * WebFlux routes {@code /%61ctuator/prometheus} and {@code /actuator;x/prometheus} to the scrape;
     * deciding access on the raw path let them through without the token.
     */
    @Test
    void encodedAndMatrixSpellingsOfTheScrapeDoNotBypassTheToken() {
        TestTenant tenant = this.tenants.create("scrape-spelling");
        this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isOk();
        for (String trick : new String[] { "/%61ctuator/prometheus", "/actuator;x/prometheus", "/actuator/prometheus;x",
                "/%61ctuator/%70rometheus", "/actuator/health;x/../prometheus", "/actuator/%2e%2e/actuator/prometheus",
                "/ACTUATOR/prometheus", "/actuator", "/%61dmin/v1/usage" }) {
            String body = this.client.get().uri(base -> URI.create(base.build().toString().replaceAll("/$", "") + trick))
                .exchange()
                .expectStatus().value(status -> assertThat(status).as(trick).isIn(401, 404))
                .expectBody(String.class).returnResult().getResponseBody();
            assertThat(String.valueOf(body)).as(trick).doesNotContain(tenant.id()).doesNotContain("gateway_");
        }
    }

    /** springdoc listed every admin route to anyone; API docs are served deliberately, nothing by default. */
    @Test
    void apiDocsAndSwaggerUiListNothing() {
        for (String path : new String[] { "/v3/api-docs", "/v3/api-docs/", "/v3/api-docs.yaml", "/swagger-ui.html",
                "/swagger-ui/index.html", "/%763/api-docs", "/v3;x/api-docs" }) {
            String body = this.client.get().uri(base -> URI.create(base.build().toString().replaceAll("/$", "") + path))
                .exchange()
                .expectStatus().value(status -> assertThat(status).as(path).isEqualTo(404))
                .expectBody(String.class).returnResult().getResponseBody();
            assertThat(String.valueOf(body)).as(path).doesNotContain("/admin/v1").doesNotContain("openapi");
        }
    }
}

package com.intellidial.gateway.routing;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** An upstream that refuses connections is a 502 problem, never a 500 or a hang. */
@GatewayIntegrationTest
@TestPropertySource(properties = "gateway.upstreams.vapi.base-url=http://127.0.0.1:9")
class UpstreamUnavailableIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Test
    void refusedConnectionIs502Problem() {
        TestTenant tenant = this.tenants.create("down");
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isEqualTo(502)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://docs.intellidial.dev/problems/upstream-unavailable")
            .jsonPath("$.detail").isEqualTo("The upstream service could not be reached");
    }
}

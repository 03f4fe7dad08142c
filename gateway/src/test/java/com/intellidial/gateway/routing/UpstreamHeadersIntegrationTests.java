package com.intellidial.gateway.routing;

import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Tenants cannot smuggle headers to an upstream: only the allow-list is forwarded. */
@GatewayIntegrationTest
class UpstreamHeadersIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Test
    void onlyAllowListedHeadersReachTheUpstream() {
        TestTenant tenant = this.tenants.create("headers");
        String requestId = "test-" + UUID.randomUUID();
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .header("Cookie", "session=stolen")
            .header("X-Vapi-Org-Id", "org-other")
            .header("X-Forwarded-For", "10.1.2.3")
            .header("Forwarded", "for=10.1.2.3")
            .header("Idempotency-Key", "idem-1")
            .header("Accept", "application/json")
            .exchange()
            .expectStatus().isOk();
        RecordedRequest received = TestUpstream.received(requestId);
        assertThat(received.header("Cookie")).isNull();
        assertThat(received.header("X-Vapi-Org-Id")).isNull();
        assertThat(received.header("X-Forwarded-For")).isNull();
        assertThat(received.header("Forwarded")).isNull();
        assertThat(received.header("Idempotency-Key")).isEqualTo("idem-1");
        assertThat(received.header("Accept")).isEqualTo("application/json");
        assertThat(received.header("Authorization")).isEqualTo("Bearer " + tenant.vapiKey());
    }
}

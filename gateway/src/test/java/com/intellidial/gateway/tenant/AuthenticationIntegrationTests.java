package com.intellidial.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication end to end: every key carrier, every way a key can be wrong, and the key never
 * reaching the upstream.
 */
@GatewayIntegrationTest
class AuthenticationIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    ApiKeyResolver resolver;

    @Test
    void acceptsKeyAsBearerToken() {
        TestTenant tenant = this.tenants.create("bearer");
        String requestId = newRequestId();
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isOk();
        assertUpstreamSawOnlyTenantCredential(requestId, tenant);
    }

    @Test
    void acceptsKeyAsBasicAuthPassword() {
        TestTenant tenant = this.tenants.create("basic");
        String requestId = newRequestId();
        String basic = Base64.getEncoder()
            .encodeToString((tenant.accountSid() + ":" + tenant.apiKey()).getBytes(StandardCharsets.UTF_8));
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Basic " + basic)
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isOk();
        assertUpstreamSawOnlyTenantCredential(requestId, tenant);
    }

    @Test
    void acceptsKeyAsXApiKeyHeader() {
        TestTenant tenant = this.tenants.create("xapikey");
        String requestId = newRequestId();
        this.client.get().uri("/vapi/assistant")
            .header("X-Api-Key", tenant.apiKey())
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isOk();
        assertUpstreamSawOnlyTenantCredential(requestId, tenant);
    }

    @Test
    void rejectsMissingKeyWith401AndChallenge() {
        expectUnauthenticated(this.client.get().uri("/vapi/assistant").exchange());
    }

    @Test
    void rejectsMalformedKeysWith401() {
        for (String garbage : new String[] { "nope", "igw_", "igw_demo_acme_short", "igw_DEMO_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93",
                "igw_demo_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93_extra", "igw_demo_acme_" + "a".repeat(300),
                "' or 1=1 --", "igw_demo_ac me_3f9c2a7b51e84d06a1c4e8b2d7f05a93" }) {
            String requestId = newRequestId();
            expectUnauthenticated(this.client.get().uri("/vapi/assistant")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + garbage)
                .header("X-Request-Id", requestId)
                .exchange());
            assertThat(TestUpstream.anyReceived(requestId)).isFalse();
        }
    }

    @Test
    void rejectsGarbageAuthorizationHeadersWith401() {
        for (String header : new String[] { "Bearer", "Basic !!!notbase64!!!", "Digest abc", "Basic "
                + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)) }) {
            expectUnauthenticated(this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, header).exchange());
        }
    }

    @Test
    void rejectsUnknownKeyIdWith401() {
        expectUnauthenticated(this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer igw_test_doesnotexist_0123456789abcdef0123456789abcdef")
            .exchange());
    }

    @Test
    void rejectsKnownKeyIdWithWrongSecretWith401() {
        TestTenant tenant = this.tenants.create("wrongsecret");
        String forged = "igw_test_" + tenant.keyId() + "_0123456789abcdef0123456789abcdef";
        expectUnauthenticated(this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + forged).exchange());
    }

    @Test
    void rejectsRevokedKeyOnceEvicted() {
        TestTenant tenant = this.tenants.create("revoked");
        this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isOk();
        this.tenants.revoke(tenant.keyId());
        this.resolver.evict(tenant.keyId());
        expectUnauthenticated(this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey()).exchange());
    }

    @Test
    void rejectsExpiredKeyWith401() {
        TestTenant tenant = this.tenants.create("expired");
        ApiKey expired = this.tenants.issueKey(tenant.id(), Instant.now().minusSeconds(1));
        expectUnauthenticated(this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + expired.value()).exchange());
    }

    @Test
    void rejectsSuspendedTenantWith403() {
        TestTenant tenant = this.tenants.create("suspended");
        this.tenants.suspend(tenant.id());
        this.resolver.evict(tenant.keyId());
        this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isForbidden()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://docs.intellidial.dev/problems/tenant-suspended")
            .jsonPath("$.status").isEqualTo(403);
    }

    @Test
    void rejectsTwoDifferentKeysWith401() {
        TestTenant first = this.tenants.create("twokeys-a");
        TestTenant second = this.tenants.create("twokeys-b");
        String requestId = newRequestId();
        expectUnauthenticated(this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + first.apiKey())
            .header("X-Api-Key", second.apiKey())
            .header("X-Request-Id", requestId)
            .exchange());
        assertThat(TestUpstream.anyReceived(requestId)).isFalse();
    }

    @Test
    void acceptsTheSameKeyInTwoCarriers() {
        TestTenant tenant = this.tenants.create("samekey");
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Api-Key", tenant.apiKey())
            .exchange()
            .expectStatus().isOk();
    }

    private static void expectUnauthenticated(WebTestClient.ResponseSpec response) {
        response.expectStatus().isUnauthorized()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"intellidial-gateway\"")
            .expectHeader().exists("X-Request-Id")
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://docs.intellidial.dev/problems/unauthenticated")
            .jsonPath("$.title").isEqualTo("Missing or invalid API key")
            .jsonPath("$.status").isEqualTo(401)
            .jsonPath("$.detail").isNotEmpty()
            .jsonPath("$.requestId").isNotEmpty()
            .jsonPath("$.tenantId").doesNotExist();
    }

    private static void assertUpstreamSawOnlyTenantCredential(String requestId, TestTenant tenant) {
        RecordedRequest received = TestUpstream.received(requestId);
        assertThat(received.header("Authorization")).isEqualTo("Bearer " + tenant.vapiKey());
        assertThat(received.header("X-Api-Key")).isNull();
        assertThat(received.headers().toString()).doesNotContain(tenant.apiKey()).doesNotContain("igw_");
        assertThat(received.path()).isEqualTo("/assistant");
    }

    static String newRequestId() {
        return "test-" + UUID.randomUUID();
    }
}

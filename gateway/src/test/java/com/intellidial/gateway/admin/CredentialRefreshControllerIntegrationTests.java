package com.intellidial.gateway.admin;

import java.util.Map;
import java.util.UUID;

import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /admin/v1/tenants/{id}/credentials/{upstream}/refresh}: evicts the cached credential
 * so the next request uses the rotated one, behind the admin token, with problem answers otherwise.
 */
@GatewayIntegrationTest
class CredentialRefreshControllerIntegrationTests {

    static final String ADMIN_TOKEN = TestInfrastructure.ADMIN_TOKEN;

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    LocalSecretStore secrets;

    @Test
    void evictsTheCachedCredentialSoTheNextRequestUsesTheRotatedOne() {
        TestTenant tenant = this.tenants.create("refresh-ok");
        String newKey = "vapi-rotated-" + UUID.randomUUID();
        TestUpstream.simulator().addVapiKey(newKey, tenant.vapiOrg());
        assertThat(lastKeyUsed(tenant)).isEqualTo(tenant.vapiKey());
        this.secrets.put(SecretPath.tenantVapi(tenant.id()), Map.of("api_key", newKey));
        assertThat(lastKeyUsed(tenant)).as("cached until refreshed").isEqualTo(tenant.vapiKey());

        this.client.post().uri("/admin/v1/tenants/{id}/credentials/vapi/refresh", tenant.id())
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .exchange()
            .expectStatus().isAccepted()
            .expectBody()
            .jsonPath("$.tenantId").isEqualTo(tenant.id())
            .jsonPath("$.upstream").isEqualTo("vapi")
            .jsonPath("$.status").isEqualTo("evicted");

        assertThat(lastKeyUsed(tenant)).isEqualTo(newKey);
        TestUpstream.simulator().removeVapiKey(newKey);
    }

    @Test
    void refusesAMissingOrWrongAdminTokenWith401() {
        TestTenant tenant = this.tenants.create("refresh-auth");
        for (String token : new String[] { null, "wrong", tenant.apiKey(), ADMIN_TOKEN + "x" }) {
            WebTestClient.RequestBodySpec request = this.client.post()
                .uri("/admin/v1/tenants/{id}/credentials/vapi/refresh", tenant.id());
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            request.exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://docs.intellidial.dev/problems/unauthenticated")
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.requestId").isNotEmpty()
                .consumeWith(body -> assertThat(new String(body.getResponseBodyContent())).doesNotContain(ADMIN_TOKEN));
        }
    }

    @Test
    void answers404ForAnUnknownTenantOnlyAfterTheTokenChecked() {
        this.client.post().uri("/admin/v1/tenants/no-such-tenant/credentials/vapi/refresh")
            .exchange()
            .expectStatus().isUnauthorized();
        for (String id : new String[] { "no-such-tenant", "Not..A-Tenant" }) {
            this.client.post().uri("/admin/v1/tenants/{id}/credentials/vapi/refresh", id)
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://docs.intellidial.dev/problems/not-found");
        }
    }

    @Test
    void answers404ForAnUnknownUpstream() {
        TestTenant tenant = this.tenants.create("refresh-upstream");
        this.client.post().uri("/admin/v1/tenants/{id}/credentials/stripe/refresh", tenant.id())
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .exchange()
            .expectStatus().isNotFound()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("vapi, twilio or webhook"));
    }

    /** Lists the tenant's assistants through the gateway and answers the key the simulator received. */
    private String lastKeyUsed(TestTenant tenant) {
        String requestId = "test-" + UUID.randomUUID();
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isOk();
        String authorization = TestUpstream.received(requestId).header("Authorization");
        assertThat(authorization).startsWith("Bearer ");
        return authorization.substring("Bearer ".length());
    }
}

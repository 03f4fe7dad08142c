package com.intellidial.gateway.credentials;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.simulator.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream 401 handling end to end against the simulator: the credential is re-read once and the
 * request retried once with it, bodies included; a retry that is rejected too, or a store that still
 * holds the rejected credential, passes VAPI's 401 through unchanged.
 */
@GatewayIntegrationTest
class UnauthorizedRetryIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    LocalSecretStore secrets;

    @Autowired
    WebhooksProperties webhooks;

    @Autowired
    MeterRegistry meters;

    @Test
    void retriesAGetOnceWithTheRotatedCredential() {
        TestTenant tenant = this.tenants.create("retry-get");
        String revoked = cacheRevokedKey(tenant);
        this.secrets.put(SecretPath.tenantVapi(tenant.id()), Map.of("api_key", tenant.vapiKey()));
        double retriedBefore = retried();

        String requestId = "test-" + UUID.randomUUID();
        EntityExchangeResult<byte[]> result = this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$").isArray()
            .returnResult();

        List<RecordedRequest> attempts = attempts(requestId);
        assertThat(attempts).extracting(r -> r.header("Authorization"))
            .containsExactly("Bearer " + revoked, "Bearer " + tenant.vapiKey());
        assertThat(retried()).isEqualTo(retriedBefore + 1);
        assertThat(everything(result)).doesNotContain(revoked).doesNotContain(tenant.vapiKey());
    }

    @Test
    void replaysAPostBodyBecauseVapiRejectedTheFirstAttemptUnprocessed() {
        TestTenant tenant = this.tenants.create("retry-post");
        String revoked = cacheRevokedKey(tenant);
        this.secrets.put(SecretPath.tenantVapi(tenant.id()), Map.of("api_key", tenant.vapiKey()));
        String body = "{\"name\":\"front desk " + "x".repeat(20_000) + "\"}";

        String requestId = "test-" + UUID.randomUUID();
        this.client.post().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isCreated()
            .expectBody().jsonPath("$.orgId").isEqualTo(tenant.vapiOrg());

        List<RecordedRequest> attempts = attempts(requestId);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).header("Authorization")).isEqualTo("Bearer " + revoked);
        // The same bytes both times: the tenant's body with the gateway's server, so the assistant's calls are reported.
        String forwarded = body.substring(0, body.length() - 1) + ",\"server\":{\"url\":\""
                + this.webhooks.tenantUrl("vapi", tenant.id()) + "\"}}";
        assertThat(attempts).allSatisfy(attempt -> assertThat(new String(attempt.body(), StandardCharsets.UTF_8)).isEqualTo(forwarded));
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.length()").isEqualTo(1);
    }

    @Test
    void passesTheUpstream401ThroughWhenTheRetryIsRejectedToo() {
        TestTenant tenant = this.tenants.create("retry-twice");
        String revoked = cacheRevokedKey(tenant);
        String alsoRevoked = "vapi-also-revoked-" + UUID.randomUUID();
        this.secrets.put(SecretPath.tenantVapi(tenant.id()), Map.of("api_key", alsoRevoked));

        String requestId = "test-" + UUID.randomUUID();
        EntityExchangeResult<byte[]> result = this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isUnauthorized()
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBody()
            .jsonPath("$.statusCode").isEqualTo(401)
            .jsonPath("$.message").value(message -> assertThat((String) message).startsWith("Invalid Key"))
            .returnResult();

        assertThat(attempts(requestId)).extracting(r -> r.header("Authorization"))
            .containsExactly("Bearer " + revoked, "Bearer " + alsoRevoked);
        assertThat(everything(result)).doesNotContain(revoked).doesNotContain(alsoRevoked);
    }

    @Test
    void doesNotRetryWhenTheStoreStillHoldsTheRejectedCredential() {
        TestTenant tenant = this.tenants.create("retry-same");
        cacheRevokedKey(tenant);
        double unchangedBefore = counter("unchanged");

        String requestId = "test-" + UUID.randomUUID();
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .exchange()
            .expectStatus().isUnauthorized();

        assertThat(attempts(requestId)).hasSize(1);
        assertThat(counter("unchanged")).isEqualTo(unchangedBefore + 1);
    }

    @Test
    void replaysATwilioCallCreationOnceWithTheRotatedTokenAndPlacesOneCall() {
        TestTenant tenant = this.tenants.create("retry-twilio");
        SecretPath path = SecretPath.tenantTwilio(tenant.id());
        String revoked = "twilio-revoked-" + UUID.randomUUID();
        this.secrets.put(path, Map.of("account_sid", tenant.accountSid(), "auth_token", revoked));
        twilioGet(tenant, "/Calls.json").expectStatus().isUnauthorized();
        this.secrets.put(path, Map.of("account_sid", tenant.accountSid(), "auth_token", tenant.twilioToken()));
        double retriedBefore = this.meters.find("gateway.credentials.unauthorized").tag("upstream", "twilio")
            .tag("outcome", "retried").counters().stream().mapToDouble(c -> c.count()).sum();

        String requestId = "test-" + UUID.randomUUID();
        String form = "To=%2B14155550100&From=%2B14155550199&Url=https%3A%2F%2Fexample.com%2Ftwiml";
        EntityExchangeResult<byte[]> result = this.client.post()
            .uri("/twilio/2010-04-01/Accounts/ACany/Calls.json")
            .headers(headers -> headers.setBasicAuth("ACany", tenant.apiKey()))
            .header("X-Request-Id", requestId)
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .bodyValue(form)
            .exchange()
            .expectStatus().isCreated()
            .expectBody().jsonPath("$.account_sid").isEqualTo(tenant.accountSid())
            .returnResult();

        List<RecordedRequest> attempts = attempts(requestId);
        assertThat(attempts).extracting(r -> r.header("Authorization")).containsExactly(
                basic(tenant.accountSid(), revoked), basic(tenant.accountSid(), tenant.twilioToken()));
        // The same (rewritten: the gateway adds its StatusCallback) form both times.
        String sent = new String(attempts.get(0).body(), StandardCharsets.UTF_8);
        assertThat(sent).startsWith(form + "&StatusCallback=");
        assertThat(new String(attempts.get(1).body(), StandardCharsets.UTF_8)).isEqualTo(sent);
        assertThat(this.meters.find("gateway.credentials.unauthorized").tag("upstream", "twilio").tag("outcome", "retried")
            .counters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(retriedBefore + 1);
        assertThat(everything(result)).doesNotContain(revoked).doesNotContain(tenant.twilioToken());
        twilioGet(tenant, "/Calls.json").expectStatus().isOk()
            .expectBody().jsonPath("$.calls.length()").isEqualTo(1);
    }

    private WebTestClient.ResponseSpec twilioGet(TestTenant tenant, String resource) {
        return this.client.get()
            .uri("/twilio/2010-04-01/Accounts/ACany" + resource)
            .headers(headers -> headers.setBasicAuth("ACany", tenant.apiKey()))
            .exchange();
    }

    private static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Makes the gateway's cache hold a key VAPI rejects, as after a revocation nobody announced. */
    private String cacheRevokedKey(TestTenant tenant) {
        String revoked = "vapi-revoked-" + UUID.randomUUID();
        this.secrets.put(SecretPath.tenantVapi(tenant.id()), Map.of("api_key", revoked));
        this.client.get().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isUnauthorized();
        return revoked;
    }

    private static List<RecordedRequest> attempts(String requestId) {
        return TestUpstream.simulator().journal().all().stream()
            .filter(request -> requestId.equals(request.header("X-Request-Id")))
            .toList();
    }

    private double retried() {
        return counter("retried");
    }

    private double counter(String outcome) {
        var counter = this.meters.find("gateway.credentials.unauthorized").tag("upstream", "vapi").tag("outcome", outcome)
            .counter();
        return (counter != null) ? counter.count() : 0;
    }

    private static String everything(EntityExchangeResult<byte[]> result) {
        byte[] body = result.getResponseBodyContent();
        return result.getResponseHeaders() + ((body != null) ? new String(body, StandardCharsets.UTF_8) : "");
    }
}

package com.intellidial.gateway.webhooks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemRenderer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The VAPI webhook endpoint on its own route, with a real tenant server, real HMAC and in-memory
 * ownership: authentication, tenant scoping, metering hand-off, signed relay with retries, and
 * answers within the deadline.
 */
class VapiWebhookHandlerTests {

    static final String BEARER = "vapi-webhook-bearer";

    static final String HMAC_SECRET = "vapi-webhook-hmac";

    static final String ACME_SECRET = "whsec-acme";

    final Map<String, String> owners = new ConcurrentHashMap<>();

    final List<String> claims = new CopyOnWriteArrayList<>();

    final List<String> metered = new CopyOnWriteArrayList<>();

    TenantEndpoint acme;

    WebTestClient client;

    @BeforeEach
    void start() {
        this.acme = TenantEndpoint.start();
        LocalSecretStore secrets = new LocalSecretStore(Map.of("platform/vapi-webhook",
                Map.of("bearer_token", BEARER, "hmac_secret", HMAC_SECRET), "tenants/acme/webhook",
                Map.of("signing_secret", ACME_SECRET), "tenants/globex/webhook", Map.of("signing_secret", "whsec-globex"),
                "tenants/globex/vapi-webhook", Map.of("hmac_secret", GLOBEX_HMAC, "credential_id", "cred-globex")));
        VapiOwnership ownership = new VapiOwnership() {

            @Override
            public Mono<String> ownerOf(String type, String id) {
                return Mono.justOrEmpty(VapiWebhookHandlerTests.this.owners.get(type + ":" + id));
            }

            @Override
            public Mono<Void> claim(String tenantId, String type, String id) {
                return Mono.fromRunnable(() -> {
                    VapiWebhookHandlerTests.this.claims.add(tenantId + ":" + type + ":" + id);
                    VapiWebhookHandlerTests.this.owners.put(type + ":" + id, tenantId);
                });
            }
        };
        TenantWebhookUrls urls = (tenantId, assistantId, phoneNumberId) -> tenantId.equals("acme")
                ? Mono.just(URI.create(this.acme.url("/hooks/vapi"))) : Mono.empty();
        WebhooksProperties.Vapi vapi = new WebhooksProperties.Vapi("Authorization", "x-signature", "x-timestamp",
                Duration.ofMinutes(5), Duration.ofMillis(600), Duration.ofSeconds(2));
        WebhooksProperties.Relay relayProperties = new WebhooksProperties.Relay(Duration.ofSeconds(1),
                Duration.ofSeconds(1), 3, Duration.ofMillis(50), Duration.ofMillis(200), 0.5, 100, Duration.ofSeconds(2), true, 100);
        Clock clock = Clock.systemUTC();
        TenantRelay relay = new TenantRelay(WebClient.create(), secrets, urls, relayProperties, clock,
                new SimpleMeterRegistry());
        VapiWebhookHandler handler = new VapiWebhookHandler(new VapiWebhookAuthenticator(secrets, vapi, clock),
                new VapiCallGuard(ownership), (tenantId, message) -> this.metered.add(tenantId + ":" + message.type()),
                relay, new VapiAnswers(ownership), vapi, 64 * 1024,
                tenantId -> Mono.just(tenantId.equals("acme") || tenantId.equals("globex")),
                new VapiReplays(vapi.maxClockSkew(), clock, 1000));
        this.client = WebTestClient.bindToRouterFunction(handler.route())
            .handlerStrategies(HandlerStrategies.builder()
                .exceptionHandler((exchange, ex) -> (ex instanceof GatewayException problem)
                        ? new ProblemRenderer().render(exchange, problem) : Mono.error(ex))
                .build())
            .configureClient()
            .responseTimeout(Duration.ofSeconds(10))
            .build();
        this.owners.put("call:call-acme", "acme");
        this.owners.put("call:call-globex", "globex");
        this.owners.put("assistant:asst-acme", "acme");
        this.owners.put("phone-number:pn-acme", "acme");
        this.owners.put("assistant:asst-globex", "globex");
    }

    @AfterEach
    void stop() {
        this.acme.close();
    }

    @Test
    void rejectsAMessageWithoutCredentialWith401() {
        this.client.post().uri("/webhooks/vapi/acme")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(statusUpdate("call-acme", "ringing"))
            .exchange()
            .expectStatus().isUnauthorized()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertNothingMeteredOrRelayed();
    }

    @Test
    void rejectsAForgedBearerTokenWith403() {
        this.client.post().uri("/webhooks/vapi/acme")
            .header(HttpHeaders.AUTHORIZATION, "Bearer not-the-token")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(statusUpdate("call-acme", "ringing"))
            .exchange()
            .expectStatus().isForbidden()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertNothingMeteredOrRelayed();
    }

    @Test
    void rejectsAForgedOrReplayedHmacSignatureWith403() {
        String body = statusUpdate("call-acme", "ringing");
        String now = Long.toString(Instant.now().getEpochSecond());
        this.client.post().uri("/webhooks/vapi/acme")
            .header("x-timestamp", now)
            .header("x-signature", vapiHmac("wrong-secret", now, body))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isForbidden();
        String old = Long.toString(Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond());
        this.client.post().uri("/webhooks/vapi/acme")
            .header("x-timestamp", old)
            .header("x-signature", vapiHmac(HMAC_SECRET, old, body))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isForbidden();
        String tampered = statusUpdate("call-acme", "ended");
        this.client.post().uri("/webhooks/vapi/acme")
            .header("x-timestamp", now)
            .header("x-signature", vapiHmac(HMAC_SECRET, now, body))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(tampered)
            .exchange()
            .expectStatus().isForbidden();
        assertNothingMeteredOrRelayed();
    }

    @Test
    void acceptsAValidHmacSignatureInSecondsOrMilliseconds() {
        for (String timestamp : List.of(Long.toString(Instant.now().getEpochSecond()),
                Long.toString(Instant.now().toEpochMilli()))) {
            String body = statusUpdate("call-acme", "ringing-" + timestamp);
            this.client.post().uri("/webhooks/vapi/acme")
                .header("x-timestamp", timestamp)
                .header("x-signature", vapiHmac(HMAC_SECRET, timestamp, body))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isOk();
        }
        assertThat(this.metered).containsExactly("acme:status-update", "acme:status-update");
    }

    @Test
    void aTenantWithItsOwnCredentialRefusesThePlatformsAndAnotherTenantsSecret() {
        String body = statusUpdate("call-globex", "ringing");
        // A leaked platform token (or another tenant's secret) no longer opens this tenant's webhook.
        this.client.post().uri("/webhooks/vapi/globex")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + BEARER)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isForbidden();
        String now = Long.toString(Instant.now().getEpochSecond());
        this.client.post().uri("/webhooks/vapi/globex")
            .header("x-timestamp", now)
            .header("x-signature", vapiHmac(HMAC_SECRET, now, body))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isForbidden();
        // Nor does the tenant's own secret open another tenant's.
        String acmeBody = statusUpdate("call-acme", "ringing");
        this.client.post().uri("/webhooks/vapi/acme")
            .header("x-timestamp", now)
            .header("x-signature", vapiHmac(GLOBEX_HMAC, now, acmeBody))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(acmeBody)
            .exchange()
            .expectStatus().isForbidden();
        assertThat(this.metered).isEmpty();
        this.client.post().uri("/webhooks/vapi/globex")
            .header("x-timestamp", now)
            .header("x-signature", vapiHmac(GLOBEX_HMAC, now, body))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange()
            .expectStatus().isOk();
        assertThat(this.metered).containsExactly("globex:status-update");
    }

    @Test
    void aReplayedBearerMessageIsRefusedWhenStaleAndHasNoEffectWhenRepeated() {
        String stale = "{\"message\":{\"type\":\"status-update\",\"status\":\"ended\",\"timestamp\":"
                + Instant.now().minus(Duration.ofMinutes(10)).toEpochMilli() + ",\"call\":{\"id\":\"call-acme\"}}}";
        post("acme", stale).expectStatus().isForbidden().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertNothingMeteredOrRelayed();
        String fresh = "{\"message\":{\"type\":\"status-update\",\"status\":\"ended\",\"timestamp\":"
                + Instant.now().toEpochMilli() + ",\"call\":{\"id\":\"call-acme\"}}}";
        for (int i = 0; i < 3; i++) {
            post("acme", fresh).expectStatus().isOk();
        }
        assertThat(this.metered).containsExactly("acme:status-update");
    }

    @Test
    void answersUnknownTenantWith404() {
        post("nobody", statusUpdate("call-acme", "ringing")).expectStatus().isNotFound();
        assertNothingMeteredOrRelayed();
    }

    @Test
    void refusesAMessageAboutAnotherTenantsCallAndNeitherMetersNorRelaysIt() {
        post("acme", endOfCallReport("call-globex", "asst-globex")).expectStatus().isNotFound()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        post("globex", statusUpdate("call-acme", "ended")).expectStatus().isNotFound();
        // An unrecorded call on another tenant's assistant is not claimable either.
        post("acme", endOfCallReport("call-new", "asst-globex")).expectStatus().isNotFound();
        post("acme", assistantRequest("call-other", "pn-unknown")).expectStatus().isNotFound();
        assertNothingMeteredOrRelayed();
        assertThat(this.claims).isEmpty();
    }

    @Test
    void claimsAnInboundCallOnTheTenantsNumber() {
        post("acme", statusUpdate("call-inbound", "ringing", "pn-acme")).expectStatus().isOk();
        assertThat(this.claims).containsExactly("acme:call:call-inbound");
        post("globex", statusUpdate("call-inbound", "ended", "pn-acme")).expectStatus().isNotFound();
    }

    @Test
    void relaysSignedWithTheDocumentedAlgorithmAndWithoutVapisCredential() {
        String body = endOfCallReport("call-acme", "asst-acme");
        post("acme", body).expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.acme.received().size() == 1);
        TenantEndpoint.Received relayed = this.acme.received().get(0);
        assertThat(relayed.path()).isEqualTo("/hooks/vapi");
        assertThat(relayed.bodyText()).isEqualTo(body);
        String timestamp = relayed.header("X-Intellidial-Timestamp");
        assertThat(Long.parseLong(timestamp)).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
        // Independent of RelaySigner: hex HMAC-SHA256(secret, timestamp + "." + body), prefixed v1=.
        assertThat(relayed.header("X-Intellidial-Signature")).isEqualTo("v1=" + hmacHex(ACME_SECRET, timestamp + "." + body));
        assertThat(RelaySigner.verify(ACME_SECRET.getBytes(StandardCharsets.UTF_8), Long.parseLong(timestamp),
                relayed.body(), relayed.header("X-Intellidial-Signature"))).isTrue();
        assertThat(relayed.headers()).doesNotContainKeys("Authorization", "x-signature", "x-timestamp");
        assertThat(this.metered).containsExactly("acme:end-of-call-report");
    }

    @Test
    void retriesAFlakyTenantWithBackoffThenDelivers() {
        this.acme.failNext(2, 503);
        post("acme", statusUpdate("call-acme", "in-progress")).expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.acme.received().size() == 3);
        List<TenantEndpoint.Received> attempts = this.acme.received();
        assertThat(attempts.get(1).receivedAtNanos() - attempts.get(0).receivedAtNanos())
            .isGreaterThanOrEqualTo(Duration.ofMillis(20).toNanos());
        for (TenantEndpoint.Received attempt : attempts) {
            assertThat(RelaySigner.verify(ACME_SECRET.getBytes(StandardCharsets.UTF_8),
                    Long.parseLong(attempt.header("X-Intellidial-Timestamp")), attempt.body(),
                    attempt.header("X-Intellidial-Signature"))).isTrue();
        }
    }

    @Test
    void givesUpAfterMaxAttempts() throws InterruptedException {
        this.acme.failNext(10, 500);
        post("acme", statusUpdate("call-acme", "in-progress")).expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.acme.received().size() == 3);
        Thread.sleep(500);
        assertThat(this.acme.received()).hasSize(3);
    }

    @Test
    void doesNotRetryAClientError() throws InterruptedException {
        this.acme.failNext(1, 400);
        post("acme", statusUpdate("call-acme", "in-progress")).expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.acme.received().size() == 1);
        Thread.sleep(300);
        assertThat(this.acme.received()).hasSize(1);
    }

    @Test
    void answersAnAssistantRequestWithTheTenantsAnswer() {
        this.acme.answer("{\"assistantId\":\"asst-acme\",\"assistantOverrides\":{\"variableValues\":{\"name\":\"Ann\"},"
                + "\"server\":{\"url\":\"https://evil.example\"}}}");
        post("acme", assistantRequest("call-in", "pn-acme")).expectStatus().isOk()
            .expectBody()
            .jsonPath("$.assistantId").isEqualTo("asst-acme")
            .jsonPath("$.assistantOverrides.variableValues.name").isEqualTo("Ann")
            .jsonPath("$.assistantOverrides.server").doesNotExist();
    }

    @Test
    void answersAnAssistantRequestWithASafeErrorWhenTheTenantIsLate() {
        this.acme.delay(Duration.ofSeconds(3)).answer("{\"assistantId\":\"asst-acme\"}");
        long started = System.nanoTime();
        post("acme", assistantRequest("call-in", "pn-acme")).expectStatus().isOk()
            .expectBody()
            .jsonPath("$.error").isNotEmpty()
            .jsonPath("$.assistantId").doesNotExist();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void refusesAnAssistantRequestAnswerNamingAnotherTenantsAssistantOrATransientOne() {
        this.acme.answer("{\"assistantId\":\"asst-globex\"}");
        post("acme", assistantRequest("call-in", "pn-acme")).expectStatus().isOk()
            .expectBody().jsonPath("$.error").isNotEmpty().jsonPath("$.assistantId").doesNotExist();
        this.acme.answer("{\"assistant\":{\"server\":{\"url\":\"https://tenant.example/direct\"}}}");
        post("acme", assistantRequest("call-in-2", "pn-acme")).expectStatus().isOk()
            .expectBody().jsonPath("$.error").isNotEmpty().jsonPath("$.assistant").doesNotExist();
    }

    @Test
    void refusesATransferDestinationAnswerNamingAnAssistantAndPassesANumber() {
        String request = "{\"message\":{\"type\":\"transfer-destination-request\",\"call\":{\"id\":\"call-acme\","
                + "\"assistantId\":\"asst-acme\"}}}";
        for (String destination : new String[] { "{\"type\":\"assistant\",\"assistantName\":\"globex-front\"}",
                "{\"assistantName\":\"globex-front\"}", "{\"type\":\"assistant\",\"assistantId\":\"asst-globex\"}" }) {
            this.acme.answer("{\"destination\":" + destination + "}");
            post("acme", request).expectStatus().isOk()
                .expectBody().jsonPath("$.error").isNotEmpty().jsonPath("$.destination").doesNotExist();
        }
        this.acme.answer("{\"destination\":{\"type\":\"number\",\"number\":\"+14155550100\"}}");
        post("acme", request).expectStatus().isOk()
            .expectBody().jsonPath("$.destination.number").isEqualTo("+14155550100").jsonPath("$.error").doesNotExist();
    }

    @Test
    void answersToolCallsWithAnErrorPerCallWhenTheTenantFails() {
        this.acme.failNext(1, 500);
        String body = "{\"message\":{\"type\":\"tool-calls\",\"call\":{\"id\":\"call-acme\",\"assistantId\":\"asst-acme\"},"
                + "\"toolCallList\":[{\"id\":\"tc-1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\"}}]}}";
        post("acme", body).expectStatus().isOk()
            .expectBody()
            .jsonPath("$.results[0].toolCallId").isEqualTo("tc-1")
            .jsonPath("$.results[0].error").isNotEmpty();
        assertThat(this.acme.received()).hasSize(1);
    }

    @Test
    void refusesAnOversizedBodyWith413() {
        String body = statusUpdate("call-acme", "ringing").replace("}}", ",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}}");
        post("acme", body).expectStatus().isEqualTo(413);
        assertNothingMeteredOrRelayed();
    }

    @Test
    void refusesABodyThatIsNotAServerMessageWith400() {
        post("acme", "{\"type\":\"status-update\"}").expectStatus().isBadRequest();
        assertNothingMeteredOrRelayed();
    }

    private static final String GLOBEX_HMAC = "globex-own-webhook-secret";

    /** Posts as VAPI does: with the platform's bearer token, or for globex (which has its own) signed with its secret. */
    private WebTestClient.ResponseSpec post(String tenantId, String body) {
        if (tenantId.equals("globex")) {
            String now = Long.toString(Instant.now().getEpochSecond());
            return this.client.post().uri("/webhooks/vapi/globex")
                .header("x-timestamp", now)
                .header("x-signature", vapiHmac(GLOBEX_HMAC, now, body))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
        }
        return this.client.post().uri("/webhooks/vapi/" + tenantId)
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + BEARER)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchange();
    }

    private void assertNothingMeteredOrRelayed() {
        assertThat(this.metered).isEmpty();
        assertThat(this.acme.received()).isEmpty();
    }

    static String statusUpdate(String callId, String status) {
        return statusUpdate(callId, status, "pn-none");
    }

    static String statusUpdate(String callId, String status, String phoneNumberId) {
        return "{\"message\":{\"type\":\"status-update\",\"status\":\"" + status + "\",\"call\":{\"id\":\"" + callId
                + "\",\"phoneNumberId\":\"" + phoneNumberId + "\"}}}";
    }

    static String endOfCallReport(String callId, String assistantId) {
        return "{\"message\":{\"type\":\"end-of-call-report\",\"endedReason\":\"customer-ended-call\","
                + "\"startedAt\":\"2025-11-20T12:33:20.740Z\",\"endedAt\":\"2025-11-20T12:35:28.338Z\",\"cost\":0.1931,"
                + "\"call\":{\"id\":\"" + callId + "\",\"assistantId\":\"" + assistantId + "\"}}}";
    }

    static String assistantRequest(String callId, String phoneNumberId) {
        return "{\"message\":{\"type\":\"assistant-request\",\"call\":{\"id\":\"" + callId + "\",\"phoneNumberId\":\""
                + phoneNumberId + "\",\"type\":\"inboundPhoneCall\"}}}";
    }

    static String vapiHmac(String secret, String timestamp, String body) {
        return hmacHex(secret, timestamp + "." + body);
    }

    static String hmacHex(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        }
        catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

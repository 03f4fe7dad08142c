package com.intellidial.gateway.webhooks;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import com.intellidial.gateway.credentials.CachingSecretStore;
import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.credentials.Secret;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.support.TwilioClients;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.simulator.twilio.TwilioSignature;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.type.PhoneNumber;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /webhooks/twilio/{tenantId}}: status callbacks from the simulator, signed as Twilio
 * signs them, are verified, deduplicated and relayed signed to the tenant's own URL; forged and
 * wrongly keyed signatures are 403.
 */
@GatewayIntegrationTest
class TwilioWebhookIntegrationTests {

    private static final String SIGNING_SECRET = "whsec-test-relay";

    @Autowired
    TestTenants tenants;

    @Autowired
    WebTestClient web;

    @Autowired
    LocalSecretStore secrets;

    @Autowired
    CachingSecretStore cache;

    @Autowired
    DatabaseClient db;

    @Autowired
    MeterRegistry meters;

    @Value("${gateway.webhooks.public-base-url}")
    String publicBaseUrl;

    private final List<Relayed> relayed = new CopyOnWriteArrayList<>();

    private DisposableServer receiver;

    @BeforeEach
    void startReceiver() {
        this.receiver = HttpServer.create()
            .port(0)
            .route((routes) -> routes.post("/status", (request, response) -> request.receive()
                .aggregate()
                .asString()
                .defaultIfEmpty("")
                .doOnNext((body) -> this.relayed.add(new Relayed(body,
                        request.requestHeaders().get(GatewayHeaders.INTELLIDIAL_SIGNATURE),
                        request.requestHeaders().get(GatewayHeaders.INTELLIDIAL_TIMESTAMP))))
                .then(response.status(204).send())))
            .bindNow();
    }

    @AfterEach
    void stopReceiver() {
        this.receiver.disposeNow();
    }

    @Test
    void aPlacedCallsStatusCallbacksAreVerifiedCountedOnceAndRelayedSigned() {
        TestTenant tenant = this.tenants.create("hook");
        this.secrets.put(SecretPath.tenantWebhook(tenant.id()), Map.of("signing_secret", SIGNING_SECRET));
        String ownUrl = "http://localhost:" + this.receiver.port() + "/status";
        Call call = Call.creator(new PhoneNumber("+18885550100"), new PhoneNumber("+14155550199"),
                URI.create("https://example.com/twiml"))
            .setStatusCallback(URI.create(ownUrl))
            .setStatusCallbackEvent(List.of("initiated", "ringing", "answered", "completed"))
            .create(TwilioClients.viaGateway(port(), tenant.apiKey()));
        byte[] forwarded = TestUpstream.simulator().journal().all().stream()
            .filter((request) -> request.path().endsWith("/Calls.json") && request.method().equals("POST"))
            .reduce((first, second) -> second)
            .orElseThrow()
            .body();
        assertThat(new String(forwarded, StandardCharsets.UTF_8)).as("Twilio calls the gateway, not the tenant")
            .doesNotContain("localhost%3A" + this.receiver.port())
            .contains("StatusCallback=" + URLEncoder.encode(url(tenant), StandardCharsets.UTF_8));

        awaitUntil(() -> this.relayed.stream().anyMatch((relay) -> relay.body.contains("CallStatus=completed")));
        assertThat(eventsOf(call.getSid())).isEqualTo(4);
        Relayed completed = this.relayed.stream().filter((relay) -> relay.body.contains("CallStatus=completed")).findFirst().orElseThrow();
        assertThat(completed.body).contains("CallSid=" + call.getSid());
        assertThat(completed.signature).isEqualTo("v1=" + RelaySigner.sign(SIGNING_SECRET.getBytes(StandardCharsets.UTF_8),
                Long.parseLong(completed.timestamp), completed.body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aReplayedCallbackIsAcceptedButCountedOnce() {
        TestTenant tenant = this.tenants.create("replay");
        Map<String, String> params = callback(tenant.accountSid(), "CA" + hex32(), "completed", "3");
        for (int i = 0; i < 2; i++) {
            post(tenant, params, TwilioSignature.sign(tenant.twilioToken(), url(tenant), params)).expectStatus().isNoContent();
        }
        assertThat(eventsOf(params.get("CallSid"))).isEqualTo(1);
    }

    @Test
    void forgedOrWronglyKeyedSignaturesAre403() {
        TestTenant tenant = this.tenants.create("forged");
        TestTenant other = this.tenants.create("other");
        Map<String, String> params = callback(tenant.accountSid(), "CA" + hex32(), "completed", "0");
        post(tenant, params, "bm90IGEgc2lnbmF0dXJl").expectStatus().isForbidden()
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        post(tenant, params, TwilioSignature.sign(other.twilioToken(), url(tenant), params)).expectStatus().isForbidden();
        post(tenant, params, TwilioSignature.sign(TestUpstream.PLATFORM_TWILIO_TOKEN, url(tenant), params))
            .expectStatus().isForbidden();
        Map<String, String> tampered = new LinkedHashMap<>(params);
        String signature = TwilioSignature.sign(tenant.twilioToken(), url(tenant), params);
        tampered.put("CallDuration", "9999");
        post(tenant, tampered, signature).expectStatus().isForbidden();
        Map<String, String> otherAccount = callback(other.accountSid(), "CA" + hex32(), "completed", "0");
        post(tenant, otherAccount, TwilioSignature.sign(other.twilioToken(), url(tenant), otherAccount))
            .expectStatus().isForbidden();
        assertThat(eventsOf(params.get("CallSid"))).isZero();
    }

    @Test
    void unknownAndNonTwilioTenantsLookExactlyLikeABadSignature() {
        TestTenant tenant = this.tenants.create("known");
        TestTenant vapiOnly = this.tenants.create("vapi-only", VapiMode.DEDICATED_ORG, TelephonyMode.VAPI_NUMBER);
        Map<String, String> params = callback(tenant.accountSid(), "CA" + hex32(), "completed", "0");
        String badSignature = "bm90IGEgc2lnbmF0dXJl";
        String known = problemBody("/webhooks/twilio/" + tenant.id(), params, badSignature);
        for (String path : List.of("/webhooks/twilio/" + vapiOnly.id(), "/webhooks/twilio/no-such-tenant-" + hex32().substring(0, 8),
                "/webhooks/twilio/NOT%20AN%20ID")) {
            assertThat(problemBody(path, params, badSignature)).as(path).isEqualTo(known);
        }
    }

    @Test
    void aFloodOfUnsignedCallbacksCostsNoTenantQueryPerRequest() {
        TestTenant tenant = this.tenants.create("flood");
        Map<String, String> params = callback(tenant.accountSid(), "CA" + hex32(), "completed", "0");
        String unknown = "/webhooks/twilio/no-such-tenant-" + hex32().substring(0, 8);
        double before = this.meters.counter("gateway.tenants.directory.loads").count();
        for (int i = 0; i < 25; i++) {
            post("/webhooks/twilio/" + tenant.id(), params, "bm90IGEgc2lnbmF0dXJl").expectStatus().isForbidden();
            post(unknown, params, "bm90IGEgc2lnbmF0dXJl").expectStatus().isForbidden();
        }
        assertThat(this.meters.counter("gateway.tenants.directory.loads").count() - before)
            .as("one lookup per tenant id, then the cache").isLessThanOrEqualTo(2);
    }

    /** The 403 problem without what differs per request. */
    private String problemBody(String path, Map<String, String> params, String signature) {
        return post(path, params, signature)
            .expectStatus().isForbidden()
            .expectBody(String.class)
            .returnResult()
            .getResponseBody()
            .replaceAll("\"(requestId|instance)\":\"[^\"]*\"", "");
    }

    @Test
    void aSubaccountSignsWithItsOwnTokenNotThePlatforms() {
        TestTenant tenant = this.tenants.create("subhook", VapiMode.DEDICATED_ORG, TelephonyMode.PLATFORM_TWILIO);
        SecretPath path = SecretPath.tenantTwilio(tenant.id());
        this.secrets.delete(path);
        this.cache.invalidate(path);
        this.web.post()
            .uri("/admin/v1/tenants/" + tenant.id() + "/twilio/subaccount")
            .header("Authorization", "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .exchange()
            .expectStatus()
            .isCreated();
        Secret subaccount = this.secrets.read(path).blockOptional().orElseThrow();
        String accountSid = String.valueOf(subaccount.field("account_sid"));
        assertThat(accountSid).isNotEqualTo(tenant.accountSid()).isNotEqualTo(TestUpstream.PLATFORM_TWILIO_SID);
        Map<String, String> params = callback(accountSid, "CA" + hex32(), "completed", "0");
        post(tenant, params, TwilioSignature.sign(TestUpstream.PLATFORM_TWILIO_TOKEN, url(tenant), params))
            .expectStatus().isForbidden();
        post(tenant, params, TwilioSignature.sign(String.valueOf(subaccount.field("auth_token")), url(tenant), params))
            .expectStatus().isNoContent();
    }

    private WebTestClient.ResponseSpec post(TestTenant tenant, Map<String, String> params, String signature) {
        return post("/webhooks/twilio/" + tenant.id(), params, signature);
    }

    private WebTestClient.ResponseSpec post(String path, Map<String, String> params, String signature) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        params.forEach(form::add);
        return this.web.post()
            .uri(path)
            .header(GatewayHeaders.TWILIO_SIGNATURE, signature)
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .body(BodyInserters.fromFormData(form))
            .exchange();
    }

    private String url(TestTenant tenant) {
        return this.publicBaseUrl + "/webhooks/twilio/" + tenant.id();
    }

    private static Map<String, String> callback(String accountSid, String callSid, String status, String sequence) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", accountSid);
        params.put("CallSid", callSid);
        params.put("CallStatus", status);
        params.put("CallDuration", "42");
        params.put("SequenceNumber", sequence);
        params.put("CallbackSource", "call-progress-events");
        params.put("Timestamp", "Sun, 25 Mar 2018 09:53:19 +0000");
        return params;
    }

    private long eventsOf(String callSid) {
        return this.db.sql("select count(*) as n from twilio_status_events where call_sid = :c")
            .bind("c", callSid)
            .map((row) -> row.get("n", Long.class))
            .one()
            .defaultIfEmpty(0L)
            .blockOptional()
            .orElse(0L);
    }

    private int port() {
        return URI.create(this.publicBaseUrl).getPort();
    }

    private static String hex32() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static void awaitUntil(Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 10s");
            }
            Mono.delay(Duration.ofMillis(50)).block();
        }
    }

    /** A webhook the gateway relayed to the tenant. */
    private record Relayed(String body, String signature, String timestamp) {
    }
}

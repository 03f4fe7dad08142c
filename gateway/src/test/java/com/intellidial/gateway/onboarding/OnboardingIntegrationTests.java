package com.intellidial.gateway.onboarding;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.simulator.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One admin call takes a client from nothing to placing a call; a failure at any step leaves
 * nothing behind in the simulator; a retry with the same Idempotency-Key answers the same result,
 * and the same key with another body is refused.
 */
@GatewayIntegrationTest
class OnboardingIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient web;

    @Autowired
    TestTenants tenants;

    @Autowired
    DatabaseClient db;

    @AfterEach
    void clearFaults() {
        TestUpstream.simulator().faults().clear();
    }

    @Test
    void aSharedOrgClientWithAVapiNumberPlacesItsFirstCallWithOneTenantCall() {
        String id = "init-" + suffix();
        String key = UUID.randomUUID().toString();
        String body = request(id, "shared-org", "{\"mode\":\"vapi-number\",\"areaCode\":\"415\"}");
        Reply onboarded = onboard(key, body);
        assertThat(onboarded.status()).as(onboarded.body()).isEqualTo(201);
        JsonNode result = onboarded.json();
        String apiKey = result.get("apiKey").stringValue();
        String assistantId = result.get("assistantId").stringValue();
        String numberId = result.at("/phoneNumber/id").stringValue();
        assertThat(result.get("webhookSigningSecret").stringValue()).startsWith("whsec_");
        assertThat(result.get("firstCall").stringValue()).contains(apiKey).contains("/vapi/call");
        assertThat(result.get("notes").toString()).contains("US only");
        assertThat(result.get("steps")).extracting(step -> step.get("state").stringValue()).doesNotContain("failed", "started");

        // The assistant came from the template, with the AI disclosure, and its webhook points at the gateway.
        RecordedRequest created = TestUpstream.simulator().journal().matching("POST", "/assistant").stream()
            .filter(request -> request.bodyAsString().contains("Front desk")).reduce((a, b) -> b).orElseThrow();
        JsonNode assistant = JSON.readTree(created.bodyAsString());
        assertThat(assistant.get("firstMessage").stringValue()).contains("AI assistant");
        assertThat(assistant.at("/server/url").stringValue()).endsWith("/webhooks/vapi/" + id);

        // The client's first call: only a customer; the default assistant and number fill the rest.
        String callRequest = "call-" + UUID.randomUUID();
        EntityExchangeResult<byte[]> call = this.web.post().uri("/vapi/call")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
            .header("X-Request-Id", callRequest)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"customer\":{\"number\":\"+14155550123\"}}")
            .exchange().expectBody().returnResult();
        assertThat(call.getStatus().value()).as(new String(call.getResponseBodyContent(), StandardCharsets.UTF_8)).isEqualTo(201);
        JsonNode placed = JSON.readTree(TestUpstream.received(callRequest).bodyAsString());
        assertThat(placed.get("assistantId").stringValue()).isEqualTo(assistantId);
        assertThat(placed.get("phoneNumberId").stringValue()).isEqualTo(numberId);

        // A retry answers the first result; the same key with another body is a 422.
        Reply again = onboard(key, body);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("apiKey").stringValue()).isEqualTo(apiKey);
        assertThat(again.json().get("assistantId").stringValue()).isEqualTo(assistantId);
        assertThat(TestUpstream.simulator().journal().matching("POST", "/assistant").stream()
            .filter(request -> request.bodyAsString().contains("/webhooks/vapi/" + id)).count()).as("nothing made twice").isEqualTo(1);
        Reply other = onboard(key, body.replace("Initrode", "Initrode Two"));
        assertThat(other.status()).isEqualTo(422);

        Reply status = get("/admin/v1/onboardings/" + result.get("onboardingId").stringValue());
        assertThat(status.json().get("state").stringValue()).isEqualTo("completed");
        assertThat(status.body()).doesNotContain(apiKey).doesNotContain(result.get("webhookSigningSecret").stringValue());
    }

    @Test
    void aClientsWebhookOpensWithItsOwnCredentialOnly() {
        String id = "cred-" + suffix();
        JsonNode result = onboard(UUID.randomUUID().toString(), request(id, "shared-org", "{\"mode\":\"vapi-number\"}")).json();
        String apiKey = result.get("apiKey").stringValue();
        // Its own HMAC credential in the platform's org, named next to its assistant's webhook URL.
        JsonNode credential = StreamSupport.stream(JSON.readTree(platformVapi("/credential?limit=1000")).spliterator(), false)
            .filter(item -> ("intellidial " + id).equals(item.path("name").stringValue()))
            .findFirst().orElseThrow();
        assertThat(credential.at("/authenticationPlan/type").stringValue()).isEqualTo("hmac");
        JsonNode assistant = JSON.readTree(platformVapi("/assistant/" + result.get("assistantId").stringValue()));
        assertThat(assistant.at("/server/credentialId").stringValue()).isEqualTo(credential.get("id").stringValue())
            .isNotEqualTo(TestInfrastructure.VAPI_WEBHOOK_CREDENTIAL_ID);

        // The platform's bearer token (shared by every older tenant) does not open this tenant's webhook.
        String forged = "{\"message\":{\"type\":\"status-update\",\"status\":\"ended\",\"call\":{\"id\":\"x\"}}}";
        this.web.post().uri("/webhooks/vapi/" + id)
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(forged)
            .exchange()
            .expectStatus().isForbidden();

        // A real call: VAPI signs its messages with the tenant's credential, and the call reaches the ledger.
        this.web.post().uri("/vapi/call")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"customer\":{\"number\":\"+14155550125\"}}")
            .exchange().expectStatus().isCreated();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.db
            .sql("select coalesce(sum(calls_ended), 0) as ended from usage_hourly where tenant_id = :t")
            .bind("t", id)
            .map(row -> row.get("ended", Long.class))
            .one()
            .block()).isEqualTo(1L));
    }

    @Test
    void everyTelephonyModeAndBothVapiModesEndWithACallThroughTheGateway() throws Exception {
        // A BYO client's own Twilio account (and, for dedicated-org, its own VAPI org) from the simulator's pool.
        TestTenant holder = this.tenants.create("byo-holder");
        String ownNumber = buyNumber(holder.accountSid(), holder.twilioToken());
        String byo = "{\"mode\":\"byo-twilio\",\"accountSid\":\"" + holder.accountSid() + "\",\"authToken\":\""
                + holder.twilioToken() + "\",\"number\":\"" + ownNumber + "\"}";
        String dedicated = request("ded-" + suffix(), "dedicated-org", "{\"mode\":\"vapi-number\"}")
            .replace("\"vapiMode\":\"dedicated-org\",", "\"vapiMode\":\"dedicated-org\",\"vapi\":{\"apiKey\":\""
                    + holder.vapiKey() + "\"},");
        for (String body : List.of(request("plat-" + suffix(), "shared-org", "{\"mode\":\"platform-twilio\",\"areaCode\":\"212\"}"),
                request("pool-" + suffix(), "shared-org", "{\"mode\":\"shared-pool\"}"), request("byo-" + suffix(), "shared-org", byo),
                dedicated)) {
            Reply onboarded = onboard(UUID.randomUUID().toString(), body);
            assertThat(onboarded.status()).as(body + " -> " + onboarded.body()).isEqualTo(201);
            JsonNode result = onboarded.json();
            String callRequest = "call-" + UUID.randomUUID();
            EntityExchangeResult<byte[]> call = this.web.post().uri("/vapi/call")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + result.get("apiKey").stringValue())
                .header("X-Request-Id", callRequest)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"customer\":{\"number\":\"+14155550124\"}}")
                .exchange().expectBody().returnResult();
            assertThat(call.getStatus().value()).as(body + " -> " + new String(call.getResponseBodyContent(), StandardCharsets.UTF_8))
                .isEqualTo(201);
            JsonNode placed = JSON.readTree(TestUpstream.received(callRequest).bodyAsString());
            assertThat(placed.get("phoneNumberId").stringValue()).isEqualTo(result.at("/phoneNumber/id").stringValue());
            assertThat(placed.get("assistantId").stringValue()).isEqualTo(result.get("assistantId").stringValue());
            if (body.contains("dedicated-org")) {
                assertThat(TestUpstream.received(callRequest).header("Authorization")).isEqualTo("Bearer " + holder.vapiKey());
            }
            if (body.contains("byo-twilio")) {
                assertThat(result.at("/phoneNumber/number").stringValue()).isEqualTo(ownNumber);
            }
            if (body.contains("twilio") || body.contains("shared-pool")) {
                String tenantId = result.get("tenantId").stringValue();
                assertThat(TestUpstream.simulator().journal().matching("POST", "/phone-number").stream()
                    .filter(request -> request.bodyAsString().contains("\"" + tenantId + " ")).toList())
                    .as("Twilio numbers are imported without SMS").isNotEmpty()
                    .allSatisfy(request -> assertThat(request.bodyAsString()).contains("\"smsEnabled\":false"));
            }
        }
    }

    @Test
    void aByoNumberThatIsNotInTheClientsAccountIsRefusedAndUndone() {
        TestTenant holder = this.tenants.create("byo-wrong");
        String id = "byox-" + suffix();
        Reply failed = onboard(UUID.randomUUID().toString(), request(id, "shared-org", "{\"mode\":\"byo-twilio\",\"accountSid\":\""
                + holder.accountSid() + "\",\"authToken\":\"" + holder.twilioToken() + "\",\"number\":\"+15005550006\"}"));
        assertThat(failed.status()).as(failed.body()).isEqualTo(400);
        assertThat(failed.json().get("failedStep").stringValue()).isEqualTo("phone-number");
        assertThat(failed.json().get("field").stringValue()).isEqualTo("telephony.number");
        assertThat(get("/admin/v1/tenants/" + id).status()).isEqualTo(404);
        Reply badToken = onboard(UUID.randomUUID().toString(), request("byoy-" + suffix(), "shared-org",
                "{\"mode\":\"byo-twilio\",\"accountSid\":\"" + holder.accountSid() + "\",\"authToken\":\"wrong-token-1\","
                        + "\"number\":\"+15005550006\"}"));
        assertThat(badToken.status()).isEqualTo(400);
        assertThat(badToken.json().get("failedStep").stringValue()).isEqualTo("twilio-account");
        assertThat(badToken.json().get("field").stringValue()).isEqualTo("telephony.authToken");
    }

    @Test
    void aFailureAtEachStepUndoesEverythingBeforeIt() {
        record Fault(String path, String step, List<String> undone) {
        }
        for (Fault fault : List.of(new Fault("/assistant", "assistant",
                List.of("vapi-webhook-credential", "webhook-secret", "key", "tenant")),
                new Fault("/phone-number", "phone-number",
                        List.of("assistant", "vapi-webhook-credential", "webhook-secret", "key", "tenant")))) {
            String id = "fail-" + suffix();
            TestUpstream.simulator().faults().failNext(fault.path(), 500, 1);
            Reply failed = onboard(UUID.randomUUID().toString(), request(id, "shared-org", "{\"mode\":\"vapi-number\"}"));
            assertThat(failed.status()).as(failed.body()).isEqualTo(502);
            assertThat(failed.contentType()).startsWith("application/problem+json");
            assertThat(failed.json().get("failedStep").stringValue()).isEqualTo(fault.step());
            assertThat(failed.json().get("compensated")).extracting(JsonNode::stringValue)
                .containsExactlyElementsOf(fault.undone());
            assertThat(get("/admin/v1/tenants/" + id).status()).as("the tenant is gone").isEqualTo(404);
            // Nothing is left in the platform's VAPI org for this tenant.
            String assistants = platformVapi("/assistant?limit=1000");
            assertThat(assistants).doesNotContain("/webhooks/vapi/" + id);
            String numbers = platformVapi("/phone-number?limit=1000");
            assertThat(numbers).doesNotContain("\"" + id + " ");
            assertThat(platformVapi("/credential?limit=1000")).doesNotContain("intellidial " + id + "\"");
            Reply status = get("/admin/v1/onboardings/" + failed.json().get("onboardingId").stringValue());
            assertThat(status.json().get("state").stringValue()).isEqualTo("failed");
        }
    }

    @Test
    void offboardingRevokesTheKeyAndCleansUpWhatTheCallerAsks() {
        String id = "off-" + suffix();
        JsonNode result = onboard(UUID.randomUUID().toString(), request(id, "shared-org", "{\"mode\":\"vapi-number\"}")).json();
        String apiKey = result.get("apiKey").stringValue();
        String assistantId = result.get("assistantId").stringValue();
        String numberId = result.at("/phoneNumber/id").stringValue();
        assertThat(platformVapi("/assistant/" + assistantId)).contains(assistantId);
        Reply offboarded = reply(this.web.post().uri("/admin/v1/tenants/" + id + "/offboard")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"releaseNumbers\":true,\"deleteVapiResources\":true}")
            .exchange().expectBody().returnResult());
        assertThat(offboarded.status()).as(offboarded.body()).isEqualTo(200);
        assertThat(offboarded.json().get("status").stringValue()).isEqualTo("offboarded");
        assertThat(offboarded.json().at("/cleanup/failures")).isEmpty();
        assertThat(offboarded.json().at("/cleanup/releasedNumbers")).hasSize(1);
        assertThat(platformVapi("/assistant/" + assistantId)).doesNotContain("\"id\":\"" + assistantId);
        assertThat(platformVapi("/phone-number/" + numberId)).doesNotContain("\"id\":\"" + numberId);
        this.web.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey).exchange()
            .expectStatus().isUnauthorized();
    }

    @Test
    void badRequestsAreA400NamingTheField() {
        String id = "bad-" + suffix();
        assertThat(onboard(null, request(id, "shared-org", "{\"mode\":\"vapi-number\"}")).json().get("field").stringValue())
            .isEqualTo("Idempotency-Key");
        Object[][] cases = {
            { request("Bad_Id", "shared-org", "{\"mode\":\"vapi-number\"}"), "tenant.id" },
            { request(id, "private-org", "{\"mode\":\"vapi-number\"}"), "vapiMode" },
            { request(id, "dedicated-org", "{\"mode\":\"vapi-number\"}"), "vapi.apiKey" },
            { request(id, "shared-org", "{\"mode\":\"byo-twilio\",\"accountSid\":\"ACnope\"}"), "telephony.accountSid" },
            { request(id, "shared-org", "{\"mode\":\"byo-twilio\",\"accountSid\":\"AC" + "a".repeat(32)
                    + "\",\"authToken\":\"token-123456\",\"number\":\"4155550100\"}"), "telephony.number" },
            { request(id, "shared-org", "{\"mode\":\"vapi-number\",\"number\":\"+14155550100\"}"), "telephony.number" },
            { request(id, "shared-org", "{\"mode\":\"vapi-number\",\"areaCode\":\"41\"}"), "telephony.areaCode" },
            { request(id, "shared-org", "{\"mode\":\"vapi-number\"}").replace("\"template\":\"appointment-reminder\"",
                    "\"template\":\"no-such\""), "assistant.template" },
            { request(id, "shared-org", "{\"mode\":\"vapi-number\"}").replace("\"name\":\"Front desk\"", "\"model\":\"x\""),
                "assistant.overrides.model" },
            { request(id, "shared-org", "{\"mode\":\"vapi-number\"}").replace("\"webhookUrl\"", "\"webhook\""), "webhook" },
        };
        for (Object[] bad : cases) {
            Reply reply = onboard(UUID.randomUUID().toString(), (String) bad[0]);
            assertThat(reply.status()).as((String) bad[0]).isEqualTo(400);
            assertThat(reply.json().get("field").stringValue()).as((String) bad[0]).isEqualTo(bad[1]);
        }
        assertThat(get("/admin/v1/tenants/" + id).status()).isEqualTo(404);
    }

    static String request(String id, String vapiMode, String telephony) {
        return "{\"tenant\":{\"id\":\"" + id + "\",\"name\":\"Initrode\"},\"vapiMode\":\"" + vapiMode + "\",\"telephony\":"
                + telephony + ",\"assistant\":{\"template\":\"appointment-reminder\",\"overrides\":{\"name\":\"Front desk\"}},"
                + "\"webhookUrl\":\"https://initrode.example/hooks\"}";
    }

    private static String buyNumber(String accountSid, String token) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString((accountSid + ":" + token).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> bought = HttpClient.newHttpClient().send(HttpRequest
            .newBuilder(URI.create(TestUpstream.simulator().baseUrl() + "/2010-04-01/Accounts/" + accountSid + "/IncomingPhoneNumbers.json"))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("AreaCode=646"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bought.statusCode()).as(bought.body()).isEqualTo(201);
        return JSON.readTree(bought.body()).get("phone_number").stringValue();
    }

    private static String platformVapi(String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create(TestUpstream.simulator().baseUrl() + path))
                .header("Authorization", "Bearer " + TestUpstream.PLATFORM_VAPI_KEY)
                .build(), HttpResponse.BodyHandlers.ofString());
            return response.body();
        }
        catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    private Reply onboard(String idempotencyKey, String body) {
        WebTestClient.RequestBodySpec request = this.web.post().uri("/admin/v1/onboardings")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN);
        if (idempotencyKey != null) {
            request = request.header("Idempotency-Key", idempotencyKey);
        }
        return reply(request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectBody().returnResult());
    }

    private Reply get(String path) {
        return reply(this.web.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .exchange().expectBody().returnResult());
    }

    private static Reply reply(EntityExchangeResult<byte[]> result) {
        byte[] bytes = result.getResponseBody();
        String type = result.getResponseHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
        return new Reply(result.getStatus().value(), (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "",
                (type != null) ? type : "");
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private record Reply(int status, String body, String contentType) {

        JsonNode json() {
            return JSON.readTree(this.body);
        }
    }
}

package com.intellidial.simulator;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static com.intellidial.simulator.TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** VAPI calls with a server URL progress on their own and post status updates and an end-of-call report to it. */
class VapiServerMessagesTests {

    private static final Duration DURATION = Duration.ofMillis(600);

    private ServerMessageReceiver receiver;

    private Simulator simulator;

    private TestClient vapi;

    @BeforeEach
    void start() {
        this.receiver = new ServerMessageReceiver();
    }

    @AfterEach
    void stop() {
        if (this.simulator != null) {
            this.simulator.close();
        }
        this.receiver.close();
    }

    private void simulator(SimulatorConfig.Builder config) {
        this.simulator = Simulator.start(config.vapiKey("key-a", "org-a")
            .callTimeline(Duration.ofMillis(20), Duration.ofMillis(20), DURATION)
            .build());
        this.vapi = TestClient.vapi(this.simulator, "key-a");
    }

    @Test
    void sendsStatusUpdatesAndAnEndOfCallReportWithRealisticCostToTheAssistantsServer() {
        simulator(SimulatorConfig.builder().vapiWebhookBearer("hook-token"));
        String assistantId = body(this.vapi.json("POST", "/assistant",
                "{\"name\":\"a\",\"server\":{\"url\":\"" + this.receiver.url("/assistant-hook") + "\"}}")).get("id").asString();
        String callId = body(this.vapi.json("POST", "/call", "{\"assistantId\":\"" + assistantId + "\"}")).get("id").asString();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.receiver.received().size() == 5);
        List<JsonNode> messages = this.receiver.messages();
        // Each message is its own POST, so (as with VAPI) they may arrive in any order.
        assertThat(messages).extracting(VapiServerMessagesTests::typeAndStatus)
            .containsExactlyInAnyOrder("status-update:queued", "status-update:ringing", "status-update:in-progress",
                    "status-update:ended", "end-of-call-report:");
        assertThat(this.receiver.received()).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/assistant-hook");
            assertThat(r.headers().get("Authorization")).isEqualTo("Bearer hook-token");
            assertThat(r.json().get("message").get("call").get("id").asString()).isEqualTo(callId);
        });
        JsonNode report = message(messages, "end-of-call-report:");
        Instant startedAt = Instant.parse(report.get("startedAt").asString());
        Instant endedAt = Instant.parse(report.get("endedAt").asString());
        assertThat(Duration.between(startedAt, endedAt)).isBetween(DURATION, DURATION.plusSeconds(1));
        assertThat(report.get("endedReason").asString()).isEqualTo("customer-ended-call");
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode line : report.get("costs")) {
            sum = sum.add(line.get("cost").decimalValue());
        }
        assertThat(report.get("cost").decimalValue()).isPositive().isEqualByComparingTo(sum);
        assertThat(report.get("call").get("assistantId").asString()).isEqualTo(assistantId);
        assertThat(report.get("call").get("costBreakdown").get("total").decimalValue()).isEqualByComparingTo(sum);
        assertThat(message(messages, "status-update:ended").get("endedReason").asString()).isEqualTo("customer-ended-call");
        JsonNode stored = body(this.vapi.get("/call/" + callId));
        assertThat(stored.get("status").asString()).isEqualTo("ended");
        assertThat(stored.get("cost").decimalValue()).isEqualByComparingTo(sum);
    }

    @Test
    void signsWithHmacLikeAVapiHmacCredential() throws GeneralSecurityException {
        simulator(SimulatorConfig.builder().vapiWebhookHmac("hmac-secret"));
        this.vapi.json("POST", "/call", "{\"assistant\":{\"server\":{\"url\":\"" + this.receiver.url("/t") + "\"}}}");
        await().atMost(Duration.ofSeconds(5)).until(() -> this.receiver.received().size() == 5);
        for (ServerMessageReceiver.Received received : this.receiver.received()) {
            String timestamp = received.headers().get("x-timestamp");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec("hmac-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            assertThat(received.headers().get("x-signature")).isEqualTo(HexFormat.of().formatHex(mac.doFinal(received.body())));
            assertThat(received.headers()).doesNotContainKey("Authorization");
        }
    }

    @Test
    void followsTheServerUrlPrecedenceOfVapi() {
        simulator(SimulatorConfig.builder());
        String numberId = body(this.vapi.json("POST", "/phone-number",
                "{\"number\":\"+14155550100\",\"server\":{\"url\":\"" + this.receiver.url("/number") + "\"}}")).get("id").asString();
        String plainAssistant = body(this.vapi.json("POST", "/assistant", "{\"name\":\"no server\"}")).get("id").asString();
        this.vapi.json("POST", "/call", "{\"assistantId\":\"" + plainAssistant + "\",\"phoneNumberId\":\"" + numberId
                + "\",\"customer\":{\"number\":\"+14155550123\"}}");
        this.vapi.json("POST", "/call", "{\"assistantId\":\"" + plainAssistant + "\",\"phoneNumberId\":\"" + numberId
                + "\",\"customer\":{\"number\":\"+14155550124\"},\"assistantOverrides\":{\"server\":{\"url\":\""
                + this.receiver.url("/override") + "\"}}}");
        this.vapi.json("POST", "/call", "{\"assistantId\":\"" + plainAssistant + "\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> this.receiver.received().size() == 10);
        assertThat(this.receiver.received()).extracting(ServerMessageReceiver.Received::path)
            .containsOnly("/number", "/override")
            .filteredOn("/number"::equals).hasSize(5);
        JsonNode report = this.receiver.messages().stream()
            .filter(m -> m.get("type").asString().equals("end-of-call-report"))
            .findFirst()
            .orElseThrow();
        assertThat(report.get("call").get("type").asString()).isEqualTo("outboundPhoneCall");
    }

    @Test
    void retriesAFailedMessageAsConfiguredAndHonoursTheBackoffPlan() {
        simulator(SimulatorConfig.builder().vapiWebhookRetries(2, Duration.ofMillis(10)));
        this.receiver.failNext(2, 503);
        this.vapi.json("POST", "/call", "{\"assistant\":{\"serverMessages\":[\"end-of-call-report\"],"
                + "\"server\":{\"url\":\"" + this.receiver.url("/default") + "\"}}}");
        await().atMost(Duration.ofSeconds(5)).until(() -> this.receiver.received().size() == 3);
        assertThat(this.receiver.messages()).extracting(m -> m.get("type").asString()).containsOnly("end-of-call-report");
        this.receiver.failNext(1, 500);
        this.vapi.json("POST", "/call", "{\"assistant\":{\"serverMessages\":[\"end-of-call-report\"],"
                + "\"server\":{\"url\":\"" + this.receiver.url("/plan") + "\",\"backoffPlan\":{\"type\":\"fixed\","
                + "\"maxRetries\":0,\"baseDelaySeconds\":0.01}}}}");
        await().pollDelay(Duration.ofMillis(DURATION.toMillis() + 500)).atMost(Duration.ofSeconds(5))
            .until(() -> this.receiver.received().size() >= 4);
        assertThat(this.receiver.received()).hasSize(4);
    }

    private static String typeAndStatus(JsonNode message) {
        return message.get("type").asString() + ":" + message.path("status").asString("");
    }

    private static JsonNode message(List<JsonNode> messages, String typeAndStatus) {
        return messages.stream().filter(m -> typeAndStatus(m).equals(typeAndStatus)).findFirst().orElseThrow();
    }
}

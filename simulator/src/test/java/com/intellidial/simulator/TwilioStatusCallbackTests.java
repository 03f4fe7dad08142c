package com.intellidial.simulator;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.intellidial.simulator.CallbackReceiver.Callback;
import com.intellidial.simulator.twilio.TwilioSignature;
import com.twilio.security.RequestValidator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static com.intellidial.simulator.TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TwilioStatusCallbackTests {

    private static final String ACCOUNT = "AC00000000000000000000000000000001";

    private static final String TOKEN = "token-main";

    private static final String CALLS = "/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json";

    private Simulator simulator;

    private CallbackReceiver receiver;

    private TestClient twilio;

    @BeforeEach
    void start() {
        this.receiver = new CallbackReceiver();
        this.simulator = Simulator.start(SimulatorConfig.builder()
            .twilioAccount(ACCOUNT, TOKEN)
            .callTimeline(Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(1500))
            .build());
        this.twilio = TestClient.twilio(this.simulator, ACCOUNT, TOKEN);
    }

    @AfterEach
    void stop() {
        this.simulator.close();
        this.receiver.close();
    }

    @Test
    void signaturesMatchKnownTwilioTestVector() {
        Map<String, String> params = Map.of("CallSid", "CA1234567890ABCDE", "Caller", "+14158675309", "Digits",
                "1234", "From", "+14158675309", "To", "+18005551212");
        assertThat(TwilioSignature.sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params))
            .isEqualTo("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    }

    @Test
    void sendsEveryRequestedEventInOrderSignedLikeTwilio() {
        String url = this.receiver.url() + "status?tenant=acme";
        String sid = body(this.twilio.form(CALLS, "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test",
                "StatusCallback", url, "StatusCallbackEvent", "initiated", "StatusCallbackEvent", "ringing",
                "StatusCallbackEvent", "answered", "StatusCallbackEvent", "completed")).get("sid").asString();

        await().atMost(Duration.ofSeconds(10)).until(() -> this.receiver.received().size() == 4);
        List<Callback> callbacks = this.receiver.received()
            .stream()
            .sorted(Comparator.comparing(callback -> Integer.parseInt(callback.params().get("SequenceNumber"))))
            .toList();
        assertThat(callbacks).extracting(callback -> callback.params().get("CallStatus"))
            .containsExactly("initiated", "ringing", "in-progress", "completed");
        assertThat(callbacks).extracting(callback -> callback.params().get("SequenceNumber"))
            .containsExactly("0", "1", "2", "3");
        RequestValidator validator = new RequestValidator(TOKEN);
        for (Callback callback : callbacks) {
            assertThat(callback.method()).isEqualTo("POST");
            assertThat(callback.url()).isEqualTo(url);
            assertThat(callback.contentType()).startsWith("application/x-www-form-urlencoded");
            assertThat(callback.params()).containsEntry("CallSid", sid)
                .containsEntry("AccountSid", ACCOUNT)
                .containsEntry("To", "+14155550100")
                .containsEntry("From", "+14155550199")
                .containsEntry("Direction", "outbound-api")
                .containsKey("Timestamp");
            assertThat(validator.validate(callback.url(), callback.params(), callback.signature())).isTrue();
            assertThat(new RequestValidator("other-token").validate(callback.url(), callback.params(),
                    callback.signature())).isFalse();
        }
        Callback completed = callbacks.get(3);
        assertThat(Integer.parseInt(completed.params().get("CallDuration"))).isBetween(1, 2);
        assertThat(callbacks.get(0).params()).doesNotContainKey("CallDuration");

        JsonNode call = body(this.twilio.get("/2010-04-01/Accounts/" + ACCOUNT + "/Calls/" + sid + ".json"));
        assertThat(call.get("status").asString()).isEqualTo("completed");
        assertThat(call.get("start_time").isNull()).isFalse();
        assertThat(call.get("end_time").isNull()).isFalse();
        assertThat(call.get("duration").asString()).isEqualTo(completed.params().get("CallDuration"));
    }

    @Test
    void sendsOnlyCompletedWhenNoEventsAreRequested() {
        this.twilio.form(CALLS, "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test",
                "StatusCallback", this.receiver.url() + "status");
        await().atMost(Duration.ofSeconds(10)).until(() -> !this.receiver.received().isEmpty());
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(this.receiver.received()).singleElement()
            .satisfies(callback -> assertThat(callback.params()).containsEntry("CallStatus", "completed")
                .containsEntry("SequenceNumber", "0"));
    }

    @Test
    void hangingUpEndsTheTimelineWithOneCompletedCallback() {
        String sid = body(this.twilio.form(CALLS, "To", "+14155550100", "From", "+14155550199", "Url",
                "https://x.test", "StatusCallback", this.receiver.url() + "status", "StatusCallbackEvent", "answered"))
            .get("sid").asString();
        String path = "/2010-04-01/Accounts/" + ACCOUNT + "/Calls/" + sid + ".json";
        await().atMost(Duration.ofSeconds(5)).until(() -> this.receiver.received().size() == 1);

        JsonNode hungUp = body(this.twilio.form(path, "Status", "completed"));
        assertThat(hungUp.get("status").asString()).isEqualTo("completed");
        await().atMost(Duration.ofSeconds(5)).until(() -> this.receiver.received().size() == 2);
        await().pollDelay(Duration.ofMillis(1700)).until(() -> true);
        assertThat(this.receiver.received()).extracting(callback -> callback.params().get("CallStatus"))
            .containsExactlyInAnyOrder("in-progress", "completed");
    }

    @Test
    void cancelingAQueuedCallReportsCanceled() {
        SimulatorConfig slow = SimulatorConfig.builder()
            .twilioAccount(ACCOUNT, TOKEN)
            .callTimeline(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))
            .build();
        try (Simulator slowSimulator = Simulator.start(slow)) {
            TestClient client = TestClient.twilio(slowSimulator, ACCOUNT, TOKEN);
            String sid = body(client.form(CALLS, "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test",
                    "StatusCallback", this.receiver.url() + "status")).get("sid").asString();
            JsonNode canceled = body(client.form("/2010-04-01/Accounts/" + ACCOUNT + "/Calls/" + sid + ".json",
                    "Status", "canceled"));
            assertThat(canceled.get("status").asString()).isEqualTo("canceled");
            await().atMost(Duration.ofSeconds(5)).until(() -> this.receiver.received().size() == 1);
            assertThat(this.receiver.received().get(0).params()).containsEntry("CallStatus", "canceled")
                .containsEntry("CallDuration", "0");
        }
    }

    @Test
    void signsSubaccountCallbacksWithTheSubaccountsOwnToken() {
        JsonNode subaccount = body(this.twilio.form("/2010-04-01/Accounts.json", "FriendlyName", "tenant-1"));
        String subSid = subaccount.get("sid").asString();
        String subToken = subaccount.get("auth_token").asString();
        TestClient.twilio(this.simulator, subSid, subToken)
            .form("/2010-04-01/Accounts/" + subSid + "/Calls.json", "To", "+14155550100", "From", "+14155550199",
                    "Url", "https://x.test", "StatusCallback", this.receiver.url() + "sub");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.receiver.received().size() == 1);
        Callback callback = this.receiver.received().get(0);
        assertThat(callback.params()).containsEntry("AccountSid", subSid);
        assertThat(new RequestValidator(subToken).validate(callback.url(), callback.params(), callback.signature()))
            .isTrue();
        assertThat(new RequestValidator(TOKEN).validate(callback.url(), callback.params(), callback.signature()))
            .isFalse();
    }

    @Test
    void sendsGetCallbacksWithParametersInTheSignedUrl() {
        this.twilio.form(CALLS, "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test",
                "StatusCallback", this.receiver.url() + "status", "StatusCallbackMethod", "GET");
        await().atMost(Duration.ofSeconds(10)).until(() -> this.receiver.received().size() == 1);
        Callback callback = this.receiver.received().get(0);
        assertThat(callback.method()).isEqualTo("GET");
        assertThat(callback.url()).contains("CallStatus=completed");
        assertThat(new RequestValidator(TOKEN).validate(callback.url(), Map.of(), callback.signature())).isTrue();
    }

    @Test
    void recordsAnsweredCallsPlacedWithRecordTrue() {
        String sid = body(this.twilio.form(CALLS, "To", "+14155550100", "From", "+14155550199", "Url",
                "https://x.test", "Record", "true", "StatusCallback", this.receiver.url() + "status")).get("sid").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> this.receiver.received().size() == 1);
        Map<String, String> completed = this.receiver.received().get(0).params();
        assertThat(completed.get("RecordingSid")).matches("RE[0-9a-f]{32}");

        String recordings = "/2010-04-01/Accounts/" + ACCOUNT + "/Recordings.json";
        JsonNode list = body(this.twilio.get(recordings + "?CallSid=" + sid));
        assertThat(list.get("recordings")).hasSize(1);
        JsonNode recording = list.get("recordings").get(0);
        assertThat(recording.get("sid").asString()).isEqualTo(completed.get("RecordingSid"));
        assertThat(recording.get("call_sid").asString()).isEqualTo(sid);
        assertThat(recording.get("duration").asString()).isEqualTo(completed.get("CallDuration"));
        assertThat(body(this.twilio.get("/2010-04-01/Accounts/" + ACCOUNT + "/Calls/" + sid + "/Recordings.json"))
            .get("recordings")).hasSize(1);
        String item = "/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + recording.get("sid").asString() + ".json";
        assertThat(body(this.twilio.get(item)).get("status").asString()).isEqualTo("completed");
        assertThat(this.twilio.delete(item).statusCode()).isEqualTo(204);
        assertThat(this.twilio.get(item).statusCode()).isEqualTo(404);
    }

    @Test
    void closingTheSimulatorStopsPendingCallbacks() {
        this.twilio.form(CALLS, "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test",
                "StatusCallback", this.receiver.url() + "status");
        this.simulator.close();
        await().pollDelay(Duration.ofMillis(1800)).until(() -> true);
        assertThat(this.receiver.received()).isEmpty();
    }
}

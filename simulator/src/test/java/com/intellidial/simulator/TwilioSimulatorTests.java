package com.intellidial.simulator;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static com.intellidial.simulator.TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;

class TwilioSimulatorTests {

    static final String ACCOUNT_A = "AC00000000000000000000000000000001";

    static final String ACCOUNT_B = "AC00000000000000000000000000000002";

    static final String CALLS_A = "/2010-04-01/Accounts/" + ACCOUNT_A + "/Calls.json";

    static final String NUMBERS_A = "/2010-04-01/Accounts/" + ACCOUNT_A + "/IncomingPhoneNumbers.json";

    private Simulator simulator;

    private TestClient accountA;

    private TestClient accountB;

    @BeforeEach
    void start() {
        this.simulator = Simulator.start(SimulatorConfig.builder()
            .twilioAccount(ACCOUNT_A, "token-a")
            .twilioAccount(ACCOUNT_B, "token-b")
            .twilioApiKey(ACCOUNT_A, "SK00000000000000000000000000000001", "secret-a")
            // Calls stay queued for these tests; TwilioStatusCallbackTests covers the timeline.
            .callTimeline(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))
            .build());
        this.accountA = TestClient.twilio(this.simulator, ACCOUNT_A, "token-a");
        this.accountB = TestClient.twilio(this.simulator, ACCOUNT_B, "token-b");
    }

    @AfterEach
    void stop() {
        this.simulator.close();
    }

    @Test
    void rejectsMissingOrWrongCredentialsWithTwilio20003() {
        for (TestClient client : List.of(TestClient.anonymous(this.simulator),
                TestClient.twilio(this.simulator, ACCOUNT_A, "token-b"),
                TestClient.twilio(this.simulator, "SK00000000000000000000000000000001", "wrong"))) {
            HttpResponse<String> response = client.get(CALLS_A);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).isEqualTo("{\"code\":20003,\"message\":\"Authenticate\","
                    + "\"more_info\":\"https://www.twilio.com/docs/errors/20003\",\"status\":401}");
        }
    }

    @Test
    void acceptsApiKeyOfTheAccount() {
        TestClient key = TestClient.twilio(this.simulator, "SK00000000000000000000000000000001", "secret-a");
        assertThat(key.form(CALLS_A, "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test/twiml")
            .statusCode()).isEqualTo(201);
        assertThat(body(this.accountA.get(CALLS_A)).get("calls")).hasSize(1);
    }

    @Test
    void forbidsValidCredentialsOnAnotherAccountsPath() {
        HttpResponse<String> response = this.accountB.get(CALLS_A);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(body(response).get("code").asInt()).isEqualTo(20003);
    }

    @Test
    void createsAQueuedOutboundCallWithRealisticFields() {
        HttpResponse<String> response = this.accountA.form(CALLS_A, "To", "+14155550100", "From", "+14155550199",
                "Url", "https://x.test/twiml");
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode call = body(response);
        String sid = call.get("sid").asString();
        assertThat(sid).matches("CA[0-9a-f]{32}");
        assertThat(call.get("account_sid").asString()).isEqualTo(ACCOUNT_A);
        assertThat(call.get("to").asString()).isEqualTo("+14155550100");
        assertThat(call.get("to_formatted").asString()).isEqualTo("(415) 555-0100");
        assertThat(call.get("from").asString()).isEqualTo("+14155550199");
        assertThat(call.get("status").asString()).isEqualTo("queued");
        assertThat(call.get("direction").asString()).isEqualTo("outbound-api");
        assertThat(call.get("api_version").asString()).isEqualTo("2010-04-01");
        assertThat(call.get("date_created").asString()).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000");
        assertThat(call.get("uri").asString()).isEqualTo("/2010-04-01/Accounts/" + ACCOUNT_A + "/Calls/" + sid + ".json");
        assertThat(call.get("subresource_uris").get("recordings").asString()).endsWith("/Calls/" + sid + "/Recordings.json");
        assertThat(body(this.accountA.get("/2010-04-01/Accounts/" + ACCOUNT_A + "/Calls/" + sid + ".json"))
            .get("sid").asString()).isEqualTo(sid);
    }

    @Test
    void rejectsCallsWithoutToFromOrInstructions() {
        assertError(this.accountA.form(CALLS_A, "From", "+14155550199", "Url", "https://x.test"), 400, 21201);
        assertError(this.accountA.form(CALLS_A, "To", "+14155550100", "Url", "https://x.test"), 400, 21213);
        assertError(this.accountA.form(CALLS_A, "To", "+14155550100", "From", "+14155550199"), 400, 21205);
        assertThat(this.accountA.form(CALLS_A, "To", "+14155550100", "From", "+14155550199", "Twiml",
                "<Response/>").statusCode()).isEqualTo(201);
    }

    @Test
    void pagesCallListsWithTwilioEnvelopeAndFilters() {
        for (int i = 0; i < 5; i++) {
            this.accountA.form(CALLS_A, "To", "+1415555010" + i, "From", "+14155550199", "Url", "https://x.test");
        }
        JsonNode first = body(this.accountA.get(CALLS_A + "?PageSize=2"));
        assertThat(tos(first.get("calls"))).containsExactly("+14155550104", "+14155550103");
        assertThat(first.get("page").asInt()).isZero();
        assertThat(first.get("page_size").asInt()).isEqualTo(2);
        assertThat(first.get("start").asInt()).isZero();
        assertThat(first.get("end").asInt()).isEqualTo(1);
        assertThat(first.get("previous_page_uri").isNull()).isTrue();
        assertThat(first.get("first_page_uri").asString()).isEqualTo(CALLS_A + "?PageSize=2&Page=0");
        assertThat(first.get("uri").asString()).isEqualTo(CALLS_A + "?PageSize=2&Page=0");

        JsonNode last = body(this.accountA.get(first.get("next_page_uri").asString().replace("Page=1", "Page=2")));
        assertThat(tos(last.get("calls"))).containsExactly("+14155550100");
        assertThat(last.get("next_page_uri").isNull()).isTrue();
        assertThat(last.get("start").asInt()).isEqualTo(4);

        assertThat(body(this.accountA.get(CALLS_A)).get("page_size").asInt()).isEqualTo(50);
        assertThat(tos(body(this.accountA.get(CALLS_A + "?To=%2B14155550102")).get("calls")))
            .containsExactly("+14155550102");
        JsonNode filtered = body(this.accountA.get(CALLS_A + "?Status=queued&PageSize=1"));
        assertThat(filtered.get("next_page_uri").asString()).isEqualTo(CALLS_A + "?Status=queued&PageSize=1&Page=1&PageToken=PA0");
        assertThat(body(this.accountA.get(CALLS_A + "?From=%2B10000000000")).get("calls")).isEmpty();
    }

    @Test
    void hangsUpCancelsAndDeletesCalls() {
        String sid = body(this.accountA.form(CALLS_A, "To", "+14155550100", "From", "+14155550199", "Url",
                "https://x.test")).get("sid").asString();
        String path = "/2010-04-01/Accounts/" + ACCOUNT_A + "/Calls/" + sid + ".json";

        JsonNode canceled = body(this.accountA.form(path, "Status", "canceled"));
        assertThat(canceled.get("status").asString()).isEqualTo("canceled");
        assertThat(canceled.get("end_time").isNull()).isFalse();
        assertThat(body(this.accountA.form(path, "Status", "completed")).get("status").asString()).isEqualTo("canceled");
        assertError(this.accountA.form(path, "Status", "ringing"), 400, 21218);
        assertError(this.accountA.form(path, "Url", "https://x.test/next"), 400, 21220);
        assertThat(body(this.accountA.get(CALLS_A + "?Status=canceled")).get("calls")).hasSize(1);

        assertThat(this.accountA.delete(path).statusCode()).isEqualTo(204);
        assertError(this.accountA.get(path), 404, 20404);
    }

    @Test
    void answersUnknownSidWithTwilio404NamingThePath() {
        String path = "/2010-04-01/Accounts/" + ACCOUNT_A + "/Calls/CA00000000000000000000000000000000.json";
        HttpResponse<String> response = this.accountA.get(path);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"code\":20404,\"message\":\"The requested resource " + path
                + " was not found\",\"more_info\":\"https://www.twilio.com/docs/errors/20404\",\"status\":404}");
        assertError(this.accountA.get("/2010-04-01/Accounts/" + ACCOUNT_A + "/Nope.json"), 404, 20404);
    }

    @Test
    void keepsEachAccountsCallsAndNumbersToItself() {
        String callSid = body(this.accountA.form(CALLS_A, "To", "+14155550100", "From", "+14155550199", "Url",
                "https://x.test")).get("sid").asString();
        this.accountA.form(NUMBERS_A, "AreaCode", "415");
        String callsB = "/2010-04-01/Accounts/" + ACCOUNT_B + "/Calls.json";

        assertThat(body(this.accountB.get(callsB)).get("calls")).isEmpty();
        assertThat(body(this.accountB.get("/2010-04-01/Accounts/" + ACCOUNT_B + "/IncomingPhoneNumbers.json"))
            .get("incoming_phone_numbers")).isEmpty();
        assertError(this.accountB.get("/2010-04-01/Accounts/" + ACCOUNT_B + "/Calls/" + callSid + ".json"), 404, 20404);
    }

    @Test
    void buysUpdatesListsAndReleasesIncomingNumbers() {
        HttpResponse<String> bought = this.accountA.form(NUMBERS_A, "PhoneNumber", "+14155550123", "VoiceUrl",
                "https://x.test/voice");
        assertThat(bought.statusCode()).isEqualTo(201);
        JsonNode number = body(bought);
        String sid = number.get("sid").asString();
        assertThat(sid).matches("PN[0-9a-f]{32}");
        assertThat(number.get("phone_number").asString()).isEqualTo("+14155550123");
        assertThat(number.get("friendly_name").asString()).isEqualTo("(415) 555-0123");
        assertThat(number.get("voice_url").asString()).isEqualTo("https://x.test/voice");
        assertThat(number.get("capabilities").get("voice").asBoolean()).isTrue();

        JsonNode byArea = body(this.accountA.form(NUMBERS_A, "AreaCode", "212"));
        assertThat(byArea.get("phone_number").asString()).startsWith("+1212");
        assertError(this.accountB.form("/2010-04-01/Accounts/" + ACCOUNT_B + "/IncomingPhoneNumbers.json",
                "PhoneNumber", "+14155550123"), 400, 21422);
        assertError(this.accountA.form(NUMBERS_A, "FriendlyName", "x"), 400, 21421);

        String path = "/2010-04-01/Accounts/" + ACCOUNT_A + "/IncomingPhoneNumbers/" + sid + ".json";
        JsonNode updated = body(this.accountA.form(path, "SmsUrl", "https://x.test/sms", "StatusCallback",
                "https://x.test/status", "FriendlyName", "main line", "VoiceCallerIdLookup", "true"));
        assertThat(updated.get("sms_url").asString()).isEqualTo("https://x.test/sms");
        assertThat(updated.get("status_callback").asString()).isEqualTo("https://x.test/status");
        assertThat(updated.get("voice_caller_id_lookup").asBoolean()).isTrue();
        assertThat(updated.get("voice_url").asString()).isEqualTo("https://x.test/voice");

        JsonNode list = body(this.accountA.get(NUMBERS_A));
        assertThat(list.get("incoming_phone_numbers")).hasSize(2);
        assertThat(body(this.accountA.get(NUMBERS_A + "?FriendlyName=main%20line")).get("incoming_phone_numbers"))
            .hasSize(1);
        assertThat(body(this.accountA.get(NUMBERS_A + "?PhoneNumber=555012")).get("incoming_phone_numbers"))
            .hasSize(1);

        assertThat(this.accountA.delete(path).statusCode()).isEqualTo(204);
        assertError(this.accountA.get(path), 404, 20404);
        assertThat(this.accountB.form("/2010-04-01/Accounts/" + ACCOUNT_B + "/IncomingPhoneNumbers.json",
                "PhoneNumber", "+14155550123").statusCode()).isEqualTo(201);
    }

    @Test
    void linksACallToTheAccountsNumberItIsPlacedFrom() {
        String numberSid = body(this.accountA.form(NUMBERS_A, "PhoneNumber", "+14155550199")).get("sid").asString();
        JsonNode call = body(this.accountA.form(CALLS_A, "To", "+14155550100", "From", "+14155550199", "Url",
                "https://x.test"));
        assertThat(call.get("phone_number_sid").asString()).isEqualTo(numberSid);
    }

    static void assertError(HttpResponse<String> response, int status, int code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = body(response);
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("code").asInt()).isEqualTo(code);
        assertThat(error.get("more_info").asString()).isEqualTo("https://www.twilio.com/docs/errors/" + code);
        assertThat(error.get("message").asString()).isNotBlank();
    }

    private static List<String> tos(JsonNode calls) {
        List<String> tos = new ArrayList<>();
        calls.forEach(call -> tos.add(call.get("to").asString()));
        return tos;
    }
}

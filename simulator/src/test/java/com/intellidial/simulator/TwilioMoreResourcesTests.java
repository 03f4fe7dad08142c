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
import static com.intellidial.simulator.TwilioSimulatorTests.assertError;
import static org.assertj.core.api.Assertions.assertThat;

class TwilioMoreResourcesTests {

    private static final String MAIN = "AC00000000000000000000000000000001";

    private static final String OTHER = "AC00000000000000000000000000000002";

    private static final String ROOT = "/2010-04-01/Accounts";

    private Simulator simulator;

    private TestClient main;

    @BeforeEach
    void start() {
        this.simulator = Simulator.start(SimulatorConfig.builder()
            .twilioAccount(MAIN, "token-main")
            .twilioAccount(OTHER, "token-other")
            .twilioApiKey(MAIN, "SK00000000000000000000000000000001", "key-secret")
            .callTimeline(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))
            .build());
        this.main = TestClient.twilio(this.simulator, MAIN, "token-main");
    }

    @AfterEach
    void stop() {
        this.simulator.close();
    }

    @Test
    void mainAccountCreatesSubaccountsWithTheirOwnCredentials() {
        HttpResponse<String> response = this.main.form(ROOT + ".json", "FriendlyName", "tenant-1");
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode sub = body(response);
        String subSid = sub.get("sid").asString();
        String subToken = sub.get("auth_token").asString();
        assertThat(subSid).matches("AC[0-9a-f]{32}");
        assertThat(subToken).matches("[0-9a-f]{32}");
        assertThat(sub.get("owner_account_sid").asString()).isEqualTo(MAIN);
        assertThat(sub.get("friendly_name").asString()).isEqualTo("tenant-1");
        assertThat(sub.get("status").asString()).isEqualTo("active");
        assertThat(sub.get("uri").asString()).isEqualTo(ROOT + "/" + subSid + ".json");
        assertThat(sub.get("subresource_uris").get("calls").asString()).isEqualTo(ROOT + "/" + subSid + "/Calls.json");

        TestClient subClient = TestClient.twilio(this.simulator, subSid, subToken);
        String subCalls = ROOT + "/" + subSid + "/Calls.json";
        assertThat(subClient.form(subCalls, "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test")
            .statusCode()).isEqualTo(201);
        assertThat(body(this.main.get(subCalls)).get("calls")).hasSize(1);
        assertThat(body(this.main.get(ROOT + "/" + MAIN + "/Calls.json")).get("calls")).isEmpty();
        assertError(subClient.get(ROOT + "/" + MAIN + "/Calls.json"), 403, 20003);
        assertError(TestClient.twilio(this.simulator, OTHER, "token-other").get(subCalls), 403, 20003);
        assertThat(body(this.main.get(ROOT + "/" + subSid + ".json")).get("auth_token").asString()).isEqualTo(subToken);
        assertThat(body(subClient.get(ROOT + "/" + subSid + ".json")).get("sid").asString()).isEqualTo(subSid);
    }

    @Test
    void onlyAMainAccountsTokenMayCreateSubaccounts() {
        JsonNode sub = body(this.main.form(ROOT + ".json"));
        assertThat(sub.get("friendly_name").asString()).startsWith("SubAccount Created at ");
        TestClient subClient = TestClient.twilio(this.simulator, sub.get("sid").asString(),
                sub.get("auth_token").asString());
        assertError(subClient.form(ROOT + ".json", "FriendlyName", "grandchild"), 403, 20003);
        assertError(TestClient.twilio(this.simulator, "SK00000000000000000000000000000001", "key-secret")
            .form(ROOT + ".json", "FriendlyName", "x"), 403, 20003);
    }

    @Test
    void listsItselfAndItsSubaccountsAndSuspendsThem() {
        JsonNode sub = body(this.main.form(ROOT + ".json", "FriendlyName", "tenant-1"));
        String subSid = sub.get("sid").asString();
        JsonNode list = body(this.main.get(ROOT + ".json"));
        assertThat(sids(list.get("accounts"), "sid")).containsExactlyInAnyOrder(MAIN, subSid);
        assertThat(body(this.main.get(ROOT + ".json?FriendlyName=tenant-1")).get("accounts")).hasSize(1);

        JsonNode suspended = body(this.main.form(ROOT + "/" + subSid + ".json", "Status", "suspended"));
        assertThat(suspended.get("status").asString()).isEqualTo("suspended");
        TestClient subClient = TestClient.twilio(this.simulator, subSid, sub.get("auth_token").asString());
        assertError(subClient.get(ROOT + "/" + subSid + "/Calls.json"), 401, 20003);
        this.main.form(ROOT + "/" + subSid + ".json", "Status", "active");
        assertThat(subClient.get(ROOT + "/" + subSid + "/Calls.json").statusCode()).isEqualTo(200);

        this.main.form(ROOT + "/" + subSid + ".json", "Status", "closed");
        assertError(this.main.form(ROOT + "/" + subSid + ".json", "Status", "active"), 400, 21479);
    }

    @Test
    void searchesDeterministicAvailableNumbersAndSkipsOwnedOnes() {
        String local = ROOT + "/" + MAIN + "/AvailablePhoneNumbers/US/Local.json";
        JsonNode first = body(this.main.get(local + "?AreaCode=212&PageSize=3"));
        assertThat(sids(first.get("available_phone_numbers"), "phone_number"))
            .containsExactly("+12125550100", "+12125550101", "+12125550102");
        JsonNode number = first.get("available_phone_numbers").get(0);
        assertThat(number.get("friendly_name").asString()).isEqualTo("(212) 555-0100");
        assertThat(number.get("iso_country").asString()).isEqualTo("US");
        assertThat(number.get("region").asString()).isEqualTo("NY");
        assertThat(number.get("capabilities").get("voice").asBoolean()).isTrue();
        assertThat(first.get("uri").asString()).isEqualTo(local);

        JsonNode bought = body(this.main.form(ROOT + "/" + MAIN + "/IncomingPhoneNumbers.json", "AreaCode", "212"));
        assertThat(bought.get("phone_number").asString()).isEqualTo("+12125550100");
        assertThat(sids(body(this.main.get(local + "?AreaCode=212&PageSize=1")).get("available_phone_numbers"),
                "phone_number")).containsExactly("+12125550101");
        assertThat(body(this.main.get(local)).get("available_phone_numbers")).hasSize(20);
        assertThat(sids(body(this.main.get(local + "?Contains=5550199&PageSize=5")).get("available_phone_numbers"),
                "phone_number")).containsExactly("+14155550199");

        assertThat(body(this.main.get(ROOT + "/" + MAIN + "/AvailablePhoneNumbers/US/TollFree.json?PageSize=1"))
            .get("available_phone_numbers").get(0).get("phone_number").asString()).isEqualTo("+18005550100");
        assertThat(body(this.main.get(ROOT + "/" + MAIN + "/AvailablePhoneNumbers/US/Mobile.json?PageSize=1"))
            .get("available_phone_numbers").get(0).get("phone_number").asString()).isEqualTo("+14155560100");
        assertThat(body(this.main.get(ROOT + "/" + MAIN + "/AvailablePhoneNumbers/GB/Mobile.json?PageSize=1"))
            .get("available_phone_numbers").get(0).get("phone_number").asString()).isEqualTo("+447700900100");
        assertError(this.main.get(ROOT + "/" + MAIN + "/AvailablePhoneNumbers/ZZ/Local.json"), 404, 20404);
        assertError(this.main.get(ROOT + "/" + MAIN + "/AvailablePhoneNumbers/US/Local.json?AreaCode=12"), 400, 21452);
    }

    @Test
    void sendsListsFetchesRedactsAndDeletesMessages() {
        String messages = ROOT + "/" + MAIN + "/Messages.json";
        HttpResponse<String> sent = this.main.form(messages, "To", "+14155550100", "From", "+14155550199", "Body",
                "hello");
        assertThat(sent.statusCode()).isEqualTo(201);
        JsonNode message = body(sent);
        String sid = message.get("sid").asString();
        assertThat(sid).matches("SM[0-9a-f]{32}");
        assertThat(message.get("status").asString()).isEqualTo("queued");
        assertThat(message.get("body").asString()).isEqualTo("hello");
        assertThat(message.get("num_segments").asString()).isEqualTo("1");
        assertThat(message.get("direction").asString()).isEqualTo("outbound-api");
        this.main.form(messages, "To", "+14155550101", "MessagingServiceSid", "MG1", "MediaUrl", "https://x.test/a.png");

        assertThat(body(this.main.get(messages)).get("messages")).hasSize(2);
        assertThat(body(this.main.get(messages + "?To=%2B14155550100")).get("messages")).hasSize(1);
        String item = ROOT + "/" + MAIN + "/Messages/" + sid + ".json";
        assertThat(body(this.main.form(item, "Body", "")).get("body").asString()).isEmpty();
        assertThat(this.main.delete(item).statusCode()).isEqualTo(204);
        assertError(this.main.get(item), 404, 20404);

        assertError(this.main.form(messages, "From", "+14155550199", "Body", "x"), 400, 21604);
        assertError(this.main.form(messages, "To", "+14155550100", "Body", "x"), 400, 21603);
        assertError(this.main.form(messages, "To", "+14155550100", "From", "+14155550199"), 400, 21602);
        assertThat(body(TestClient.twilio(this.simulator, OTHER, "token-other")
            .get(ROOT + "/" + OTHER + "/Messages.json")).get("messages")).isEmpty();
    }

    @Test
    void reportsUsageOfTheAccountAndItsSubaccounts() {
        JsonNode sub = body(this.main.form(ROOT + ".json"));
        String subSid = sub.get("sid").asString();
        this.main.form(ROOT + "/" + MAIN + "/Calls.json", "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test");
        this.main.form(ROOT + "/" + subSid + "/Calls.json", "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test");
        this.main.form(ROOT + "/" + MAIN + "/IncomingPhoneNumbers.json", "AreaCode", "415");
        this.main.form(ROOT + "/" + MAIN + "/Messages.json", "To", "+14155550100", "From", "+14155550199", "Body", "hi");

        String usage = ROOT + "/" + MAIN + "/Usage/Records.json";
        JsonNode all = body(this.main.get(usage));
        assertThat(sids(all.get("usage_records"), "category")).contains("calls", "phonenumbers", "sms", "totalprice");
        assertThat(count(body(this.main.get(usage + "?Category=calls")))).isEqualTo("2");
        assertThat(count(body(this.main.get(usage + "?Category=calls&IncludeSubaccounts=false")))).isEqualTo("1");
        JsonNode numbers = body(this.main.get(usage + "?Category=phonenumbers")).get("usage_records").get(0);
        assertThat(numbers.get("count").asString()).isEqualTo("1");
        assertThat(numbers.get("price").asString()).isEqualTo("1.15");
        assertThat(numbers.get("account_sid").asString()).isEqualTo(MAIN);
        assertThat(count(body(this.main.get(usage + "?Category=sms")))).isEqualTo("1");
        assertThat(count(body(this.main.get(usage + "?Category=calls&StartDate=2000-01-01&EndDate=2000-12-31"))))
            .isEqualTo("0");
        assertThat(count(body(TestClient.twilio(this.simulator, OTHER, "token-other")
            .get(ROOT + "/" + OTHER + "/Usage/Records.json?Category=calls")))).isEqualTo("0");
    }

    private static String count(JsonNode records) {
        return records.get("usage_records").get(0).get("count").asString();
    }

    private static List<String> sids(JsonNode items, String field) {
        List<String> values = new ArrayList<>();
        items.forEach(item -> values.add(item.get(field).asString()));
        return values;
    }
}

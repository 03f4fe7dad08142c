package com.intellidial.simulator;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.intellidial.simulator.TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;

class JournalAndFaultsTests {

    private static final String ACCOUNT = "AC00000000000000000000000000000001";

    private static final String CALLS = "/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json";

    private Simulator simulator;

    private TestClient vapi;

    private TestClient twilio;

    @BeforeEach
    void start() {
        this.simulator = Simulator.start(SimulatorConfig.builder()
            .vapiKey("key-a", "org-a")
            .twilioAccount(ACCOUNT, "token")
            .build());
        this.vapi = TestClient.vapi(this.simulator, "key-a");
        this.twilio = TestClient.twilio(this.simulator, ACCOUNT, "token");
    }

    @AfterEach
    void stop() {
        this.simulator.close();
    }

    @Test
    void servesOnLocalhostWithARandomPort() {
        assertThat(this.simulator.port()).isPositive();
        assertThat(this.simulator.baseUrl()).isEqualTo("http://localhost:" + this.simulator.port());
    }

    @Test
    void journalRecordsMethodPathQueryHeadersAndBodyInOrder() {
        assertThat(this.simulator.journal().last()).isNull();
        this.vapi.json("POST", "/assistant", "{\"name\":\"a\"}");
        this.vapi.get("/assistant?limit=5");
        this.twilio.form(CALLS, "To", "+14155550100", "From", "+14155550199", "Url", "https://x.test");

        RequestJournal journal = this.simulator.journal();
        assertThat(journal.size()).isEqualTo(3);
        RecordedRequest first = journal.all().get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.path()).isEqualTo("/assistant");
        assertThat(first.rawQuery()).isEmpty();
        assertThat(first.header("authorization")).isEqualTo("Bearer key-a");
        assertThat(first.header("CONTENT-TYPE")).isEqualTo("application/json");
        assertThat(first.header("X-Missing")).isNull();
        assertThat(first.bodyAsString()).isEqualTo("{\"name\":\"a\"}");
        assertThat(first.receivedAt()).isNotNull();
        assertThat(journal.all().get(1).rawQuery()).isEqualTo("limit=5");
        assertThat(journal.last().bodyAsString()).contains("To=%2B14155550100");
        assertThat(journal.matching("GET", "/assistant")).hasSize(1);
        assertThat(journal.matching("post", "/2010-04-01/")).hasSize(1);
        assertThat(journal.toString()).doesNotContain("key-a");

        journal.clear();
        assertThat(journal.size()).isZero();
        assertThat(journal.all()).isEmpty();
    }

    @Test
    void journalKeepsOnlyTheLatestTenThousandRequests() {
        RequestJournal journal = new RequestJournal();
        for (int i = 0; i < RequestJournal.CAPACITY + 5; i++) {
            journal.record(new RecordedRequest("GET", "/r" + i, "", Map.of(), new byte[0], Instant.now()));
        }
        assertThat(journal.size()).isEqualTo(RequestJournal.CAPACITY);
        assertThat(journal.all().get(0).path()).isEqualTo("/r5");
        assertThat(journal.last().path()).isEqualTo("/r" + (RequestJournal.CAPACITY + 4));
    }

    @Test
    void failNextAnswersWithVendorShapedErrorsThenRecovers() {
        this.simulator.faults().failNext("/assistant", 503, 2);
        this.simulator.faults().failNext("/2010-04-01/", 500, 1);

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> failed = this.vapi.get("/assistant");
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(body(failed).get("statusCode").asInt()).isEqualTo(503);
            assertThat(body(failed).get("error").asString()).isEqualTo("Service Unavailable");
        }
        assertThat(this.vapi.get("/assistant").statusCode()).isEqualTo(200);
        assertThat(this.vapi.get("/tool").statusCode()).isEqualTo(200);

        HttpResponse<String> twilioFailure = this.twilio.get(CALLS);
        assertThat(twilioFailure.statusCode()).isEqualTo(500);
        assertThat(body(twilioFailure).get("status").asInt()).isEqualTo(500);
        assertThat(body(twilioFailure).has("code")).isTrue();
        assertThat(this.twilio.get(CALLS).statusCode()).isEqualTo(200);
        assertThat(this.simulator.journal().size()).isEqualTo(6);
    }

    @Test
    void delayPostponesMatchingAnswersWithoutHoldingOthers() {
        this.simulator.faults().delay("/squad", Duration.ofMillis(400));
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> slow = this.vapi.sendAsync("/squad");
        assertThat(this.vapi.get("/tool").statusCode()).isEqualTo(200);
        long fastMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(slow.join().statusCode()).isEqualTo(200);
        long slowMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(fastMillis).isLessThan(400);
        assertThat(slowMillis).isGreaterThanOrEqualTo(400);
    }

    @Test
    void clearRemovesDelaysAndFailures() {
        this.simulator.faults().delay("", Duration.ofSeconds(5));
        this.simulator.faults().failNext("", 500, 10);
        this.simulator.faults().clear();
        assertThat(this.vapi.get("/assistant").statusCode()).isEqualTo(200);
    }

    @Test
    void closeIsIdempotent() {
        this.simulator.close();
        this.simulator.close();
    }
}

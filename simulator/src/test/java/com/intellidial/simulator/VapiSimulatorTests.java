package com.intellidial.simulator;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static com.intellidial.simulator.TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;

class VapiSimulatorTests {

    private Simulator simulator;

    private TestClient orgA;

    private TestClient orgB;

    @BeforeEach
    void start() {
        this.simulator = Simulator.start(SimulatorConfig.builder()
            .vapiKey("key-a", "org-a")
            .vapiKey("key-a2", "org-a")
            .vapiKey("key-b", "org-b")
            .build());
        this.orgA = TestClient.vapi(this.simulator, "key-a");
        this.orgB = TestClient.vapi(this.simulator, "key-b");
    }

    @AfterEach
    void stop() {
        this.simulator.close();
    }

    @Test
    void rejectsMissingOrUnknownKeyWithNestJsUnauthorized() {
        for (TestClient client : List.of(TestClient.anonymous(this.simulator), TestClient.vapi(this.simulator, "nope"))) {
            HttpResponse<String> response = client.get("/assistant");
            assertThat(response.statusCode()).isEqualTo(401);
            JsonNode error = body(response);
            assertThat(error.get("statusCode").asInt()).isEqualTo(401);
            assertThat(error.get("error").asString()).isEqualTo("Unauthorized");
            assertThat(error.get("message").asString()).startsWith("Invalid Key");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "/assistant", "/phone-number", "/call", "/squad", "/tool" })
    void createsFetchesUpdatesListsAndDeletesEveryFamily(String family) {
        HttpResponse<String> created = this.orgA.json("POST", family, "{\"name\":\"first\",\"metadata\":{\"t\":1}}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode resource = body(created);
        String id = resource.get("id").asString();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(resource.get("orgId").asString()).isEqualTo("org-a");
        assertThat(resource.get("name").asString()).isEqualTo("first");
        assertThat(Instant.parse(resource.get("createdAt").asString())).isNotNull();
        assertThat(resource.get("updatedAt").asString()).isEqualTo(resource.get("createdAt").asString());

        assertThat(body(this.orgA.get(family + "/" + id)).get("name").asString()).isEqualTo("first");

        HttpResponse<String> patched = this.orgA.json("PATCH", family + "/" + id,
                "{\"name\":\"second\",\"id\":\"hijack\",\"orgId\":\"org-b\",\"createdAt\":\"2000-01-01T00:00:00Z\"}");
        assertThat(patched.statusCode()).isEqualTo(200);
        JsonNode updated = body(patched);
        assertThat(updated.get("name").asString()).isEqualTo("second");
        assertThat(updated.get("metadata").get("t").asInt()).isEqualTo(1);
        assertThat(updated.get("id").asString()).isEqualTo(id);
        assertThat(updated.get("orgId").asString()).isEqualTo("org-a");
        assertThat(updated.get("createdAt").asString()).isEqualTo(resource.get("createdAt").asString());
        assertThat(Instant.parse(updated.get("updatedAt").asString()))
            .isAfter(Instant.parse(resource.get("updatedAt").asString()));

        JsonNode list = body(this.orgA.get(family));
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asString()).isEqualTo("second");

        HttpResponse<String> deleted = this.orgA.delete(family + "/" + id);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(body(deleted).get("id").asString()).isEqualTo(id);
        assertThat(this.orgA.get(family + "/" + id).statusCode()).isEqualTo(404);
        assertThat(body(this.orgA.get(family))).isEmpty();
    }

    @Test
    void rotatesKeysAtRunTime() {
        String id = body(this.orgA.json("POST", "/assistant", "{\"name\":\"a\"}")).get("id").asString();

        this.simulator.addVapiKey("key-a-new", "org-a");
        TestClient rotated = TestClient.vapi(this.simulator, "key-a-new");
        assertThat(rotated.get("/assistant/" + id).statusCode()).isEqualTo(200);
        assertThat(this.orgA.get("/assistant/" + id).statusCode()).as("old key still valid in the overlap").isEqualTo(200);

        this.simulator.removeVapiKey("key-a");
        assertThat(this.orgA.get("/assistant/" + id).statusCode()).isEqualTo(401);
        assertThat(rotated.get("/assistant/" + id).statusCode()).isEqualTo(200);
    }

    @Test
    void keepsEachOrgsResourcesToItselfAndSharesThemBetweenKeysOfOneOrg() {
        String id = body(this.orgA.json("POST", "/assistant", "{\"name\":\"a\"}")).get("id").asString();

        assertThat(body(TestClient.vapi(this.simulator, "key-a2").get("/assistant/" + id)).get("name").asString())
            .isEqualTo("a");
        assertThat(body(this.orgB.get("/assistant"))).isEmpty();
        for (HttpResponse<String> response : List.of(this.orgB.get("/assistant/" + id),
                this.orgB.json("PATCH", "/assistant/" + id, "{\"name\":\"b\"}"), this.orgB.delete("/assistant/" + id))) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).isEqualTo("{\"message\":\"Not Found\",\"error\":\"Not Found\",\"statusCode\":404}");
        }
        assertThat(body(this.orgA.get("/assistant/" + id)).get("name").asString()).isEqualTo("a");
    }

    @Test
    void listsNewestFirstAndHonoursLimit() {
        for (int i = 0; i < 5; i++) {
            this.orgA.json("POST", "/tool", "{\"name\":\"t" + i + "\"}");
        }
        JsonNode list = body(this.orgA.get("/tool?limit=3"));
        assertThat(names(list)).containsExactly("t4", "t3", "t2");
        assertThat(body(this.orgA.get("/tool"))).hasSize(5);
    }

    @Test
    void rejectsLimitAboveOneThousandWithValidationError() {
        HttpResponse<String> response = this.orgA.get("/assistant?limit=1001");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = body(response);
        assertThat(error.get("error").asString()).isEqualTo("Bad Request");
        assertThat(error.get("message").get(0).asString()).contains("limit");
    }

    @Test
    void filtersListsByCreatedAtAndUpdatedAtBounds() throws InterruptedException {
        JsonNode first = body(this.orgA.json("POST", "/squad", "{\"name\":\"old\"}"));
        Thread.sleep(5); // test thread only: make the two timestamps differ
        JsonNode second = body(this.orgA.json("POST", "/squad", "{\"name\":\"new\"}"));
        String firstCreated = first.get("createdAt").asString();
        String secondCreated = second.get("createdAt").asString();

        assertThat(names(body(this.orgA.get("/squad?createdAtGt=" + firstCreated)))).containsExactly("new");
        assertThat(names(body(this.orgA.get("/squad?createdAtGe=" + firstCreated)))).containsExactly("new", "old");
        assertThat(names(body(this.orgA.get("/squad?createdAtLt=" + secondCreated)))).containsExactly("old");
        assertThat(names(body(this.orgA.get("/squad?createdAtLe=" + firstCreated)))).containsExactly("old");
        assertThat(names(body(this.orgA.get("/squad?updatedAtGt=" + firstCreated)))).containsExactly("new");
        assertThat(this.orgA.get("/squad?createdAtGt=yesterday").statusCode()).isEqualTo(400);
    }

    @Test
    void createsQueuedCallsTypedByWhatTheyDialAndReportsSubscriptionLimits() {
        JsonNode outbound = body(this.orgA.json("POST", "/call",
                "{\"assistantId\":\"a1\",\"phoneNumberId\":\"p1\",\"customer\":{\"number\":\"+14155550123\"}}"));
        assertThat(outbound.get("status").asString()).isEqualTo("queued");
        assertThat(outbound.get("type").asString()).isEqualTo("outboundPhoneCall");
        assertThat(outbound.get("subscriptionLimits").get("concurrencyBlocked").asBoolean()).isFalse();
        assertThat(outbound.get("subscriptionLimits").get("concurrencyLimit").asInt()).isEqualTo(10);

        JsonNode web = body(this.orgA.json("POST", "/call", "{\"assistantId\":\"a2\"}"));
        assertThat(web.get("type").asString()).isEqualTo("webCall");
        assertThat(body(this.orgA.get("/call/" + web.get("id").asString())).has("subscriptionLimits")).isFalse();
    }

    @Test
    void filtersCallsByIdAssistantAndPhoneNumber() {
        String first = body(this.orgA.json("POST", "/call", "{\"name\":\"c1\",\"assistantId\":\"a1\",\"phoneNumberId\":\"p1\"}"))
            .get("id").asString();
        this.orgA.json("POST", "/call", "{\"name\":\"c2\",\"assistantId\":\"a2\",\"phoneNumberId\":\"p1\"}");

        assertThat(names(body(this.orgA.get("/call?assistantId=a1")))).containsExactly("c1");
        assertThat(names(body(this.orgA.get("/call?phoneNumberId=p1")))).containsExactly("c2", "c1");
        assertThat(names(body(this.orgA.get("/call?id=" + first)))).containsExactly("c1");
        assertThat(names(body(this.orgA.get("/call?assistantId=a1&phoneNumberId=p2")))).isEmpty();
    }

    @Test
    void answersMalformedJsonWithBadRequest() {
        HttpResponse<String> response = this.orgA.json("POST", "/assistant", "{\"name\":");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = body(response);
        assertThat(error.get("statusCode").asInt()).isEqualTo(400);
        assertThat(error.get("error").asString()).isEqualTo("Bad Request");
        assertThat(error.get("message").isString()).isTrue();
        assertThat(this.orgA.json("POST", "/assistant", "[1,2]").statusCode()).isEqualTo(400);
    }

    @Test
    void answersUnknownRouteWithNestJsNotFoundEvenWithoutKey() {
        HttpResponse<String> response = TestClient.anonymous(this.simulator).get("/foo");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"message\":\"Cannot GET /foo\",\"error\":\"Not Found\",\"statusCode\":404}");
        assertThat(body(this.orgA.json("PUT", "/assistant", "{}")).get("message").asString())
            .isEqualTo("Cannot PUT /assistant");
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(item -> names.add(item.get("name").asString()));
        return names;
    }
}

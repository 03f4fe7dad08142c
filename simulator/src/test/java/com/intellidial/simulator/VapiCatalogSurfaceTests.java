package com.intellidial.simulator;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static com.intellidial.simulator.TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;

/** The families the gateway's catalog allows beyond the voice basics: v2 campaigns, evals, eval runs, scorecards, responses. */
class VapiCatalogSurfaceTests {

    private Simulator simulator;

    private TestClient orgA;

    private TestClient orgB;

    @BeforeEach
    void start() {
        this.simulator = Simulator.start(SimulatorConfig.builder().vapiKey("key-a", "org-a").vapiKey("key-b", "org-b").build());
        this.orgA = TestClient.vapi(this.simulator, "key-a");
        this.orgB = TestClient.vapi(this.simulator, "key-b");
    }

    @AfterEach
    void stop() {
        this.simulator.close();
    }

    @ParameterizedTest
    @ValueSource(strings = { "/v2/campaign", "/eval", "/observability/scorecard" })
    void servesPaginatedCrudPerOrg(String path) {
        HttpResponse<String> created = this.orgA.json("POST", path, "{\"name\":\"x\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = body(created).get("id").asString();
        JsonNode page = body(this.orgA.get(path));
        assertThat(page.get("results")).hasSize(1);
        assertThat(page.get("metadata").get("totalItems").asInt()).isEqualTo(1);
        assertThat(body(this.orgB.get(path)).get("results")).isEmpty();
        assertThat(this.orgB.get(path + "/" + id).statusCode()).isEqualTo(404);
        assertThat(body(this.orgA.json("PATCH", path + "/" + id, "{\"name\":\"y\"}")).get("name").asString()).isEqualTo("y");
        assertThat(this.orgA.delete(path + "/" + id).statusCode()).isEqualTo(200);
        assertThat(this.orgA.get(path + "/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void runsAnEvalOfTheOrgOnly() {
        String eval = body(this.orgA.json("POST", "/eval", "{\"name\":\"e\"}")).get("id").asString();
        HttpResponse<String> run = this.orgA.json("POST", "/eval/run", "{\"evalId\":\"" + eval + "\"}");
        assertThat(run.statusCode()).isEqualTo(201);
        assertThat(body(run).get("status").asString()).isEqualTo("queued");
        String runId = body(run).get("id").asString();
        assertThat(body(this.orgA.get("/eval/run/" + runId)).get("evalId").asString()).isEqualTo(eval);
        assertThat(body(this.orgA.get("/eval/run")).get("results")).hasSize(1);
        assertThat(body(this.orgA.get("/eval")).get("results")).hasSize(1);
        assertThat(this.orgB.json("POST", "/eval/run", "{\"evalId\":\"" + eval + "\"}").statusCode()).isEqualTo(404);
        assertThat(this.orgA.delete("/eval/run/" + runId).statusCode()).isEqualTo(200);
    }

    @Test
    void answersChatResponsesAndCampaignContacts() {
        HttpResponse<String> response = this.orgA.json("POST", "/chat/responses", "{\"input\":\"hi\"}");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(body(response).get("object").asString()).isEqualTo("response");
        assertThat(this.orgA.json("POST", "/chat/responses", "{}").statusCode()).isEqualTo(400);
        String campaign = body(this.orgA.json("POST", "/v2/campaign",
                "{\"name\":\"c\",\"customers\":[{\"number\":\"+14155550100\"}]}")).get("id").asString();
        assertThat(body(this.orgA.get("/v2/campaign/" + campaign + "/contacts")).get("results")).hasSize(1);
        assertThat(this.orgB.get("/v2/campaign/" + campaign + "/contacts").statusCode()).isEqualTo(404);
    }
}

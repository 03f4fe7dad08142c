package com.intellidial.simulator;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static com.intellidial.simulator.TestClient.body;
import static org.assertj.core.api.Assertions.assertThat;

class VapiMoreFamiliesTests {

    private static final String BOUNDARY = "----simulator-test-boundary";

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

    @Test
    void uploadsMultipartFilesAndListsThemByRequiredPurpose() {
        HttpResponse<String> uploaded = upload(this.orgA, "faq.txt", "hello world", "knowledge-base-v2");
        assertThat(uploaded.statusCode()).isEqualTo(201);
        JsonNode file = body(uploaded);
        assertThat(file.get("object").asString()).isEqualTo("file");
        assertThat(file.get("name").asString()).isEqualTo("faq.txt");
        assertThat(file.get("bytes").asInt()).isEqualTo(11);
        assertThat(file.get("mimetype").asString()).isEqualTo("text/plain");
        assertThat(file.get("purpose").asString()).isEqualTo("knowledge-base-v2");
        assertThat(file.get("metadata").get("source").asString()).isEqualTo("test");
        assertThat(file.get("orgId").asString()).isEqualTo("org-a");

        assertThat(body(this.orgA.get("/file?purpose=knowledge-base-v2"))).hasSize(1);
        assertThat(body(this.orgA.get("/file?purpose=assistant"))).isEmpty();
        assertThat(body(this.orgB.get("/file?purpose=knowledge-base-v2"))).isEmpty();
        HttpResponse<String> withoutPurpose = this.orgA.get("/file");
        assertThat(withoutPurpose.statusCode()).isEqualTo(400);
        assertThat(body(withoutPurpose).get("message").get(0).asString()).contains("purpose");

        assertThat(this.orgA.json("POST", "/file", "{\"name\":\"x\"}").statusCode()).isEqualTo(400);
        String id = file.get("id").asString();
        assertThat(body(this.orgA.json("PATCH", "/file/" + id, "{\"name\":\"renamed\"}")).get("name").asString())
            .isEqualTo("renamed");
    }

    @Test
    void attachesListsAndDetachesKnowledgeBaseFiles() {
        String fileId = body(upload(this.orgA, "faq.txt", "hello", "knowledge-base-v2")).get("id").asString();
        String kb = body(this.orgA.json("POST", "/v2/knowledge-base", "{\"name\":\"kb\"}")).get("id").asString();
        String files = "/v2/knowledge-base/" + kb + "/file";

        HttpResponse<String> attached = this.orgA.json("POST", files, "{\"fileId\":\"" + fileId + "\"}");
        assertThat(attached.statusCode()).isEqualTo(201);
        JsonNode attachment = body(attached);
        assertThat(attachment.get("knowledgeBaseV2Id").asString()).isEqualTo(kb);
        assertThat(attachment.get("fileId").asString()).isEqualTo(fileId);
        assertThat(attachment.get("fileName").asString()).isEqualTo("faq.txt");
        assertThat(attachment.get("status").asString()).isEqualTo("ready");
        assertThat(body(this.orgA.get(files))).hasSize(1);
        assertThat(body(this.orgA.get("/v2/knowledge-base"))).hasSize(1);

        assertThat(this.orgA.json("POST", files, "{\"fileId\":\"missing\"}").statusCode()).isEqualTo(404);
        assertThat(this.orgB.get(files).statusCode()).isEqualTo(404);
        assertThat(this.orgB.json("POST", files, "{\"fileId\":\"" + fileId + "\"}").statusCode()).isEqualTo(404);

        HttpResponse<String> detached = this.orgA.delete(files + "/" + fileId);
        assertThat(detached.statusCode()).isEqualTo(200);
        assertThat(body(detached).get("fileId").asString()).isEqualTo(fileId);
        assertThat(body(this.orgA.get(files))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({ "/campaign, '{\"name\":\"c\",\"customers\":[{\"number\":\"+1\"}]}'",
            "/session, '{\"name\":\"s\"}'", "/chat, '{\"input\":\"hi\",\"name\":\"c\"}'",
            "/structured-output, '{\"name\":\"so\",\"schema\":{\"type\":\"string\"}}'" })
    void listsPaginatedFamiliesWithResultsAndMetadata(String family, String body) {
        for (int i = 0; i < 3; i++) {
            assertThat(this.orgA.json("POST", family, body).statusCode()).isEqualTo(201);
        }
        JsonNode page = body(this.orgA.get(family + "?limit=2&page=2"));
        assertThat(page.get("results")).hasSize(1);
        JsonNode metadata = page.get("metadata");
        assertThat(metadata.get("itemsPerPage").asInt()).isEqualTo(2);
        assertThat(metadata.get("totalItems").asInt()).isEqualTo(3);
        assertThat(metadata.get("currentPage").asInt()).isEqualTo(2);
        assertThat(metadata.get("totalPages").asInt()).isEqualTo(2);
        assertThat(body(this.orgB.get(family)).get("metadata").get("totalItems").asInt()).isZero();
    }

    @Test
    void fillsServerDefaultsAndRequiredFieldsPerFamily() {
        JsonNode campaign = body(this.orgA.json("POST", "/campaign", "{\"name\":\"c\",\"customers\":[{},{}]}"));
        assertThat(campaign.get("status").asString()).isEqualTo("scheduled");
        assertThat(campaign.get("callsCounterScheduled").asInt()).isEqualTo(2);
        assertThat(this.orgA.json("POST", "/campaign", "{}").statusCode()).isEqualTo(400);
        assertThat(body(this.orgA.json("POST", "/session", "{}")).get("status").asString()).isEqualTo("active");
        JsonNode chat = body(this.orgA.json("POST", "/chat", "{\"input\":\"hello\"}"));
        assertThat(chat.get("messages").get(0).get("content").asString()).isEqualTo("hello");
        assertThat(chat.get("output").get(0).get("role").asString()).isEqualTo("assistant");
        assertThat(this.orgA.json("POST", "/structured-output", "{\"name\":\"x\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void chatsCannotBePatched() {
        String id = body(this.orgA.json("POST", "/chat", "{\"input\":\"hello\"}")).get("id").asString();
        HttpResponse<String> response = this.orgA.json("PATCH", "/chat/" + id, "{}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(body(response).get("message").asString()).isEqualTo("Cannot PATCH /chat/" + id);
        assertThat(this.orgA.delete("/chat/" + id).statusCode()).isEqualTo(200);
    }

    @Test
    void listsPhoneNumbersPaginatedAtV2OverTheSameStore() {
        this.orgA.json("POST", "/phone-number", "{\"provider\":\"vapi\",\"name\":\"n1\"}");
        this.orgA.json("POST", "/phone-number", "{\"provider\":\"vapi\",\"name\":\"n2\"}");
        JsonNode page = body(this.orgA.get("/v2/phone-number?limit=1"));
        assertThat(page.get("results").get(0).get("name").asString()).isEqualTo("n2");
        assertThat(page.get("metadata").get("totalItems").asInt()).isEqualTo(2);
        assertThat(this.orgA.json("POST", "/v2/phone-number", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void createsOneCallPerCustomerInABatch() {
        HttpResponse<String> response = this.orgA.json("POST", "/call", "{\"assistantId\":\"a1\",\"phoneNumberId\":\"p1\","
                + "\"customers\":[{\"number\":\"+14155550001\"},{\"number\":\"+14155550002\"}]}");
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode batch = body(response);
        assertThat(batch.get("results")).hasSize(2);
        assertThat(batch.get("errors")).isEmpty();
        assertThat(batch.get("subscriptionLimits").get("remainingConcurrentCalls").asInt()).isEqualTo(8);
        JsonNode first = batch.get("results").get(0);
        assertThat(first.get("customer").get("number").asString()).isEqualTo("+14155550001");
        assertThat(first.get("type").asString()).isEqualTo("outboundPhoneCall");
        assertThat(first.has("customers")).isFalse();
        assertThat(body(this.orgA.get("/call"))).hasSize(2);
        assertThat(this.orgA.json("POST", "/call", "{\"customers\":[]}").statusCode()).isEqualTo(400);
    }

    private static HttpResponse<String> upload(TestClient client, String filename, String content, String purpose) {
        String body = "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + content + "\r\n"
                + "--" + BOUNDARY + "\r\n" + "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n"
                + "--" + BOUNDARY + "\r\n" + "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n"
                + "{\"source\":\"test\"}\r\n" + "--" + BOUNDARY + "--\r\n";
        return client.send(client.request("/file")
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .POST(BodyPublishers.ofString(body)));
    }
}

package com.intellidial.gateway.isolation;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.intellidial.gateway.catalog.BodyShape;
import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.EndpointCatalog;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The body walker on the real VAPI catalog: which references it finds, what it rewrites, what it refuses. */
class RequestBodyWalkerTests {

    private static final EndpointCatalog CATALOG = EndpointCatalog.forUpstream("vapi");

    private static final String HOOK = "https://gw.example/webhooks/vapi/acme";

    private static final String CREDENTIAL = "cred-platform-webhook";

    private final RequestBodyWalker walker = new RequestBodyWalker(name -> CATALOG.shape(name).orElse(null));

    static Stream<Arguments> references() {
        return Stream.of(
                Arguments.of("vapi.call.create", "{\"assistantId\":\"a1\",\"phoneNumberId\":\"p1\"}",
                        Map.of("assistantId", "assistant:a1", "phoneNumberId", "phone-number:p1")),
                Arguments.of("vapi.assistant.create", "{\"model\":{\"toolIds\":[\"t1\",\"t2\"]}}",
                        Map.of("model.toolIds[0]", "tool:t1", "model.toolIds[1]", "tool:t2")),
                Arguments.of("vapi.assistant.update", "{\"model\":{\"toolRefs\":[{\"toolId\":\"t1\"}]},"
                        + "\"hooks\":[{\"do\":[{\"toolId\":\"t2\"}]}]}",
                        Map.of("model.toolRefs[0].toolId", "tool:t1", "hooks[0].do[0].toolId", "tool:t2")),
                Arguments.of("vapi.squad.create", "{\"members\":[{\"assistantId\":\"a1\",\"assistantDestinations\":"
                        + "[{\"assistantId\":\"a2\"}]},{\"assistant\":{\"model\":{\"toolIds\":[\"t1\"]}}}]}",
                        Map.of("members[0].assistantId", "assistant:a1",
                                "members[0].assistantDestinations[0].assistantId", "assistant:a2",
                                "members[1].assistant.model.toolIds[0]", "tool:t1")),
                // A handoff tool inside an assistant inside a squad inside a call: recursion through shapes.
                Arguments.of("vapi.call.create", "{\"squadId\":\"s0\",\"squad\":{\"members\":[{\"assistant\":{\"model\":"
                        + "{\"tools\":[{\"type\":\"handoff\",\"destinations\":[{\"squad\":{\"members\":[{\"assistantId\":"
                        + "\"deep\"}]}}]}]}}}]}}",
                        Map.of("squadId", "squad:s0", "phoneNumberId", "phone-number:default",
                                "squad.members[0].assistant.model.tools[0].destinations[0].squad.members[0].assistantId",
                                "assistant:deep")),
                Arguments.of("vapi.call.create", "{\"assistant\":{},\"customers\":[{\"number\":\"+1\"},"
                        + "{\"assistantOverrides\":{\"model\":{\"toolIds\":[\"t9\"]}}}]}",
                        Map.of("phoneNumberId", "phone-number:default",
                                "customers[1].assistantOverrides.model.toolIds[0]", "tool:t9")),
                Arguments.of("vapi.campaign.create", "{\"dialPlan\":[{\"phoneNumberId\":\"p1\"},{\"phoneNumberId\":\"p2\"}]}",
                        Map.of("dialPlan[0].phoneNumberId", "phone-number:p1", "dialPlan[1].phoneNumberId", "phone-number:p2")),
                Arguments.of("vapi.knowledge-base.file-attach", "{\"fileId\":\"f1\"}", Map.of("fileId", "file:f1")),
                Arguments.of("vapi.tool.create", "{\"type\":\"query\",\"knowledgeBases\":[{\"fileIds\":[\"f1\"]}]}",
                        Map.of("knowledgeBases[0].fileIds[0]", "file:f1")),
                Arguments.of("vapi.assistant.create", "{\"model\":{\"toolIds\":null},\"name\":\"x\"}", Map.of()));
    }

    @ParameterizedTest
    @MethodSource
    void references(String entryId, String body, Map<String, String> expected) {
        RequestBodyWalker.Walk walk = walk(entryId, body);
        Map<String, String> found = new java.util.LinkedHashMap<>();
        walk.references().forEach(ref -> found.put(ref.field(), ref.type() + ":" + ref.value()));
        assertThat(found).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void replacesEachReferenceWithTheResolvedId() {
        ObjectNode body = StrictJson.readRequest("{\"model\":{\"toolIds\":[\"alias-1\",\"t2\"]},\"name\":\"x\"}".getBytes());
        RequestBodyWalker.Walk walk = this.walker.walk(entry("vapi.assistant.create"), body, HOOK, CREDENTIAL);
        walk.references().forEach(ref -> ref.replace().accept("up-" + ref.value()));
        assertThat(body.get("model").toString()).isEqualTo("{\"toolIds\":[\"up-alias-1\",\"up-t2\"]}");
    }

    @Test
    void fillsDefaultsOnlyWhenTheTenantChoseNothing() {
        assertThat(walk("vapi.call.create", "{}").references()).extracting(RequestBodyWalker.Reference::field)
            .containsExactlyInAnyOrder("assistantId", "phoneNumberId");
        assertThat(walk("vapi.call.create", "{}").references()).allMatch(RequestBodyWalker.Reference::fallback);
        for (String chosen : List.of("{\"assistant\":{}}", "{\"squadId\":\"s\"}", "{\"squad\":{}}", "{\"workflowId\":\"w\"}")) {
            assertThat(walk("vapi.call.create", chosen).references()).extracting(RequestBodyWalker.Reference::field)
                .as(chosen).doesNotContain("assistantId");
        }
        assertThat(walk("vapi.call.create", "{\"assistantId\":\"a\"}").references())
            .filteredOn(ref -> ref.field().equals("assistantId")).singleElement()
            .satisfies(ref -> assertThat(ref.fallback()).isFalse());
    }

    @Test
    void removesADefaultThatResolvesToNothing() {
        ObjectNode body = StrictJson.readRequest("{}".getBytes());
        this.walker.walk(entry("vapi.call.create"), body, HOOK, CREDENTIAL).references().forEach(ref -> ref.replace().accept(null));
        assertThat(body.toString()).isEqualTo("{}");
    }

    @Test
    void rewritesWebhookUrlsAndKeepsTheOriginals() {
        ObjectNode body = StrictJson.readRequest(("{\"server\":{\"url\":\"https://t.example/a\"},\"model\":{\"tools\":"
                + "[{\"type\":\"function\",\"server\":{\"url\":\"https://t.example/tool\"}}]},"
                + "\"voice\":{\"fallbackPlan\":{\"voices\":[{\"server\":{\"url\":\"https://t.example/v\"}}]}}}").getBytes());
        RequestBodyWalker.Walk walk = this.walker.walk(entry("vapi.assistant.create"), body, HOOK, CREDENTIAL);
        assertThat(walk.originalUrls()).containsExactlyInAnyOrderEntriesOf(Map.of("server.url", "https://t.example/a",
                "model.tools[0].server.url", "https://t.example/tool",
                "voice.fallbackPlan.voices[0].server.url", "https://t.example/v"));
        assertThat(body.toString()).doesNotContain("t.example").contains(HOOK, CREDENTIAL);
    }

    static Stream<Arguments> credentialIds() {
        return Stream.of(Arguments.of("vapi.assistant.create", "{\"server\":{\"url\":\"https://t.example/a\"}}",
                List.of("/server")),
                Arguments.of("vapi.assistant.update", "{\"server\":{\"url\":\"https://t.example/a\"},\"voice\":"
                        + "{\"fallbackPlan\":{\"voices\":[{\"server\":{\"url\":\"https://t.example/v\"}}]}}}",
                        List.of("/server", "/voice/fallbackPlan/voices/0/server")),
                Arguments.of("vapi.assistant.create", "{\"model\":{\"tools\":[{\"type\":\"function\",\"server\":"
                        + "{\"url\":\"https://t.example/tool\"}},{\"type\":\"transferCall\",\"destinations\":"
                        + "[{\"server\":{\"url\":\"https://t.example/d\"}}]}]}}",
                        // The assistant itself gets the gateway's server, so its calls are reported.
                        List.of("/server", "/model/tools/0/server", "/model/tools/1/destinations/0/server")),
                Arguments.of("vapi.call.create", "{\"assistant\":"
                        + "{\"server\":{\"url\":\"https://t.example/a\"}},\"squad\":{\"members\":[{\"assistant\":"
                        + "{\"server\":{\"url\":\"https://t.example/m\"}}}]}}",
                        List.of("/assistant/server", "/squad/members/0/assistant/server")),
                Arguments.of("vapi.campaign.create", "{\"server\":{\"url\":\"https://t.example/c\"}}", List.of("/server")),
                Arguments.of("vapi.phone-number.create", "{\"provider\":\"vapi\",\"server\":{\"url\":\"" + HOOK + "\"}}",
                        List.of("/server")),
                Arguments.of("vapi.tool.update", "{\"server\":{\"url\":\"https://t.example/t\"}}", List.of("/server")),
                Arguments.of("vapi.assistant.create", "{\"server\":{\"url\":null},\"name\":\"x\"}", List.of("/server")),
                Arguments.of("vapi.assistant.update", "{\"name\":\"x\"}", List.of()),
                Arguments.of("vapi.call.create", "{\"assistantId\":\"a\",\"assistantOverrides\":{\"server\":{}}}",
                        List.of("/assistantOverrides/server")));
    }

    @ParameterizedTest
    @MethodSource
    void credentialIds(String entryId, String json, List<String> servers) {
        ObjectNode body = StrictJson.readRequest(json.getBytes());
        this.walker.walk(entry(entryId), body, HOOK, CREDENTIAL);
        for (String server : servers) {
            assertThat(body.at(server + "/url").stringValue()).as(server).isEqualTo(HOOK);
            assertThat(body.at(server + "/credentialId").stringValue()).as(server).isEqualTo(CREDENTIAL);
        }
        assertThat(body.toString().split(CREDENTIAL, -1)).hasSize(servers.size() + 1);
    }

    static Stream<Arguments> forcesTheMeteredServerMessages() {
        return Stream.of(Arguments.of("vapi.assistant.create", "{\"serverMessages\":[]}", "/serverMessages"),
                Arguments.of("vapi.assistant.update", "{\"serverMessages\":[\"hang\"]}", "/serverMessages"),
                Arguments.of("vapi.assistant.update", "{\"serverMessages\":null}", "/serverMessages"),
                Arguments.of("vapi.call.create", "{\"assistantOverrides\":{\"serverMessages\":[]}}",
                        "/assistantOverrides/serverMessages"),
                Arguments.of("vapi.call.create", "{\"squad\":{\"members\":[{\"assistant\":{\"serverMessages\":[]}}]}}",
                        "/squad/members/0/assistant/serverMessages"),
                Arguments.of("vapi.squad.create", "{\"membersOverrides\":{\"serverMessages\":[]}}",
                        "/membersOverrides/serverMessages"));
    }

    @ParameterizedTest
    @MethodSource
    void forcesTheMeteredServerMessages(String entryId, String json, String list) {
        ObjectNode body = StrictJson.readRequest(json.getBytes());
        this.walker.walk(entry(entryId), body, HOOK, CREDENTIAL);
        List<String> types = new java.util.ArrayList<>();
        body.at(list).forEach(type -> types.add(type.stringValue()));
        assertThat(types).contains("end-of-call-report", "status-update");
    }

    @Test
    void setsNoCredentialIdWhenNoneIsConfigured() {
        ObjectNode body = StrictJson.readRequest("{\"server\":{\"url\":\"https://t.example/a\"}}".getBytes());
        this.walker.walk(entry("vapi.assistant.create"), body, HOOK, null);
        assertThat(body.toString()).isEqualTo("{\"server\":{\"url\":\"" + HOOK + "\"}}");
    }

    /** A read-modify-write sends back what VAPI answered: the gateway's own URL and credential id. */
    @Test
    void theGatewaysOwnCredentialSentBackIsAcceptedAndNoOtherIs() {
        ObjectNode echoed = StrictJson.readRequest(("{\"server\":{\"url\":\"" + HOOK + "\",\"credentialId\":\"" + CREDENTIAL
                + "\"},\"model\":{\"tools\":[{\"type\":\"function\",\"server\":{\"url\":\"https://t.example/tool\","
                + "\"credentialId\":\"" + CREDENTIAL + "\"}}]}}").getBytes());
        RequestBodyWalker.Walk walk = this.walker.walk(entry("vapi.assistant.update"), echoed, HOOK, CREDENTIAL);
        assertThat(walk.originalUrls()).as("the gateway's URL is not the tenant's own")
            .containsExactlyEntriesOf(Map.of("model.tools[0].server.url", "https://t.example/tool"));
        assertThat(echoed.at("/server/credentialId").stringValue()).isEqualTo(CREDENTIAL);
        assertThat(echoed.at("/model/tools/0/server/credentialId").stringValue()).isEqualTo(CREDENTIAL);

        for (String json : List.of("{\"server\":{\"url\":\"https://t.example/a\",\"credentialId\":\"cred-of-someone\"}}",
                "{\"server\":{\"url\":\"https://t.example/a\",\"credentialId\":[\"" + CREDENTIAL + "\"]}}")) {
            assertThatThrownBy(() -> walk("vapi.assistant.update", json)).as(json)
                .isInstanceOfSatisfying(GatewayException.class, ex -> assertThat(ex.type()).isEqualTo(ProblemType.MALFORMED_REQUEST))
                .hasMessageContaining("server.credentialId");
        }
        ObjectNode noneConfigured = StrictJson.readRequest(("{\"server\":{\"url\":\"" + HOOK + "\",\"credentialId\":\""
                + CREDENTIAL + "\"}}").getBytes());
        assertThatThrownBy(() -> this.walker.walk(entry("vapi.assistant.update"), noneConfigured, HOOK, null))
            .as("with no credential configured there is nothing to echo").isInstanceOf(GatewayException.class);
    }

    /**
     * The credentialId the gateway sets is one a tenant can never set, nor override with an
     * {@code Authorization} in {@code server.headers}: both are forbidden next to every webhook URL.
     */
    @Test
    void everyWebhookUrlsCredentialIdAndHeadersAreForbidden() {
        List<BodyShape> shapes = new java.util.ArrayList<>();
        CATALOG.entries().forEach(entry -> shapes.add(entry.body()));
        for (CatalogEntry entry : CATALOG.entries()) {
            if (entry.bodyShape() != null) {
                shapes.add(CATALOG.shape(entry.bodyShape()).orElseThrow());
            }
        }
        for (String name : List.of("assistant", "tool", "squad", "customer")) {
            shapes.add(CATALOG.shape(name).orElseThrow());
        }
        int checked = 0;
        for (BodyShape shape : shapes) {
            List<String> forbidden = shape.forbiddenFields().stream().map(Object::toString).toList();
            for (var url : shape.webhookUrls()) {
                assertThat(url.toString()).endsWith(".url");
                String server = url.toString().substring(0, url.toString().length() - "url".length());
                assertThat(forbidden).as(url.toString())
                    .contains(server + RequestBodyWalker.CREDENTIAL_ID, server + "headers");
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void leavesTheGatewaysOwnUrlAlone() {
        assertThat(walk("vapi.phone-number.update", "{\"server\":{\"url\":\"" + HOOK + "\"}}").webhookUrls()).isEmpty();
    }

    static Stream<Arguments> refusals() {
        return Stream.of(Arguments.of("vapi.assistant.create", "{\"credentialIds\":[\"c\"]}", "credentialIds"),
                Arguments.of("vapi.assistant.create", "{\"credentials\":null}", "credentials"),
                Arguments.of("vapi.assistant.create", "{\"server\":{\"credentialId\":\"c\"}}", "server.credentialId"),
                Arguments.of("vapi.assistant.create", "{\"server\":{\"headers\":{\"Authorization\":\"x\"}}}",
                        "server.headers"),
                Arguments.of("vapi.call.create", "{\"assistant\":{\"voice\":{\"server\":{\"headers\":{}}}}}",
                        "assistant.voice.server.headers"),
                Arguments.of("vapi.tool.create", "{\"destinations\":[{\"server\":{\"headers\":{}}}]}",
                        "destinations[0].server.headers"),
                Arguments.of("vapi.call.create", "{\"phoneNumber\":{}}", "phoneNumber"),
                Arguments.of("vapi.call.create", "{\"assistant\":{\"credentialIds\":[]}}", "assistant.credentialIds"),
                Arguments.of("vapi.call.create", "{\"workflow\":{}}", "workflow"),
                Arguments.of("vapi.call.create", "{\"assistantId\":[\"a\"]}", "assistantId"),
                Arguments.of("vapi.call.create", "{\"assistantId\":{\"id\":\"a\"}}", "assistantId"),
                Arguments.of("vapi.call.create", "{\"assistantId\":7}", "assistantId"),
                Arguments.of("vapi.squad.create", "{\"members\":{\"assistantId\":\"a\"}}", "members"),
                Arguments.of("vapi.squad.create", "{\"members\":[\"a\"]}", "members[0]"),
                Arguments.of("vapi.assistant.create", "{\"model\":\"gpt\"}", "model"),
                Arguments.of("vapi.assistant.create", "{\"model\":{\"toolIds\":\"t1\"}}", "model.toolIds"),
                Arguments.of("vapi.assistant.create", "{\"model\":{\"toolIds\":[{\"id\":\"t1\"}]}}", "model.toolIds[0]"),
                Arguments.of("vapi.call.create", "{\"assistant\":\"a\"}", "assistant"),
                Arguments.of("vapi.assistant.create", "{\"server\":{\"url\":{\"href\":\"x\"}}}", "server.url"));
    }

    @ParameterizedTest
    @MethodSource
    void refusals(String entryId, String body, String field) {
        assertThatExceptionOfType(GatewayException.class).isThrownBy(() -> walk(entryId, body))
            .satisfies(ex -> {
                assertThat(ex.type()).isEqualTo(ProblemType.MALFORMED_REQUEST);
                assertThat(ex.extensions()).containsEntry("field", field);
            });
    }

    @Test
    void stripsOrgIdWhereverAShapeApplies() {
        ObjectNode body = StrictJson.readRequest(
                "{\"orgId\":\"o\",\"assistant\":{\"orgId\":\"o\",\"name\":\"n\"},\"metadata\":{\"orgId\":\"mine\"}}".getBytes());
        this.walker.walk(entry("vapi.call.create"), body, HOOK, CREDENTIAL);
        assertThat(body.has("orgId")).isFalse();
        assertThat(body.get("assistant").has("orgId")).isFalse();
        assertThat(body.get("metadata").get("orgId").stringValue()).as("free-form metadata is the tenant's").isEqualTo("mine");
    }

    @Test
    void decodesUnicodeEscapedKeysBeforeApplyingRules() {
        ObjectNode body = StrictJson.readRequest("{\"\\u006frgId\":\"o\",\"\\u0061ssistantId\":\"a1\"}".getBytes());
        RequestBodyWalker.Walk walk = this.walker.walk(entry("vapi.call.create"), body, HOOK, CREDENTIAL);
        assertThat(body.has("orgId")).isFalse();
        assertThat(walk.references()).extracting(RequestBodyWalker.Reference::value).contains("a1");
    }

    static Stream<String> malformed() {
        return Stream.of("{\"assistantId\":\"a\",\"assistantId\":\"b\"}", "{\"a\":{\"x\":1,\"x\":2}}",
                "{\"assistantId\":\"a\",\"\\u0061ssistantId\":\"b\"}", "[1]", "\"x\"", "{", "{} {}", "{\"a\":1}x",
                "[".repeat(100_000), "{\"a\":".repeat(StrictJson.MAX_DEPTH + 1) + "1" + "}".repeat(StrictJson.MAX_DEPTH + 1),
                "{\"a\":\"" + "x".repeat(StrictJson.MAX_STRING_LENGTH + 1) + "\"}");
    }

    @ParameterizedTest
    @MethodSource
    void malformed(String body) {
        assertThatExceptionOfType(GatewayException.class).isThrownBy(() -> StrictJson.readRequest(body.getBytes()))
            .satisfies(ex -> assertThat(ex.type()).isEqualTo(ProblemType.MALFORMED_REQUEST));
    }

    @Test
    void walksHugeArraysInOnePass() {
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            ids.append((i == 0) ? "" : ",").append("\"t").append(i).append('"');
        }
        RequestBodyWalker.Walk walk = walk("vapi.assistant.create", "{\"model\":{\"toolIds\":[" + ids + "]}}");
        assertThat(walk.references()).hasSize(50_000);
        assertThat(walk.references().get(49_999).field()).isEqualTo("model.toolIds[49999]");
    }

    private RequestBodyWalker.Walk walk(String entryId, String json) {
        return this.walker.walk(entry(entryId), StrictJson.readRequest(json.getBytes()), HOOK, CREDENTIAL);
    }

    private static CatalogEntry entry(String id) {
        return CATALOG.entry(id).orElseThrow();
    }
}

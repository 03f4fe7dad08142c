package com.intellidial.gateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CatalogMatcherTests {

    private static CatalogMatcher matcher;

    @BeforeAll
    static void loadFixture() throws IOException {
        try (InputStream yaml = new ClassPathResource("catalog-fixtures/matcher.yaml").getInputStream()) {
            matcher = EndpointCatalog.parse("t", yaml).matcher();
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            GET    | /assistant                            | t.assistant.list       | -
            POST   | /assistant                            | t.assistant.create     | -
            GET    | /assistant/asst_9f3-A                 | t.assistant.get        | id=asst_9f3-A
            GET    | /call/c1                              | t.call.get             | id=c1
            GET    | /call/c1/mono-recording               | t.call.mono-recording  | id=c1
            GET    | /v2/call                              | t.call.v2-list         | -
            DELETE | /v2/knowledge-base/kb1/file/f2        | t.kb.file-detach       | id=kb1,fileId=f2
            GET    | /eval/e1                              | t.eval.get             | id=e1
            GET    | /eval/run                             | t.eval.run-list        | -
            GET    | /eval/run/r1                          | t.eval.run-get         | id=r1
            GET    | /reporting/board/default/metrics-overview | t.board.metrics    | -
            GET    | /reporting/board/default              | t.board.get            | id=default
            GET    | /thing/lit/tail                       | t.thing.by-id-tail     | id=lit
            GET    | /thing/lit/other                      | t.thing.literal-other  | -
            GET    | /assistant/%61bc                      | t.assistant.get        | id=abc
            GET    | /%61ssistant                          | t.assistant.list       | -
            """)
    void matchesEntryAndExtractsDecodedVariables(String method, String path, String id, String variables) {
        CatalogMatch match = matcher.match(HttpMethod.valueOf(method), path).orElseThrow();
        assertThat(match.entry().id()).isEqualTo(id);
        assertThat(match.pathVariables()).isEqualTo(parse(variables));
    }

    @Test
    void literalSegmentBeatsTemplateAtTheSamePosition() {
        assertThat(matcher.match(HttpMethod.GET, "/eval/run").orElseThrow().entry().id()).isEqualTo("t.eval.run-list");
        assertThat(matcher.match(HttpMethod.GET, "/eval/runs").orElseThrow().entry().id()).isEqualTo("t.eval.get");
    }

    @ParameterizedTest(name = "GET {0} -> no match")
    @ValueSource(strings = { "", "assistant", "/", "/Assistant", "/ASSISTANT", "/assistant/", "//assistant",
            "/assistant//", "/assistant/a/", "/assistant//a", "/./assistant", "/assistant/.", "/assistant/..",
            "/assistant/../call/c1", "/call/c1/../../assistant", "/assistant;x=1", "/assistant/a;jsessionid=1",
            "/assistant/a%2Fb", "/assistant/a%2fb", "/assistant/%2e%2e", "/call/c1%2Fmono-recording",
            "/assistant/a%252Fb", "/assistant/%2561", "/assistant/a%", "/assistant/a%4", "/assistant/a%zz",
            "/assistant/a%00", "/assistant/a b", "/assistant/a%20b", "/assistant/a+b", "/assistant/a.b",
            "/assistant/a?x=1", "/assistant/a#f", "/assistant/%C3%A9", "/assistant/é", "/assistant/a\\b",
            "/assistant/a%5Cb", "/unknown", "/assistant/a/b", "/call", "/v2/knowledge-base/kb1/file",
            "/eval/run/r1/extra", "/vapi/assistant" })
    void rejectsPathTricksAndUnknownPaths(String path) {
        assertThat(matcher.match(HttpMethod.GET, path)).isEmpty();
    }

    @Test
    void rejectsIdLongerThan128Characters() {
        assertThat(matcher.match(HttpMethod.GET, "/assistant/" + "a".repeat(128))).isPresent();
        assertThat(matcher.match(HttpMethod.GET, "/assistant/" + "a".repeat(129))).isEmpty();
    }

    @Test
    void rejectsOverlongPathWithoutScanningIt() {
        assertThat(matcher.match(HttpMethod.GET, "/assistant/" + "a/".repeat(2000))).isEmpty();
    }

    @ParameterizedTest(name = "{0} /assistant/a -> no match")
    @ValueSource(strings = { "DELETE", "PUT", "HEAD", "OPTIONS", "TRACE" })
    void matchesMethodExactly(String method) {
        assertThat(matcher.match(HttpMethod.valueOf(method), "/assistant/a")).isEmpty();
    }

    @Test
    void expandsTemplateFromValidatedVariablesOnly() {
        CatalogEntry detach = matcher.match(HttpMethod.DELETE, "/v2/knowledge-base/kb1/file/f2").orElseThrow().entry();
        assertThat(detach.expandPath(Map.of("id", "kb_9", "fileId", "f-1"))).isEqualTo("/v2/knowledge-base/kb_9/file/f-1");
        assertThatIllegalArgumentException().isThrownBy(() -> detach.expandPath(Map.of("id", "kb_9")));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> detach.expandPath(Map.of("id", "../org", "fileId", "f")));
    }

    private static Map<String, String> parse(String variables) {
        if (variables == null) {
            return Map.of();
        }
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String pair : variables.split(",")) {
            String[] parts = pair.split("=", 2);
            parsed.put(parts[0], parts[1]);
        }
        return parsed;
    }
}

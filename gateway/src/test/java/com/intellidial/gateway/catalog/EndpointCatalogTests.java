package com.intellidial.gateway.catalog;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointCatalogTests {

    private static final String HEADER = """
            resource-types: [assistant, call, file, knowledge-base, phone-number]
            shapes:
              inline-assistant:
                refs: { "model.toolIds[]": file }
                webhook-urls: [server.url]
            """;

    private static final String CALL_CREATE = """
              - id: t.call.create
                method: POST
                path: /call
                access: allow
                resource: call
                creates: call
                creates-batch: true
                refs: { assistantId: assistant, phoneNumberId: phone-number, "squad.members[].assistantId": assistant }
                webhook-urls: [assistant.server.url]
                forbidden-fields: [assistant.credentialIds]
                embeds: { assistant: inline-assistant }
                defaults:
                  phoneNumberId: default
                  assistantId: { alias: default, unless-present: [assistant, squad] }
                buffer-body: true
            """;

    @Test
    void parsesEveryEntryField() {
        EndpointCatalog catalog = parse(HEADER + "entries:\n" + CALL_CREATE + """
                  - { id: t.file.list, method: GET, path: /file, access: allow, resource: file, lists: file, list-shape: array, query-refs: { id: file } }
                  - { id: t.file.upload, method: POST, path: /file, access: allow, resource: file, creates: file, content-type: multipart }
                  - { id: t.kb.detach, method: DELETE, path: "/v2/knowledge-base/{id}/file/{fileId}", access: allow, resource: knowledge-base, path-params: { id: knowledge-base, fileId: file }, deletes: file }
                  - { id: t.org.get, method: GET, path: "/org/{id}", access: deny, reason: org-level }
                """);

        CatalogEntry create = catalog.entry("t.call.create").orElseThrow();
        assertThat(create.method()).isEqualTo(HttpMethod.POST);
        assertThat(create.creates()).isEqualTo("call");
        assertThat(create.createsBatch()).isTrue();
        assertThat(create.body().refs()).containsEntry(FieldPath.parse("squad.members[].assistantId"), "assistant");
        assertThat(create.body().webhookUrls()).containsExactly(FieldPath.parse("assistant.server.url"));
        assertThat(create.body().forbiddenFields()).containsExactly(FieldPath.parse("assistant.credentialIds"));
        assertThat(create.body().embeds()).containsEntry(FieldPath.parse("assistant"), "inline-assistant");
        assertThat(create.defaults()).containsExactly(
                new CatalogEntry.FieldDefault(FieldPath.parse("phoneNumberId"), "default", List.of()),
                new CatalogEntry.FieldDefault(FieldPath.parse("assistantId"), "default",
                        List.of(FieldPath.parse("assistant"), FieldPath.parse("squad"))));
        assertThat(create.bufferBody()).isTrue();
        assertThat(catalog.entry("t.file.list").orElseThrow().listShape()).isEqualTo(CatalogEntry.ListShape.ARRAY);
        assertThat(catalog.entry("t.file.upload").orElseThrow().contentType())
            .isEqualTo(CatalogEntry.ContentType.MULTIPART);
        assertThat(catalog.entry("t.kb.detach").orElseThrow().pathParams())
            .containsExactly(Map.entry("id", "knowledge-base"), Map.entry("fileId", "file"));
        assertThat(catalog.entry("t.org.get").orElseThrow().allowed()).isFalse();
        assertThat(catalog.shape("inline-assistant").orElseThrow().webhookUrls())
            .containsExactly(FieldPath.parse("server.url"));
        assertThat(catalog.matcher().match(HttpMethod.GET, "/org/o1").orElseThrow().entry().id()).isEqualTo("t.org.get");
    }

    @Test
    void parsesAllowedValuesNamesAndNameRefs() {
        EndpointCatalog catalog = parse("""
                resource-types: [phone-number, squad]
                shapes:
                  team:
                    names: ["members[].assistant.name"]
                    name-refs: ["members[].assistantDestinations[].assistantName"]
                entries:
                  - id: t.phone-number.create
                    method: POST
                    path: /phone-number
                    access: allow
                    resource: phone-number
                    creates: phone-number
                    allowed-values: { provider: [vapi] }
                    buffer-body: true
                  - { id: t.squad.create, method: POST, path: /squad, access: allow, resource: squad, creates: squad, body-shape: team, buffer-body: true }
                """);
        assertThat(catalog.entry("t.phone-number.create").orElseThrow().body().allowedValues())
            .containsExactly(Map.entry(FieldPath.parse("provider"), List.of("vapi")));
        BodyShape team = catalog.shape("team").orElseThrow();
        assertThat(team.names()).containsExactly(FieldPath.parse("members[].assistant.name"));
        assertThat(team.nameRefs()).containsExactly(FieldPath.parse("members[].assistantDestinations[].assistantName"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            allowed-values without a value | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, allowed-values: { provider: [] }, buffer-body: true } | lists no value
            allowed and forbidden | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, allowed-values: { provider: [vapi] }, forbidden-fields: [provider], buffer-body: true } | is both forbidden and rewritten or checked
            duplicate id | { id: t.a.get, method: GET, path: /assistant, access: allow, resource: assistant }, { id: t.a.get, method: POST, path: /assistant, access: allow, resource: assistant } | entry t.a.get: duplicate id
            duplicate method and path | { id: t.a.one, method: GET, path: "/assistant/{id}", access: allow, resource: assistant, path-params: { id: assistant } }, { id: t.a.two, method: GET, path: "/assistant/{x}", access: allow, resource: assistant, path-params: { x: assistant } } | entry t.a.two: GET /assistant/{x} is already declared by t.a.one
            id without upstream prefix | { id: other.a.get, method: GET, path: /assistant, access: allow, resource: assistant } | entry other.a.get: id must start with 't.'
            unknown resource type | { id: t.a.get, method: GET, path: /assistant, access: allow, resource: robot } | entry t.a.get resource: unknown resource type 'robot'
            unknown ref type | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, refs: { toolId: tool }, buffer-body: true } | entry t.a.make refs.toolId: unknown resource type 'tool'
            unknown query-ref type | { id: t.a.list, method: GET, path: /assistant, access: allow, resource: assistant, query-refs: { toolId: tool } } | entry t.a.list query-refs.toolId: unknown resource type 'tool'
            unmapped path variable | { id: t.a.get, method: GET, path: "/assistant/{id}", access: allow, resource: assistant } | entry t.a.get: path-params [] must map exactly the path variables [id]
            extra path param | { id: t.a.get, method: GET, path: /assistant, access: allow, resource: assistant, path-params: { id: assistant } } | entry t.a.get: path-params [id] must map exactly the path variables []
            unknown key | { id: t.a.get, method: GET, path: /assistant, access: allow, resource: assistant, ref: { a: assistant } } | entry t.a.get: unknown key 'ref'
            unknown access | { id: t.a.get, method: GET, path: /assistant, access: maybe, resource: assistant } | entry t.a.get: 'maybe' is not one of [allow, deny]
            lower-case method | { id: t.a.get, method: get, path: /assistant, access: allow, resource: assistant } | entry t.a.get: method get is not one of
            deny without reason | { id: t.a.get, method: GET, path: /assistant, access: deny } | entry t.a.get: a denied entry needs a reason
            deny with rules | { id: t.a.get, method: GET, path: /assistant, access: deny, reason: org-level, resource: assistant } | entry t.a.get: a denied entry is never forwarded
            buffer-body missing | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, refs: { toolId: assistant } } | entry t.a.make: buffer-body must be true
            buffer-body needless | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, buffer-body: true } | entry t.a.make: buffer-body must be false
            lists without shape | { id: t.a.list, method: GET, path: /assistant, access: allow, resource: assistant, lists: assistant } | entry t.a.list: lists and list-shape go together
            creates on GET | { id: t.a.list, method: GET, path: /assistant, access: allow, resource: assistant, creates: assistant } | entry t.a.list: creates is only valid on POST, not GET
            default without ref | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, defaults: { phoneNumberId: default }, buffer-body: true } | entry t.a.make: default for 'phoneNumberId' needs a refs entry
            unknown shape | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, body-shape: nope, buffer-body: true } | entry t.a.make body-shape: unknown shape 'nope'
            bad field path | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, refs: { "a..b": assistant }, buffer-body: true } | entry t.a.make: invalid field path 'a..b'
            bad path template | { id: t.a.get, method: GET, path: "/assistant/{id", access: allow, resource: assistant } | entry t.a.get: path '/assistant/{id': bad segment '{id'
            dot segment in template | { id: t.a.get, method: GET, path: /assistant/.., access: allow, resource: assistant } | entry t.a.get: path '/assistant/..': bad segment '..'
            places-calls on GET | { id: t.a.list, method: GET, path: /assistant, access: allow, resource: assistant, places-calls: { callees: [ customer ] } } | entry t.a.list: places-calls is only valid on POST or PATCH
            places-calls without callees | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, places-calls: { caller-ids: [ from ] } } | entry t.a.make: places-calls needs at least one callee path
            places-calls unknown key | { id: t.a.make, method: POST, path: /assistant, access: allow, resource: assistant, places-calls: { callees: [ to ], calee: [ x ] } } | entry t.a.make places-calls: unknown key 'calee'
            places-calls on a denied entry | { id: t.a.make, method: POST, path: /assistant, access: deny, reason: "org-level", places-calls: { callees: [ to ] } } | entry t.a.make: a denied entry is never forwarded
            """)
    void rejectsInvalidEntryWithClearMessage(String problem, String entries, String message) {
        assertThatIllegalStateException().isThrownBy(() -> parse("resource-types: [assistant]\nentries: [" + entries + "]"))
            .withMessageStartingWith("invalid endpoint catalog 't'")
            .withMessageContaining(message);
    }

    @Test
    void listsEveryProblemAtOnce() {
        assertThatIllegalStateException().isThrownBy(() -> parse("""
                resource-types: [assistant, assistant]
                shapes:
                  unused: { webhook-urls: [server.url] }
                typo: 1
                entries:
                  - { id: t.a.get, method: GET, path: /assistant, access: allow, resource: robot }
                  - { id: t.a.get, method: GET, path: /assistant, access: allow, resource: assistant }
                """))
            .withMessageContaining("(6 problems)")
            .withMessageContaining("document: unknown key 'typo'")
            .withMessageContaining("resource-types: 'assistant' is malformed or listed twice")
            .withMessageContaining("shape unused: never used")
            .withMessageContaining("entry t.a.get resource: unknown resource type 'robot'")
            .withMessageContaining("entry t.a.get: duplicate id")
            .withMessageContaining("entry t.a.get: GET /assistant is already declared by t.a.get");
    }

    @Test
    void rejectsDuplicateYamlKeys() {
        assertThatThrownBy(() -> parse("""
                resource-types: [assistant]
                entries:
                  - { id: t.a.get, id: t.a.other, method: GET, path: /assistant, access: allow, resource: assistant }
                """)).hasMessageContaining("duplicate key id");
    }

    @Test
    void loadsTheVapiCatalogByUpstreamNameAndByScanning() {
        EndpointCatalog vapi = EndpointCatalog.forUpstream("vapi");
        assertThat(vapi.upstream()).isEqualTo("vapi");
        assertThat(vapi.resourceTypes()).contains("assistant", "phone-number", "knowledge-base");
        assertThat(vapi.entries()).isNotEmpty().allSatisfy((entry) -> assertThat(entry.id()).startsWith("vapi."));
        assertThat(EndpointCatalog.loadAll()).containsKey("vapi");
    }

    @Test
    void refusesUnknownOrMalformedUpstreamNames() {
        assertThatIllegalStateException().isThrownBy(() -> EndpointCatalog.forUpstream("nosuchupstream"))
            .withMessageContaining("no endpoint catalog for upstream 'nosuchupstream'");
        assertThatIllegalArgumentException().isThrownBy(() -> EndpointCatalog.forUpstream("../secrets"))
            .withMessageContaining("invalid upstream name");
    }

    private static EndpointCatalog parse(String yaml) {
        return EndpointCatalog.parse("t", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}

package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.gateway.isolation.VapiClient.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VAPI isolation end to end against the simulator and PostgreSQL: every family works for its owner,
 * every cross-tenant reference (path, query, body, nested) is a 404 that never reaches VAPI, lists
 * show only owned items, aliases and defaults resolve, webhook URLs are rewritten.
 */
@GatewayIntegrationTest
class VapiIsolationIntegrationTests {

    private static final String CREDENTIAL_ID = TestInfrastructure.VAPI_WEBHOOK_CREDENTIAL_ID;

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    WebhookTargets webhookTargets;

    @Autowired
    WebhooksProperties webhooks;

    @Autowired
    LocalSecretStore secrets;

    VapiClient vapi;

    @BeforeEach
    void client() {
        this.vapi = new VapiClient(this.client);
    }

    TestTenant shared(String prefix) {
        return this.tenants.create(prefix, VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
    }

    @Test
    void ownerCanCreateReadUpdateListAndDeleteEveryFamily() {
        TestTenant acme = shared("iso-crud");
        record Family(String path, String create, String update) {
        }
        List<Family> families = List.of(new Family("/assistant", "{\"name\":\"a\"}", "{\"name\":\"b\"}"),
                new Family("/squad", "{\"name\":\"s\",\"members\":[]}", "{\"name\":\"s2\"}"),
                new Family("/tool", "{\"type\":\"function\"}", "{\"async\":true}"),
                new Family("/phone-number", "{\"provider\":\"vapi\"}", "{\"name\":\"front\"}"),
                new Family("/campaign", "{\"name\":\"c\"}", "{\"name\":\"c2\"}"),
                new Family("/session", "{\"name\":\"s\"}", "{\"name\":\"s2\"}"),
                new Family("/structured-output", "{\"name\":\"o\",\"schema\":{\"type\":\"string\"}}", "{\"name\":\"o2\"}"),
                new Family("/v2/knowledge-base", "{\"name\":\"kb\"}", "{\"name\":\"kb2\"}"),
                new Family("/v2/campaign", "{\"name\":\"c\"}", "{\"name\":\"c2\"}"),
                new Family("/eval", "{\"name\":\"e\"}", "{\"name\":\"e2\"}"),
                new Family("/observability/scorecard", "{\"name\":\"sc\"}", "{\"name\":\"sc2\"}"));
        for (Family family : families) {
            String id = this.vapi.create(acme, family.path(), family.create());
            assertThat(this.vapi.get(acme, family.path() + "/" + id).status()).as(family.path()).isEqualTo(200);
            Reply updated = this.vapi.patch(acme, family.path() + "/" + id, family.update());
            assertThat(updated.status()).as(family.path() + " update " + updated).isEqualTo(200);
            assertThat(listedIds(this.vapi.get(acme, family.path()))).as(family.path()).contains(id);
            assertThat(this.vapi.delete(acme, family.path() + "/" + id).status()).as(family.path()).isEqualTo(200);
            Reply gone = this.vapi.get(acme, family.path() + "/" + id);
            assertThat(gone.status()).as(family.path()).isEqualTo(404);
            assertThat(gone.forwarded()).as("a forgotten id is not forwarded").isFalse();
        }
        String eval = this.vapi.create(acme, "/eval", "{\"name\":\"e\"}");
        String run = this.vapi.create(acme, "/eval/run", "{\"evalId\":\"" + eval + "\"}");
        assertThat(this.vapi.get(acme, "/eval/run/" + run).status()).isEqualTo(200);
        assertThat(listedIds(this.vapi.get(acme, "/eval/run"))).containsExactly(run);
        assertThat(this.vapi.delete(acme, "/eval/run/" + run).status()).isEqualTo(200);
        String campaign = this.vapi.create(acme, "/v2/campaign", "{\"name\":\"c\",\"customers\":[{\"number\":\"+14155550100\"}]}");
        assertThat(this.vapi.get(acme, "/v2/campaign/" + campaign + "/contacts").status()).isEqualTo(200);
        assertThat(this.vapi.post(acme, "/chat/responses", "{\"input\":\"hi\"}").status()).isEqualTo(201);
        String chat = this.vapi.create(acme, "/chat", "{\"input\":\"hello\"}");
        assertThat(this.vapi.get(acme, "/chat/" + chat).status()).isEqualTo(200);
        assertThat(listedIds(this.vapi.get(acme, "/chat"))).contains(chat);
        assertThat(this.vapi.delete(acme, "/chat/" + chat).status()).isEqualTo(200);
    }

    @Test
    void anotherTenantsIdIsNotFoundInThePathAndNeverForwarded() {
        TestTenant acme = shared("iso-path-a");
        TestTenant globex = shared("iso-path-b");
        String assistant = this.vapi.create(acme, "/assistant", "{\"name\":\"acme\"}");
        String call = this.vapi.create(acme, "/call", "{\"assistantId\":\"" + assistant + "\"}");
        List<Reply> attempts = List.of(this.vapi.get(globex, "/assistant/" + assistant),
                this.vapi.patch(globex, "/assistant/" + assistant, "{\"name\":\"mine\"}"),
                this.vapi.delete(globex, "/assistant/" + assistant), this.vapi.get(globex, "/call/" + call),
                this.vapi.get(globex, "/call/" + call + "/mono-recording"),
                this.vapi.patch(globex, "/call/" + call, "{\"name\":\"x\"}"));
        Reply unknown = this.vapi.get(globex, "/assistant/00000000-0000-0000-0000-000000000000");
        for (Reply attempt : attempts) {
            assertThat(attempt.status()).as(attempt.toString()).isEqualTo(404);
            assertThat(attempt.forwarded()).as(attempt.toString()).isFalse();
            assertThat(attempt.json().get("type").stringValue()).isEqualTo(unknown.json().get("type").stringValue());
            assertThat(attempt.body()).doesNotContainIgnoringCase("forbidden").doesNotContainIgnoringCase("owner");
        }
        assertThat(this.vapi.get(acme, "/assistant/" + assistant).json().get("name").stringValue()).isEqualTo("acme");
    }

    @Test
    void anotherTenantsIdInTheBodyOrQueryIsNotFoundNamingTheField() {
        TestTenant acme = shared("iso-ref-a");
        TestTenant globex = shared("iso-ref-b");
        String assistant = this.vapi.create(acme, "/assistant", "{\"name\":\"acme\"}");
        String tool = this.vapi.create(acme, "/tool", "{\"type\":\"function\"}");
        String number = this.vapi.create(acme, "/phone-number", "{\"provider\":\"vapi\"}");
        String file = this.vapi.create(globex, "/assistant", "{\"name\":\"own\"}");
        String acmeEval = this.vapi.create(acme, "/eval", "{\"name\":\"e\"}");
        String globexEval = this.vapi.create(globex, "/eval", "{\"name\":\"e\"}");
        record Attempt(String path, String body, String field) {
        }
        List<Attempt> attempts = List.of(new Attempt("/call", "{\"assistantId\":\"" + assistant + "\"}", "assistantId"),
                new Attempt("/call", "{\"assistantId\":\"" + file + "\",\"phoneNumberId\":\"" + number + "\"}",
                        "phoneNumberId"),
                new Attempt("/assistant", "{\"model\":{\"toolIds\":[\"" + tool + "\"]}}", "model.toolIds[0]"),
                new Attempt("/squad", "{\"members\":[{\"assistantId\":\"" + file + "\"},{\"assistantId\":\"" + assistant
                        + "\"}]}", "members[1].assistantId"),
                new Attempt("/call", "{\"squad\":{\"members\":[{\"assistant\":{\"model\":{\"toolIds\":[\"" + tool
                        + "\"]}}}]}}", "squad.members[0].assistant.model.toolIds[0]"),
                new Attempt("/call", "{\"assistant\":{\"model\":{\"tools\":[{\"type\":\"handoff\",\"destinations\":"
                        + "[{\"type\":\"assistant\",\"assistantId\":\"" + assistant + "\"}]}]}}}",
                        "assistant.model.tools[0].destinations[0].assistantId"),
                new Attempt("/call", "{\"assistantId\":\"" + file + "\",\"customers\":[{\"number\":\"+14155550100\","
                        + "\"assistantOverrides\":{\"model\":{\"toolIds\":[\"" + tool + "\"]}}}]}",
                        "customers[0].assistantOverrides.model.toolIds[0]"),
                new Attempt("/phone-number", "{\"provider\":\"vapi\",\"assistantId\":\"" + assistant + "\"}", "assistantId"),
                new Attempt("/session", "{\"assistantId\":\"" + assistant + "\"}", "assistantId"),
                new Attempt("/chat", "{\"input\":\"hi\",\"assistantId\":\"" + assistant + "\"}", "assistantId"),
                new Attempt("/campaign", "{\"name\":\"c\",\"dialPlan\":[{\"phoneNumberId\":\"" + number + "\"}]}",
                        "dialPlan[0].phoneNumberId"),
                new Attempt("/chat/responses", "{\"input\":\"hi\",\"assistantId\":\"" + assistant + "\"}", "assistantId"),
                new Attempt("/eval/run", "{\"evalId\":\"" + acmeEval + "\"}", "evalId"),
                new Attempt("/eval/run", "{\"evalId\":\"" + globexEval + "\",\"target\":{\"assistantId\":\"" + assistant
                        + "\"}}", "target.assistantId"),
                new Attempt("/observability/scorecard", "{\"assistantIds\":[\"" + file + "\",\"" + assistant + "\"]}",
                        "assistantIds[1]"),
                new Attempt("/structured-output", "{\"name\":\"o\",\"schema\":{},\"assistantIds\":[\"" + assistant + "\"]}",
                        "assistantIds[0]"));
        for (Attempt attempt : attempts) {
            Reply reply = this.vapi.post(globex, attempt.path(), attempt.body());
            assertThat(reply.status()).as(attempt + " -> " + reply).isEqualTo(404);
            assertThat(reply.json().get("field").stringValue()).as(attempt.toString()).isEqualTo(attempt.field());
            assertThat(reply.forwarded()).as(attempt.toString()).isFalse();
        }
        for (String query : List.of("/call?assistantId=" + assistant, "/call?phoneNumberId=" + number,
                "/session?assistantIdAny=" + file + "," + assistant, "/call?assistantId=" + file + "&assistantId=" + assistant)) {
            Reply reply = this.vapi.get(globex, query);
            assertThat(reply.status()).as(query).isEqualTo(404);
            assertThat(reply.forwarded()).as(query).isFalse();
        }
        assertThat(this.vapi.get(globex, "/call?assistantId=" + file).status()).isEqualTo(200);
    }

    @Test
    void listsShowOnlyTheTenantsOwnItemsInBothShapes() {
        TestTenant acme = shared("iso-list-a");
        TestTenant globex = shared("iso-list-b");
        List<String> acmeAssistants = new ArrayList<>();
        List<String> acmeSessions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            acmeAssistants.add(this.vapi.create(acme, "/assistant", "{\"name\":\"a" + i + "\"}"));
            acmeSessions.add(this.vapi.create(acme, "/session", "{\"name\":\"s" + i + "\"}"));
        }
        String globexAssistant = this.vapi.create(globex, "/assistant", "{\"name\":\"g\"}");
        String globexSession = this.vapi.create(globex, "/session", "{\"name\":\"g\"}");
        assertThat(listedIds(this.vapi.get(acme, "/assistant"))).containsExactlyInAnyOrderElementsOf(acmeAssistants);
        assertThat(listedIds(this.vapi.get(globex, "/assistant"))).containsExactly(globexAssistant);
        assertThat(listedIds(this.vapi.get(acme, "/assistant?limit=2"))).hasSize(2);
        Reply sessions = this.vapi.get(acme, "/session?limit=2");
        assertThat(listedIds(sessions)).hasSize(2).isSubsetOf(acmeSessions);
        JsonNode metadata = sessions.json().get("metadata");
        // The tenant's own count: its three sessions, in pages of two.
        assertThat(metadata.get("totalItems").asInt()).isEqualTo(3);
        assertThat(metadata.get("itemsPerPage").asInt()).isEqualTo(2);
        assertThat(metadata.get("totalPages").asInt()).isEqualTo(2);
        assertThat(listedIds(this.vapi.get(globex, "/session"))).containsExactly(globexSession);
        assertThat(this.vapi.get(globex, "/session").json().get("metadata").get("totalItems").asInt()).isEqualTo(1);
        assertThat(this.vapi.get(acme, "/v2/phone-number").json().get("results")).isEmpty();
        assertThat(this.vapi.get(acme, "/assistant").body()).doesNotContain(globexAssistant)
            .doesNotContain(TestUpstream.PLATFORM_ORG);
    }

    @Test
    void aliasesAndDefaultsResolveToTheTenantsOwnResources() {
        TestTenant acme = shared("iso-alias-a");
        TestTenant globex = shared("iso-alias-b");
        String frontDesk = this.vapi.create(acme, "/assistant", "{\"name\":\"front desk\"}",
                GatewayHeaders.RESOURCE_ALIAS, "default");
        String collections = this.vapi.create(acme, "/assistant", "{\"name\":\"collections\"}",
                GatewayHeaders.RESOURCE_ALIAS, "collections-bot");
        String number = this.vapi.create(acme, "/phone-number", "{\"provider\":\"vapi\"}", GatewayHeaders.RESOURCE_ALIAS,
                "default");
        this.vapi.create(globex, "/assistant", "{\"name\":\"globex\"}", GatewayHeaders.RESOURCE_ALIAS, "default");

        Reply defaulted = this.vapi.post(acme, "/call", "{\"customer\":{\"number\":\"+14155550100\"}}");
        assertThat(defaulted.status()).isEqualTo(201);
        assertThat(defaulted.upstreamJson().get("assistantId").stringValue()).isEqualTo(frontDesk);
        assertThat(defaulted.upstreamJson().get("phoneNumberId").stringValue()).isEqualTo(number);

        Reply named = this.vapi.post(acme, "/call", "{\"assistantId\":\"collections-bot\"}");
        assertThat(named.upstreamJson().get("assistantId").stringValue()).isEqualTo(collections);
        Reply squadCall = this.vapi.post(acme, "/call", "{\"squad\":{\"members\":[{\"assistantId\":\"default\"}]}}");
        assertThat(squadCall.upstreamJson().has("assistantId")).as("no default next to a squad").isFalse();
        assertThat(squadCall.upstreamJson().get("squad").get("members").get(0).get("assistantId").stringValue())
            .isEqualTo(frontDesk);

        Reply byAlias = this.vapi.get(acme, "/assistant/collections-bot");
        assertThat(byAlias.status()).isEqualTo(200);
        assertThat(byAlias.upstream().path()).isEqualTo("/assistant/" + collections);
        assertThat(this.vapi.get(globex, "/assistant/collections-bot").status()).isEqualTo(404);

        TestTenant bare = shared("iso-alias-c");
        Reply noDefaults = this.vapi.post(bare, "/call", "{\"customer\":{\"number\":\"+14155550100\"}}");
        assertThat(noDefaults.upstreamJson().has("assistantId")).isFalse();
        assertThat(noDefaults.upstreamJson().has("phoneNumberId")).isFalse();

        String other = this.vapi.create(acme, "/assistant", "{\"name\":\"new default\"}");
        assertThat(this.vapi.send(acme, org.springframework.http.HttpMethod.PATCH, "/assistant/" + other, "{}",
                GatewayHeaders.RESOURCE_ALIAS, "default").status()).isEqualTo(200);
        assertThat(this.vapi.get(acme, "/assistant/default").json().get("id").stringValue()).isEqualTo(other);
        assertThat(this.vapi.post(acme, "/assistant", "{}", GatewayHeaders.RESOURCE_ALIAS, "Not An Alias").status())
            .isEqualTo(400);
    }

    @Test
    void webhookUrlsAreRewrittenAndTheTenantsOwnAreKept() {
        TestTenant acme = shared("iso-hook");
        Reply created = this.vapi.post(acme, "/assistant",
                "{\"server\":{\"url\":\"https://acme.example/vapi\"},\"voice\":{\"provider\":\"custom-voice\","
                        + "\"server\":{\"url\":\"https://acme.example/voice\"}}}");
        assertThat(created.status()).isEqualTo(201);
        String gatewayUrl = this.webhooks.tenantUrl("vapi", acme.id());
        JsonNode upstream = created.upstreamJson();
        assertThat(upstream.get("server").get("url").stringValue()).isEqualTo(gatewayUrl);
        assertThat(upstream.get("voice").get("server").get("url").stringValue()).isEqualTo(gatewayUrl);
        // VAPI authenticates to the gateway with the platform's webhook credential, named next to each URL.
        assertThat(upstream.get("server").get("credentialId").stringValue()).isEqualTo(CREDENTIAL_ID);
        assertThat(upstream.get("voice").get("server").get("credentialId").stringValue()).isEqualTo(CREDENTIAL_ID);
        String id = created.json().get("id").stringValue();
        assertThat(this.webhookTargets.tenantUrl(acme.id(), "assistant", id).block()).isEqualTo("https://acme.example/vapi");
        Reply updated = this.vapi.patch(acme, "/assistant/" + id, "{\"server\":{\"url\":\"https://acme.example/v2\"},"
                + "\"model\":{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"tools\":[{\"type\":\"function\","
                + "\"server\":{\"url\":\"https://acme.example/tool\"}}]}}");
        assertThat(updated.upstreamJson().get("server").get("credentialId").stringValue()).isEqualTo(CREDENTIAL_ID);
        assertThat(updated.upstreamJson().at("/model/tools/0/server/credentialId").stringValue()).isEqualTo(CREDENTIAL_ID);
        assertThat(updated.upstreamJson().at("/model/tools/0/server/url").stringValue()).isEqualTo(gatewayUrl);
        assertThat(this.webhookTargets.tenantUrl(acme.id(), "assistant", id).block()).isEqualTo("https://acme.example/v2");
        Reply number = this.vapi.post(acme, "/phone-number",
                "{\"provider\":\"vapi\",\"server\":{\"url\":\"https://acme.example/number\"}}");
        assertThat(number.upstreamJson().get("server").get("url").stringValue()).isEqualTo(gatewayUrl);
        assertThat(number.upstreamJson().get("server").get("credentialId").stringValue()).isEqualTo(CREDENTIAL_ID);
        assertThat(this.webhookTargets.tenantUrl(acme.id(), "phone-number", number.json().get("id").stringValue()).block())
            .isEqualTo("https://acme.example/number");
        assertThat(this.webhookTargets.tenantUrl("someone-else", "assistant", id).blockOptional()).isEmpty();
    }

    @Test
    void whatAGetAnsweredCanBeSentBackInAPatch() {
        TestTenant acme = shared("iso-hook-roundtrip");
        Reply created = this.vapi.post(acme, "/assistant", "{\"name\":\"a\",\"server\":{\"url\":\"https://acme.example/own\"}}");
        String id = created.json().get("id").stringValue();
        JsonNode server = this.vapi.get(acme, "/assistant/" + id).json().get("server");
        assertThat(server.get("credentialId").stringValue()).isEqualTo(CREDENTIAL_ID);

        Reply patched = this.vapi.patch(acme, "/assistant/" + id, "{\"name\":\"b\",\"server\":" + server + "}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.upstreamJson().at("/server/url").stringValue()).isEqualTo(this.webhooks.tenantUrl("vapi", acme.id()));
        assertThat(patched.upstreamJson().at("/server/credentialId").stringValue()).isEqualTo(CREDENTIAL_ID);
        assertThat(this.webhookTargets.tenantUrl(acme.id(), "assistant", id).block())
            .as("sending back the gateway's URL keeps the tenant's own").isEqualTo("https://acme.example/own");

        Reply other = this.vapi.patch(acme, "/assistant/" + id,
                "{\"server\":{\"url\":\"https://acme.example/own\",\"credentialId\":\"cred-somebody-else\"}}");
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().get("field").stringValue()).isEqualTo("server.credentialId");
    }

    @Test
    void dedicatedOrgsGetTheWebhookCredentialOfTheirOwnOrgNeverThePlatforms() {
        TestTenant without = this.tenants.create("iso-hook-dedicated", VapiMode.DEDICATED_ORG, TelephonyMode.VAPI_NUMBER);
        Reply created = this.vapi.post(without, "/assistant", "{\"server\":{\"url\":\"https://own.example/vapi\"}}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.upstreamJson().get("server").get("url").stringValue())
            .isEqualTo(this.webhooks.tenantUrl("vapi", without.id()));
        assertThat(created.upstreamJson().get("server").has("credentialId"))
            .as("the platform's credential does not exist in the tenant's own org").isFalse();

        TestTenant with = this.tenants.create("iso-hook-own-cred", VapiMode.DEDICATED_ORG, TelephonyMode.VAPI_NUMBER);
        this.secrets.put(SecretPath.tenantVapi(with.id()),
                Map.of("api_key", with.vapiKey(), "webhook_credential_id", "cred-in-" + with.id()));
        Reply own = this.vapi.post(with, "/assistant", "{\"server\":{\"url\":\"https://own.example/vapi\"},"
                + "\"model\":{\"tools\":[{\"type\":\"function\",\"server\":{\"url\":\"https://own.example/tool\"}}]}}");
        assertThat(own.status()).isEqualTo(201);
        assertThat(own.upstreamJson().at("/server/credentialId").stringValue()).isEqualTo("cred-in-" + with.id());
        assertThat(own.upstreamJson().at("/model/tools/0/server/credentialId").stringValue())
            .isEqualTo("cred-in-" + with.id());
        assertThat(own.upstreamJson().toString()).doesNotContain(CREDENTIAL_ID);
        Reply forged = this.vapi.post(with, "/assistant", "{\"server\":{\"url\":\"https://own.example/vapi\","
                + "\"credentialId\":\"cred-in-" + without.id() + "\"}}");
        assertThat(forged.status()).as("a tenant never names a credential itself").isEqualTo(400);
    }

    @Test
    void forbiddenFieldsAreRefusedAndOrgIdIsStrippedBothWays() {
        TestTenant acme = shared("iso-forbid");
        Reply credential = this.vapi.post(acme, "/assistant", "{\"credentialIds\":[\"x\"]}");
        assertThat(credential.status()).isEqualTo(400);
        assertThat(credential.json().get("field").stringValue()).isEqualTo("credentialIds");
        assertThat(credential.forwarded()).isFalse();
        Reply phone = this.vapi.post(acme, "/call", "{\"phoneNumber\":{\"twilioAccountSid\":\"AC1\"}}");
        assertThat(phone.status()).isEqualTo(400);
        assertThat(phone.forwarded()).isFalse();
        Reply org = this.vapi.post(acme, "/assistant", "{\"name\":\"x\",\"orgId\":\"org-1\"}");
        assertThat(org.status()).isEqualTo(201);
        assertThat(org.upstream().bodyAsString()).doesNotContain("orgId");
        assertThat(org.json().has("orgId")).isFalse();
        assertThat(this.vapi.get(acme, "/assistant/" + org.json().get("id").stringValue()).json().has("orgId")).isFalse();
    }

    @Test
    void everyCallOfABatchBecomesTheTenants() {
        TestTenant acme = shared("iso-batch-a");
        TestTenant globex = shared("iso-batch-b");
        String assistant = this.vapi.create(acme, "/assistant", "{}");
        Reply batch = this.vapi.post(acme, "/call", "{\"assistantId\":\"" + assistant
                + "\",\"customers\":[{\"number\":\"+14155550101\"},{\"number\":\"+14155550102\"}]}");
        assertThat(batch.status()).isEqualTo(201);
        List<String> calls = new ArrayList<>();
        batch.json().get("results").forEach(call -> calls.add(call.get("id").stringValue()));
        assertThat(calls).hasSize(2);
        for (String call : calls) {
            assertThat(this.vapi.get(acme, "/call/" + call).status()).isEqualTo(200);
            assertThat(this.vapi.get(globex, "/call/" + call).status()).isEqualTo(404);
        }
        assertThat(listedIds(this.vapi.get(acme, "/call?assistantId=" + assistant))).containsExactlyInAnyOrderElementsOf(calls);
        assertThat(listedIds(this.vapi.get(globex, "/call"))).doesNotContainAnyElementsOf(calls);
    }

    @Test
    void uploadedFilesAndKnowledgeBaseAttachmentsAreScoped() {
        TestTenant acme = shared("iso-file-a");
        TestTenant globex = shared("iso-file-b");
        String file = upload(acme, 5);
        String globexFile = upload(globex, 5);
        assertThat(upload(acme, 3 * 1024 * 1024)).as("uploads have their own, larger cap").isNotBlank();
        assertThat(this.vapi.get(acme, "/file/" + file).status()).isEqualTo(200);
        assertThat(this.vapi.get(globex, "/file/" + file).status()).isEqualTo(404);
        assertThat(listedIds(this.vapi.get(acme, "/file?purpose=knowledge-base-v2"))).contains(file).hasSize(2);
        String kb = this.vapi.create(acme, "/v2/knowledge-base", "{\"name\":\"faq\"}");
        String globexKb = this.vapi.create(globex, "/v2/knowledge-base", "{\"name\":\"faq\"}");
        assertThat(this.vapi.post(acme, "/v2/knowledge-base/" + kb + "/file", "{\"fileId\":\"" + file + "\"}").status())
            .isEqualTo(201);
        assertThat(this.vapi.get(acme, "/v2/knowledge-base/" + kb + "/file").json()).hasSize(1);
        Reply foreignFile = this.vapi.post(globex, "/v2/knowledge-base/" + globexKb + "/file", "{\"fileId\":\"" + file + "\"}");
        assertThat(foreignFile.status()).isEqualTo(404);
        assertThat(foreignFile.json().get("field").stringValue()).isEqualTo("fileId");
        assertThat(foreignFile.forwarded()).isFalse();
        assertThat(this.vapi.post(globex, "/v2/knowledge-base/" + kb + "/file", "{\"fileId\":\"" + globexFile + "\"}")
            .status()).isEqualTo(404);
        assertThat(this.vapi.get(globex, "/v2/knowledge-base/" + kb + "/file").status()).isEqualTo(404);
        assertThat(this.vapi.delete(globex, "/v2/knowledge-base/" + kb + "/file/" + file).status()).isEqualTo(404);
        assertThat(this.vapi.delete(acme, "/v2/knowledge-base/" + kb + "/file/" + file).status()).isEqualTo(200);
        Reply json = this.vapi.post(acme, "/file", "{}");
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.forwarded()).isFalse();
    }

    @Test
    void dedicatedOrgTenantsGetTheSameRules() {
        TestTenant acme = this.tenants.create("iso-ded-a");
        TestTenant globex = this.tenants.create("iso-ded-b");
        String assistant = this.vapi.create(acme, "/assistant", "{\"name\":\"a\"}", GatewayHeaders.RESOURCE_ALIAS, "default");
        Reply call = this.vapi.post(acme, "/call", "{}");
        assertThat(call.status()).isEqualTo(201);
        assertThat(call.upstreamJson().get("assistantId").stringValue()).isEqualTo(assistant);
        assertThat(call.upstream().header("Authorization")).isEqualTo("Bearer " + acme.vapiKey());
        assertThat(call.json().get("orgId").stringValue()).as("a dedicated org is the tenant's own").isEqualTo(acme.vapiOrg());
        Reply foreign = this.vapi.get(globex, "/assistant/" + assistant);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.forwarded()).isFalse();
        assertThat(listedIds(this.vapi.get(acme, "/assistant"))).containsExactly(assistant);
    }

    @Test
    void unknownAndDeniedEndpointsAreNotFoundAndNeverForwarded() {
        TestTenant acme = shared("iso-deny");
        for (Reply reply : List.of(this.vapi.post(acme, "/analytics", "{\"queries\":[]}"), this.vapi.get(acme, "/org"),
                this.vapi.get(acme, "/credential"), this.vapi.get(acme, "/reporting/board"),
                this.vapi.get(acme, "/eval/simulation"), this.vapi.get(acme, "/logs"), this.vapi.get(acme, ""),
                this.vapi.get(acme, "/provider/x/y"))) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
            assertThat(reply.forwarded()).isFalse();
        }
    }

    private String upload(TestTenant tenant, int bytes) {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part("file", new ByteArrayResource(new byte[bytes]) {
            @Override
            public String getFilename() {
                return "faq.txt";
            }
        }).contentType(MediaType.TEXT_PLAIN);
        parts.part("purpose", "knowledge-base-v2");
        byte[] body = this.client.post().uri("/vapi/file")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .contentType(MediaType.MULTIPART_FORM_DATA)
            .body(BodyInserters.fromMultipartData(parts.build()))
            .exchange()
            .expectStatus().isCreated()
            .expectBody().returnResult().getResponseBody();
        return VapiClient.JSON.readTree(body).get("id").stringValue();
    }

    static List<String> listedIds(Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode json = reply.json();
        JsonNode items = json.isArray() ? json : json.get("results");
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.get("id").stringValue()));
        return ids;
    }

    /**
     * VAPI answers a tenant's create with an object another tenant owns (an idempotent replay, an
     * upstream bug): the ownership upsert writes nothing, so the answer must not reach the caller.
     */
    @Test
    void aCreateAnsweredWithAnotherTenantsObjectFailsClosed() {
        TestTenant acme = shared("iso-claim-a");
        TestTenant globex = shared("iso-claim-b");
        String acmes = this.vapi.create(acme, "/assistant", "{\"name\":\"acme-secret-prompt\"}");
        String requestId = "iso-claim-" + UUID.randomUUID();
        TestUpstream.simulator().faults().answer(requestId, 201,
                "{\"id\":\"" + acmes + "\",\"name\":\"acme-secret-prompt\",\"orgId\":\"" + TestUpstream.PLATFORM_ORG + "\"}");
        String body = this.client.post().uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + globex.apiKey())
            .header("X-Request-Id", requestId)
            .header("X-Gateway-Alias", "default")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"name\":\"mine\"}")
            .exchange()
            .expectStatus().isEqualTo(502)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).doesNotContain("acme-secret-prompt").doesNotContain(acmes);
        assertThat(TestUpstream.anyReceived(requestId)).as("the create did reach VAPI").isTrue();
        assertThat(this.vapi.get(globex, "/assistant/" + acmes).status()).isEqualTo(404);
        assertThat(this.vapi.get(globex, "/assistant/default").status()).as("no alias moved").isEqualTo(404);
        assertThat(this.vapi.get(acme, "/assistant/" + acmes).status()).isEqualTo(200);
    }
}

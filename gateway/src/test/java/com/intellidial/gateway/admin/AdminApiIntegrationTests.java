package com.intellidial.gateway.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API end to end: tenants and their keys from creation to offboarding, who may call
 * what (every admin route walked with no token, a tenant key, a viewer, an expired and a revoked
 * admin token), 400 problems naming the field, and the audit log (one row per call, tampering found).
 */
@GatewayIntegrationTest
class AdminApiIntegrationTests {

    private static final String ADMIN = TestInfrastructure.ADMIN_TOKEN;

    @Autowired
    WebTestClient web;

    @Autowired
    TestTenants tenants;

    @Autowired
    DatabaseClient database;

    @Autowired
    ApplicationContext context;

    AdminClient admin;

    @BeforeEach
    void client() {
        this.admin = new AdminClient(this.web);
    }

    @Test
    void aTenantGoesFromCreationThroughKeyRotationSuspensionAndOffboarding() {
        String id = "life-" + suffix();
        AdminClient.Reply created = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants",
                "{\"id\":\"" + id + "\",\"name\":\"Lifecycle Inc\",\"vapiMode\":\"shared-org\",\"telephonyMode\":\"vapi-number\","
                        + "\"webhookUrl\":\"https://life.example/hooks\",\"budgets\":{\"callsPerDay\":100}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("status").stringValue()).isEqualTo("active");
        assertThat(created.json().at("/budgets/callsPerDay").intValue()).isEqualTo(100);
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants",
                "{\"id\":\"" + id + "\",\"name\":\"Again\"}").status()).as("ids are unique").isEqualTo(409);

        AdminClient.Reply issued = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/keys",
                "{\"label\":\"production\"}");
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String first = issued.json().get("secret").stringValue();
        String firstId = issued.json().at("/key/keyId").stringValue();
        assertThat(vapi(first)).isEqualTo(200);

        AdminClient.Reply listed = this.admin.send(ADMIN, HttpMethod.GET, "/admin/v1/tenants/" + id + "/keys", null);
        assertThat(listed.body()).contains(firstId).contains("production").doesNotContain(first)
            .doesNotContain(first.substring(first.lastIndexOf('_') + 1)).doesNotContain("secret");

        // Rotation with a grace period: both keys work until it ends.
        AdminClient.Reply graced = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/keys/" + firstId + "/rotate",
                "{\"gracePeriodSeconds\":3600}");
        assertThat(graced.status()).as(graced.body()).isEqualTo(201);
        String second = graced.json().get("secret").stringValue();
        String secondId = graced.json().at("/key/keyId").stringValue();
        assertThat(vapi(first)).as("the old key works during its grace period").isEqualTo(200);
        assertThat(vapi(second)).isEqualTo(200);

        // Rotation with no grace revokes the old key at once.
        AdminClient.Reply now = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/keys/" + secondId + "/rotate",
                "{\"gracePeriodSeconds\":0}");
        String third = now.json().get("secret").stringValue();
        assertThat(vapi(second)).isEqualTo(401);
        assertThat(vapi(third)).isEqualTo(200);

        AdminClient.Reply revoked = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/keys/" + firstId + "/revoke", null);
        assertThat(revoked.json().get("status").stringValue()).isEqualTo("revoked");
        assertThat(vapi(first)).isEqualTo(401);

        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/suspend", null).status()).isEqualTo(200);
        assertThat(vapi(third)).as("suspended").isEqualTo(403);
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/resume", null).status()).isEqualTo(200);
        assertThat(vapi(third)).isEqualTo(200);

        AdminClient.Reply page = this.admin.send(ADMIN, HttpMethod.GET, "/admin/v1/tenants?status=active&vapiMode=shared-org&search="
                + id + "&limit=5", null);
        assertThat(page.json().get("items")).hasSize(1);
        assertThat(page.json().at("/items/0/id").stringValue()).isEqualTo(id);

        AdminClient.Reply offboarded = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/offboard", null);
        assertThat(offboarded.json().get("status").stringValue()).isEqualTo("offboarded");
        assertThat(vapi(third)).isEqualTo(401);
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/resume", null).status()).isEqualTo(409);
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + id + "/keys", "{}").status()).isEqualTo(409);
        assertThat(this.admin.send(ADMIN, HttpMethod.GET, "/admin/v1/tenants/" + id + "/keys", null).json().get("items"))
            .allSatisfy(key -> assertThat(key.get("status").stringValue()).isEqualTo("revoked"));
    }

    @Test
    void everyAdminRouteRefusesTenantKeysMissingExpiredAndRevokedTokensAndViewersCannotWrite() {
        TestTenant tenant = this.tenants.create("adm-auth");
        String viewer = mint("viewer", null);
        String expiring = mint("admin", java.time.Instant.now().plusSeconds(1).toString());
        String revokedToken = mint("admin", null);
        String revokedId = revokedToken.split("_")[2];
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/admin-tokens/" + revokedId + "/revoke", null).status())
            .isEqualTo(204);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.admin
            .send(expiring, HttpMethod.GET, "/admin/v1/tenants", null).status() == 401);

        List<String[]> routes = adminRoutes();
        assertThat(routes).hasSizeGreaterThan(15);
        for (String[] route : routes) {
            HttpMethod method = HttpMethod.valueOf(route[0]);
            String path = route[1].replace("{tenantId}", tenant.id()).replace("{keyId}", "knosuch").replace("{tokenId}", "nosuch")
                .replace("{upstream}", "vapi").replace("{phoneNumberSid}", "PNnosuch").replaceAll("\\{[^}]+}", "x");
            String body = (method == HttpMethod.GET) ? null : "{}";
            for (String token : new String[] { null, "", tenant.apiKey(), "igw_admin_nosuch_0123456789abcdef0123456789abcdef",
                    ADMIN + "x", expiring, revokedToken }) {
                AdminClient.Reply reply = this.admin.send(token, method, path, body);
                assertThat(reply.status()).as(method + " " + path + " with " + token).isEqualTo(401);
                assertThat(reply.contentType()).startsWith("application/problem+json");
                assertThat(reply.body()).doesNotContain(tenant.id() + "\",\"name");
            }
            AdminClient.Reply asViewer = this.admin.send(viewer, method, path, body);
            if (method == HttpMethod.GET) {
                assertThat(asViewer.status()).as("viewer reads " + path).isNotIn(401, 403);
            }
            else {
                assertThat(asViewer.status()).as("viewer writes " + method + " " + path).isEqualTo(403);
            }
        }
    }

    @Test
    void resourcesMadeOutsideTheGatewayAreAssignedOnlyWhenTheyExistAndNoOtherTenantOwnsThem() throws Exception {
        TestTenant alice = this.tenants.create("assign-a", com.intellidial.gateway.tenant.VapiMode.SHARED_ORG,
                com.intellidial.gateway.tenant.TelephonyMode.VAPI_NUMBER);
        TestTenant bob = this.tenants.create("assign-b", com.intellidial.gateway.tenant.VapiMode.SHARED_ORG,
                com.intellidial.gateway.tenant.TelephonyMode.VAPI_NUMBER);
        TestTenant dedicated = this.tenants.create("assign-d");
        // Made in the platform's org in the VAPI dashboard, before the client was signed.
        java.net.http.HttpResponse<String> made = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
            .newBuilder(java.net.URI.create(com.intellidial.gateway.support.TestUpstream.simulator().baseUrl() + "/assistant"))
            .header("Authorization", "Bearer " + com.intellidial.gateway.support.TestUpstream.PLATFORM_VAPI_KEY)
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"legacy\"}"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        String legacy = AdminClient.JSON.readTree(made.body()).get("id").stringValue();
        assertThat(vapiGet(alice, "/vapi/assistant/" + legacy)).isEqualTo(404);
        String assign = "{\"upstream\":\"vapi\",\"type\":\"assistant\",\"id\":\"" + legacy + "\"}";
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + alice.id() + "/resources", assign).status())
            .isEqualTo(201);
        assertThat(vapiGet(alice, "/vapi/assistant/" + legacy)).isEqualTo(200);
        AdminClient.Reply taken = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + bob.id() + "/resources", assign);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.body()).doesNotContain(alice.id());
        assertThat(vapiGet(bob, "/vapi/assistant/" + legacy)).isEqualTo(404);
        // Another org's resource is invisible with a dedicated tenant's own key.
        String elsewhere = "{\"upstream\":\"vapi\",\"type\":\"assistant\",\"id\":\"" + UUID.randomUUID() + "\"}";
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + dedicated.id() + "/resources", elsewhere).status())
            .isEqualTo(404);
        AdminClient.Reply badType = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + alice.id() + "/resources",
                "{\"upstream\":\"vapi\",\"type\":\"org\",\"id\":\"x\"}");
        assertThat(badType.json().get("field").stringValue()).isEqualTo("type");
    }

    @Test
    void credentialsAreWriteOnlyAndTakeEffectAtOnce() {
        TestTenant tenant = this.tenants.create("adm-cred");
        String rotated = "vapi-rotated-" + UUID.randomUUID();
        com.intellidial.gateway.support.TestUpstream.simulator().addVapiKey(rotated, tenant.vapiOrg());
        try {
            AdminClient.Reply stored = this.admin.send(ADMIN, HttpMethod.PUT, "/admin/v1/tenants/" + tenant.id() + "/credentials/vapi",
                    "{\"apiKey\":\"" + rotated + "\"}");
            assertThat(stored.status()).as(stored.body()).isEqualTo(200);
            assertThat(stored.body()).doesNotContain(rotated);
            String requestId = "cred-" + UUID.randomUUID();
            this.web.get().uri("/vapi/assistant").header("Authorization", "Bearer " + tenant.apiKey()).header("X-Request-Id", requestId)
                .exchange().expectStatus().isOk();
            assertThat(com.intellidial.gateway.support.TestUpstream.received(requestId).header("Authorization"))
                .isEqualTo("Bearer " + rotated);
        }
        finally {
            com.intellidial.gateway.support.TestUpstream.simulator().removeVapiKey(rotated);
        }
        AdminClient.Reply secret = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + tenant.id()
                + "/credentials/webhook/rotate", null);
        String signing = secret.json().get("signingSecret").stringValue();
        assertThat(signing).startsWith("whsec_");
        assertThat(this.admin.send(ADMIN, HttpMethod.GET, "/admin/v1/tenants/" + tenant.id(), null).body()).doesNotContain(signing);
        TestTenant shared = this.tenants.create("adm-cred-s", com.intellidial.gateway.tenant.VapiMode.SHARED_ORG,
                com.intellidial.gateway.tenant.TelephonyMode.VAPI_NUMBER);
        assertThat(this.admin.send(ADMIN, HttpMethod.PUT, "/admin/v1/tenants/" + shared.id() + "/credentials/vapi",
                "{\"apiKey\":\"whatever-123\"}").status()).as("shared-org tenants use the platform key").isEqualTo(409);
    }

    @Test
    void aTenantSetUpBeforePerTenantCredentialsGetsItsOwnVapiWebhookCredentialOnce() {
        TestTenant tenant = this.tenants.create("adm-vwh", com.intellidial.gateway.tenant.VapiMode.SHARED_ORG,
                com.intellidial.gateway.tenant.TelephonyMode.VAPI_NUMBER);
        String path = "/admin/v1/tenants/" + tenant.id() + "/credentials/vapi-webhook";
        AdminClient.Reply created = this.admin.send(ADMIN, HttpMethod.POST, path, null);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String credentialId = created.json().get("credentialId").stringValue();
        assertThat(created.body()).doesNotContain("secret");
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, path, null).status()).as("one per tenant").isEqualTo(409);
        // Assistants created from now on name it, not the platform's.
        String requestId = "vwh-" + UUID.randomUUID();
        this.web.post().uri("/vapi/assistant").header("Authorization", "Bearer " + tenant.apiKey()).header("X-Request-Id", requestId)
            .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
            .bodyValue("{\"name\":\"after\",\"server\":{\"url\":\"https://client.example/hooks\"}}")
            .exchange().expectStatus().isCreated();
        assertThat(com.intellidial.gateway.support.TestUpstream.received(requestId).bodyAsString())
            .contains("\"credentialId\":\"" + credentialId + "\"");
    }

    private int vapiGet(TestTenant tenant, String path) {
        return this.web.get().uri(path).header("Authorization", "Bearer " + tenant.apiKey()).exchange().returnResult(byte[].class)
            .getStatus().value();
    }

    @Test
    void rateLimitsSetThroughTheAdminApiApplyAtOnce() {
        TestTenant tenant = this.tenants.create("adm-rate");
        AdminClient.Reply set = this.admin.send(ADMIN, HttpMethod.PATCH, "/admin/v1/tenants/" + tenant.id(),
                "{\"rateLimits\":{\"requestsPerSecond\":0.01,\"burst\":2}}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().at("/rateLimits/burst").intValue()).isEqualTo(2);
        assertThat(set.json().at("/rateLimits/source").stringValue()).isEqualTo("admin");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(vapiGet(tenant, "/vapi/assistant"));
        }
        assertThat(statuses).containsExactly(200, 200, 429, 429);
        AdminClient.Reply cleared = this.admin.send(ADMIN, HttpMethod.PATCH, "/admin/v1/tenants/" + tenant.id(), "{\"rateLimits\":null}");
        assertThat(cleared.json().at("/rateLimits/source").stringValue()).isEqualTo("configuration");
        AdminClient.Reply bad = this.admin.send(ADMIN, HttpMethod.PATCH, "/admin/v1/tenants/" + tenant.id(),
                "{\"rateLimits\":{\"requestsPerSecond\":0,\"burst\":2}}");
        assertThat(bad.json().get("field").stringValue()).isEqualTo("rateLimits.requestsPerSecond");
    }

    @Test
    void badInputIsA400ProblemNamingTheField() {
        String id = "bad-" + suffix();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"id\":\"" + id + "\",\"name\":\"x\",\"plan\":\"gold\"}", "plan");
        cases.put("{\"id\":\"Not_A_Tenant\",\"name\":\"x\"}", "id");
        cases.put("{\"id\":\"" + id + "\"}", "name");
        cases.put("{\"id\":\"" + id + "\",\"name\":\"x\",\"vapiMode\":\"private\"}", "vapiMode");
        cases.put("{\"id\":\"" + id + "\",\"name\":\"x\",\"budgets\":{\"callsPerDay\":-1}}", "budgets.callsPerDay");
        cases.put("{\"id\":\"" + id + "\",\"name\":\"x\",\"budgets\":{\"callsPerDay\":99999999999}}", "budgets.callsPerDay");
        cases.put("{\"id\":\"" + id + "\",\"name\":\"x\",\"budgets\":{\"calls\":1}}", "budgets.calls");
        cases.put("{\"id\":\"" + id + "\",\"name\":\"x\",\"webhookUrl\":\"ftp://x\"}", "webhookUrl");
        cases.put("{\"id\":\"" + id + "\",\"name\":\"x\",\"name2\":1}", "name2");
        for (Map.Entry<String, String> bad : cases.entrySet()) {
            AdminClient.Reply reply = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants", bad.getKey());
            assertThat(reply.status()).as(bad.getKey()).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("field").stringValue()).as(bad.getKey()).isEqualTo(bad.getValue());
        }
        assertThat(this.admin.send(ADMIN, HttpMethod.GET, "/admin/v1/tenants/" + id, null).status()).as("nothing was created")
            .isEqualTo(404);
        TestTenant tenant = this.tenants.create("adm-bad");
        String keyId = tenant.keyId();
        AdminClient.Reply grace = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + tenant.id() + "/keys/" + keyId
                + "/rotate", "{\"gracePeriodSeconds\":" + (Duration.ofDays(7).toSeconds() + 1) + "}");
        assertThat(grace.status()).isEqualTo(400);
        assertThat(grace.json().get("field").stringValue()).isEqualTo("gracePeriodSeconds");
        AdminClient.Reply expiry = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants/" + tenant.id() + "/keys",
                "{\"expiresAt\":\"yesterday\"}");
        assertThat(expiry.json().get("field").stringValue()).isEqualTo("expiresAt");
        AdminClient.Reply limit = this.admin.send(ADMIN, HttpMethod.GET, "/admin/v1/tenants?limit=100000", null);
        assertThat(limit.json().get("field").stringValue()).isEqualTo("limit");
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants", "[1,2]").status()).isEqualTo(400);
        assertThat(this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/tenants", "{not json").status()).isEqualTo(400);
    }

    @Test
    void everyAdminCallLeavesOneAuditRowAndTamperingIsFound() {
        String requestId = "audit-" + suffix();
        TestTenant tenant = this.tenants.create("adm-audit");
        this.web.get().uri("/admin/v1/tenants/" + tenant.id()).header("Authorization", "Bearer " + ADMIN)
            .header("X-Request-Id", requestId).exchange().expectStatus().isOk();
        this.web.post().uri("/admin/v1/tenants/" + tenant.id() + "/suspend").header("Authorization", "Bearer " + ADMIN)
            .header("X-Request-Id", requestId + "-w").exchange().expectStatus().isOk();
        this.web.get().uri("/admin/v1/tenants/" + tenant.id()).header("Authorization", "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId + "-x").exchange().expectStatus().isUnauthorized();
        assertThat(auditRows(requestId)).isEqualTo(1);
        assertThat(auditRows(requestId + "-w")).isEqualTo(1);
        assertThat(auditRows(requestId + "-x")).as("unauthenticated calls are no admin actions").isZero();

        AdminClient.Reply rows = this.admin.send(ADMIN, HttpMethod.GET, "/admin/v1/audit?tenant=" + tenant.id()
                + "&action=POST%20/admin/v1/tenants/%7BtenantId%7D/suspend", null);
        assertThat(rows.json().get("items")).hasSize(1);
        JsonNode row = rows.json().at("/items/0");
        assertThat(row.get("actor").stringValue()).isEqualTo("admin:testboot");
        assertThat(row.get("outcome").intValue()).isEqualTo(200);
        assertThat(row.get("requestId").stringValue()).isEqualTo(requestId + "-w");
        assertThat(rows.body()).doesNotContain(ADMIN.substring(ADMIN.lastIndexOf('_') + 1));

        assertThat(verify().get("intact").booleanValue()).isTrue();
        // Someone with database access rewrites history.
        this.database.sql("update audit_log set outcome = 500 where request_id = $1").bind(0, requestId + "-w").then().block();
        try {
            JsonNode broken = verify();
            assertThat(broken.get("intact").booleanValue()).isFalse();
            assertThat(broken.get("firstBrokenRow").stringValue()).contains("do not match its recorded content");
        }
        finally {
            this.database.sql("update audit_log set outcome = 200 where request_id = $1").bind(0, requestId + "-w").then().block();
        }
        assertThat(verify().get("intact").booleanValue()).isTrue();
    }

    @Test
    void concurrentAdminCallsKeepOneUnbrokenChain() {
        TestTenant tenant = this.tenants.create("adm-chain");
        reactor.core.publisher.Flux.range(0, 40)
            .flatMap(i -> org.springframework.web.reactive.function.client.WebClient.create(baseUrl())
                .get().uri("/admin/v1/tenants/" + tenant.id()).header("Authorization", "Bearer " + ADMIN)
                .retrieve().toBodilessEntity(), 20)
            .blockLast(Duration.ofSeconds(30));
        assertThat(verify().get("intact").booleanValue()).isTrue();
        Long rows = this.database.sql("select count(*) as n from audit_log where tenant_id = $1").bind(0, tenant.id())
            .map(r -> r.get("n", Long.class)).one().block();
        assertThat(rows).isEqualTo(40);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port");
    }

    private JsonNode verify() {
        AdminClient.Reply reply = this.admin.send(ADMIN, HttpMethod.GET, "/admin/v1/audit/verify", null);
        assertThat(reply.status()).isEqualTo(200);
        return reply.json();
    }

    private long auditRows(String requestId) {
        Long rows = this.database.sql("select count(*) as n from audit_log where request_id = $1").bind(0, requestId)
            .map(r -> r.get("n", Long.class)).one().block();
        return (rows != null) ? rows : 0;
    }

    private String mint(String role, String expiresAt) {
        AdminClient.Reply reply = this.admin.send(ADMIN, HttpMethod.POST, "/admin/v1/admin-tokens",
                "{\"name\":\"" + role + " test\",\"role\":\"" + role + "\"" + ((expiresAt != null) ? ",\"expiresAt\":\"" + expiresAt + "\"" : "")
                        + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().get("secret").stringValue();
    }

    /** Every handler mapping under /admin, as method and pattern. */
    private List<String[]> adminRoutes() {
        List<String[]> routes = new ArrayList<>();
        RequestMappingHandlerMapping mapping = this.context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
            Set<org.springframework.web.bind.annotation.RequestMethod> methods = info.getMethodsCondition().getMethods();
            info.getPatternsCondition().getPatterns().forEach(pattern -> {
                if (pattern.getPatternString().startsWith("/admin/")) {
                    methods.forEach(method -> routes.add(new String[] { method.name(), pattern.getPatternString() }));
                }
            });
        }
        return routes;
    }

    private int vapi(String key) {
        return this.web.get().uri("/vapi/assistant").header("Authorization", "Bearer " + key).exchange().returnResult(byte[].class)
            .getStatus().value();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}

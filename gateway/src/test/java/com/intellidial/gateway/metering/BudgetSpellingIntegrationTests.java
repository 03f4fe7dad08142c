package com.intellidial.gateway.metering;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.EndpointCatalog;
import com.intellidial.gateway.catalog.PathSpellings;
import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Budgets are decided on the one catalog match, so no spelling of a call-placing path gets past
 * them: a percent-encoded {@code /vapi/%63all} is budgeted like {@code /vapi/call}, campaigns
 * reserve one call per customer, and Twilio calls count like VAPI calls. Assertions are on what
 * the simulator received.
 */
@GatewayIntegrationTest
class BudgetSpellingIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    DatabaseClient database;

    @Autowired
    OwnershipStore ownership;

    @Test
    void percentEncodedCallPathsAreBudgetedLikeTheCanonicalOne() {
        TestTenant tenant = this.tenants.create("spell-call");
        setCallsPerDay(tenant, 1);
        String assistant = own(tenant, "assistant");
        String body = "{\"assistantId\":\"" + assistant + "\",\"customer\":{\"number\":\"+12125550100\"}}";
        Reply placed = send(tenant, HttpMethod.POST, "/vapi/call", body);
        assertThat(placed.status()).isEqualTo(201);
        for (String path : List.of("/vapi/call", "/vapi/%63all", "/vapi/%63all", "/vapi/c%61ll", "/vapi/%63%61%6C%6C")) {
            Reply reply = send(tenant, HttpMethod.POST, path, body);
            assertThat(reply.status()).as(path).isEqualTo(429);
            assertThat(reply.body()).as(path).contains("calls-per-day");
            assertThat(reply.forwarded()).as(path).isFalse();
        }
        assertThat(callsForwarded(tenant, "/call")).isEqualTo(1);
    }

    @Test
    void noSpellingOfAnyCallPlacingEntryPassesAnExhaustedBudget() {
        TestTenant tenant = this.tenants.create("spell-all");
        setCallsPerDay(tenant, 0);
        String assistant = own(tenant, "assistant");
        // A campaign without customers places no call, so even an exhausted budget lets it through.
        String campaign = create(tenant, "/vapi/campaign", "{\"name\":\"spring\",\"assistantId\":\"" + assistant + "\"}");
        String campaignV2 = create(tenant, "/vapi/v2/campaign", "{\"name\":\"autumn\",\"assistantId\":\"" + assistant + "\"}");
        String customers = "[{\"number\":\"+12125550101\"}]";
        List<Target> targets = List.of(
                new Target("vapi.call.create", "/vapi/call",
                        "{\"assistantId\":\"" + assistant + "\",\"customer\":{\"number\":\"+12125550100\"}}"),
                new Target("vapi.campaign.create", "/vapi/campaign",
                        "{\"name\":\"c\",\"assistantId\":\"" + assistant + "\",\"customers\":" + customers + "}"),
                new Target("vapi.campaign-v2.create", "/vapi/v2/campaign",
                        "{\"name\":\"c\",\"assistantId\":\"" + assistant + "\",\"customers\":" + customers + "}"),
                new Target("vapi.campaign.update", "/vapi/campaign/" + campaign,
                        "{\"dialPlan\":[{\"customers\":" + customers + "}]}"),
                new Target("vapi.campaign-v2.update", "/vapi/v2/campaign/" + campaignV2,
                        "{\"dialPlan\":[{\"customers\":" + customers + "}]}"),
                new Target("twilio.call.create", "/twilio/2010-04-01/Accounts/AC1/Calls.json",
                        "To=%2B12125550102&From=%2B14155550100&Url=https%3A%2F%2Fexample.com%2Ftwiml"));
        List<String> covered = new ArrayList<>();
        for (EndpointCatalog catalog : List.of(EndpointCatalog.forUpstream("vapi"), EndpointCatalog.forUpstream("twilio"))) {
            catalog.entries().stream().filter(entry -> entry.allowed() && entry.placesCalls() != null)
                .map(CatalogEntry::id).forEach(covered::add);
        }
        assertThat(targets.stream().map(Target::entry).toList()).as("every call-placing entry is tried")
            .containsExactlyInAnyOrderElementsOf(covered);
        Random random = new Random(9);
        for (Target target : targets) {
            for (int i = 0; i < 40; i++) {
                String spelling = target.path();
                for (int m = 0, n = 1 + random.nextInt(3); m < n; m++) {
                    spelling = PathSpellings.mutate(spelling, random);
                }
                HttpMethod method = target.entry().endsWith(".update") && target.entry().startsWith("vapi")
                        ? HttpMethod.PATCH : HttpMethod.POST;
                Reply reply = send(tenant, method, spelling, target.body());
                boolean canonical = PathSpellings.decodeUnreserved(spelling).equals(target.path());
                assertThat(reply.forwarded()).as(spelling + " -> " + reply).isFalse();
                if (canonical) {
                    assertThat(reply.status()).as(spelling + " -> " + reply).isEqualTo(429);
                }
                else {
                    assertThat(reply.status()).as(spelling + " -> " + reply).isIn(400, 404, 429);
                }
            }
        }
    }

    @Test
    void campaignsAndTwilioCallsCountAgainstCallsPerDay() {
        TestTenant tenant = this.tenants.create("spell-mix");
        setCallsPerDay(tenant, 3);
        String assistant = own(tenant, "assistant");
        Reply campaign = send(tenant, HttpMethod.POST, "/vapi/campaign", "{\"name\":\"c\",\"assistantId\":\"" + assistant
                + "\",\"customers\":[{\"number\":\"+12125550110\"},{\"number\":\"+12125550111\"}]}");
        assertThat(campaign.status()).as(campaign.body()).isEqualTo(201);
        Reply twilio = send(tenant, HttpMethod.POST, "/twilio/2010-04-01/Accounts/AC1/Calls.json",
                "To=%2B12125550112&From=%2B14155550100&Url=https%3A%2F%2Fexample.com%2Ftwiml");
        assertThat(twilio.status()).as(twilio.body()).isEqualTo(201);
        Reply call = send(tenant, HttpMethod.POST, "/vapi/call",
                "{\"assistantId\":\"" + assistant + "\",\"customer\":{\"number\":\"+12125550113\"}}");
        assertThat(call.status()).as("two campaign calls and one Twilio call used the three").isEqualTo(429);
        assertThat(call.forwarded()).isFalse();
        assertThat(send(tenant, HttpMethod.POST, "/twilio/2010-04-01/Accounts/AC1/Calls.json",
                "To=%2B12125550114&From=%2B14155550100&Url=https%3A%2F%2Fexample.com%2Ftwiml").status()).isEqualTo(429);
        assertThat(callsForwarded(tenant, "/call")).isZero();
    }

    @Test
    void aCampaignWithMoreCustomersThanTheBudgetAllowsIsRefusedWhole() {
        TestTenant tenant = this.tenants.create("spell-camp");
        setCallsPerDay(tenant, 3);
        String assistant = own(tenant, "assistant");
        StringBuilder customers = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            customers.append((i == 0) ? "" : ",").append("{\"number\":\"+1212555012").append(i).append("\"}");
        }
        Reply refused = send(tenant, HttpMethod.POST, "/vapi/v2/campaign",
                "{\"name\":\"big\",\"assistantId\":\"" + assistant + "\",\"customers\":[" + customers + "]}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.forwarded()).isFalse();
        Reply fits = send(tenant, HttpMethod.POST, "/vapi/v2/campaign", "{\"name\":\"small\",\"assistantId\":\"" + assistant
                + "\",\"customers\":[{\"number\":\"+12125550130\"},{\"number\":\"+12125550131\"},{\"number\":\"+12125550132\"}]}");
        assertThat(fits.status()).as("the refused campaign took nothing").isEqualTo(201);
    }

    private record Target(String entry, String path, String body) {
    }

    private String own(TestTenant tenant, String type) {
        String id = type.substring(0, 3) + "-" + UUID.randomUUID();
        this.ownership.record(tenant.id(), "vapi", type, id, null).block();
        return id;
    }

    private String create(TestTenant tenant, String path, String body) {
        Reply reply = send(tenant, HttpMethod.POST, path, body);
        assertThat(reply.status()).as(path + " " + reply).isEqualTo(201);
        return JSON.readTree(reply.body()).get("id").stringValue();
    }

    private void setCallsPerDay(TestTenant tenant, int calls) {
        this.database.sql("insert into tenant_budgets (tenant_id, calls_per_day) values ($1, $2)")
            .bind(0, tenant.id())
            .bind(1, calls)
            .then()
            .block();
    }

    private static long callsForwarded(TestTenant tenant, String path) {
        return TestUpstream.simulator().journal().matching("POST", path).stream()
            .filter(request -> ("Bearer " + tenant.vapiKey()).equals(request.header("Authorization")))
            .count();
    }

    private Reply send(TestTenant tenant, HttpMethod method, String path, String body) {
        String requestId = "spell-" + UUID.randomUUID();
        boolean form = path.startsWith("/twilio");
        EntityExchangeResult<byte[]> result = this.client.method(method)
            // The raw spelling must reach the gateway: no template expansion, no re-encoding.
            .uri(base -> URI.create(base.build().toString().replaceAll("/$", "") + path))
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .contentType(form ? MediaType.APPLICATION_FORM_URLENCODED : MediaType.APPLICATION_JSON)
            .bodyValue(body.getBytes(StandardCharsets.UTF_8))
            .exchange()
            .expectBody()
            .returnResult();
        byte[] bytes = result.getResponseBody();
        return new Reply(result.getStatus().value(), (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "",
                requestId);
    }

    private record Reply(int status, String body, String requestId) {

        boolean forwarded() {
            return TestUpstream.anyReceived(this.requestId);
        }

        @Override
        public String toString() {
            return this.status + " " + this.body;
        }
    }
}

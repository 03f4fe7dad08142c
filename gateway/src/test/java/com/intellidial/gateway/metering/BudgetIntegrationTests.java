package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Budgets hold under concurrency (no call beyond the limit is ever forwarded), name the budget that
 * refused, and free what a call held once its end-of-call report settles it, it fails, or it expires.
 */
@GatewayIntegrationTest
class BudgetIntegrationTests {

    @Autowired
    TestTenants tenants;

    @Autowired
    DatabaseClient database;

    @Autowired
    OwnershipStore ownership;

    @LocalServerPort
    int port;

    @Test
    void fiftyConcurrentCallsWithTenPerDayForwardExactlyTen() {
        TestTenant tenant = this.tenants.create("budget-day");
        setBudgets(tenant.id(), 10, null, null);
        for (int i = 0; i < 50; i++) {
            own(tenant, "a-" + i);
        }
        WebClient web = WebClient.create("http://localhost:" + this.port);
        List<Reply> replies = Flux.range(0, 50)
            .flatMap(i -> web.post().uri("/vapi/call")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("assistantId", "a-" + i))
                .exchangeToMono(response -> response.bodyToMono(String.class)
                    .defaultIfEmpty("")
                    .map(body -> new Reply(response.statusCode().value(),
                            response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), body))), 50)
            .collectList()
            .block(Duration.ofSeconds(60));
        assertThat(replies).filteredOn(reply -> reply.status() == 201 || reply.status() == 200).hasSize(10);
        assertThat(replies).filteredOn(reply -> reply.status() == 429).hasSize(40).allSatisfy(reply -> {
            assertThat(reply.body()).contains("\"budget\":\"calls-per-day\"").contains("budget-exceeded");
            assertThat(Long.parseLong(reply.retryAfter())).isBetween(1L, 86_400L);
        });
        long forwarded = TestUpstream.simulator().journal().matching("POST", "/call").stream()
            .filter(request -> ("Bearer " + tenant.vapiKey()).equals(request.header("Authorization")))
            .count();
        assertThat(forwarded).isEqualTo(10);
    }

    @Test
    void aBatchReservesEveryCallItAsksForAllOrNone() {
        TestTenant tenant = this.tenants.create("budget-batch");
        setBudgets(tenant.id(), 3, null, null);
        // An assistant id no other test owns: a resource has exactly one owner.
        String assistant = "batch-" + tenant.id();
        own(tenant, assistant);
        WebClient web = WebClient.create("http://localhost:" + this.port);
        assertThat(postBatch(web, tenant, assistant, 5)).as("5 calls do not fit a budget of 3").isEqualTo(429);
        assertThat(postBatch(web, tenant, assistant, 2)).isIn(200, 201);
        assertThat(postBatch(web, tenant, assistant, 2)).as("only 1 of 3 left").isEqualTo(429);
        assertThat(postBatch(web, tenant, assistant, 1)).as("the refused batches took nothing").isIn(200, 201);
        long forwarded = TestUpstream.simulator().journal().matching("POST", "/call").stream()
            .filter(request -> ("Bearer " + tenant.vapiKey()).equals(request.header("Authorization")))
            .count();
        assertThat(forwarded).isEqualTo(2);
    }

    private static int postBatch(WebClient web, TestTenant tenant, String assistant, int calls) {
        List<Map<String, String>> customers = java.util.stream.IntStream.range(0, calls)
            .mapToObj(i -> Map.of("number", "+1415555" + (1000 + i)))
            .toList();
        return web.post().uri("/vapi/call")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("assistantId", assistant, "customers", customers))
            .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
            .block(Duration.ofSeconds(10));
    }

    @Test
    void callsFailingUpstreamGiveTheirReservationBack() {
        TestTenant tenant = this.tenants.create("budget-fail");
        setBudgets(tenant.id(), 1, null, null);
        String assistant = "fail-" + tenant.id();
        own(tenant, assistant);
        WebClient web = WebClient.create("http://localhost:" + this.port);
        TestUpstream.simulator().faults().failNext("/call", 500, 1);
        // Each call is sent as soon as the previous answer arrives: a refusal is given back before
        // the client sees it.
        int first = post(web, tenant, assistant);
        int second = post(web, tenant, assistant);
        int third = post(web, tenant, assistant);
        assertThat(List.of(first, second, third)).containsExactly(500, 201, 429);
    }

    @Test
    void endOfCallReportSettlesTheEstimateAndExpiryReleasesIt() {
        LedgerDatabase.migrate();
        TestTenant tenant = this.tenants.create("budget-settle");
        // 25 minutes a month, 10 held per call in flight: two calls fit, a third does not.
        setBudgets(tenant.id(), null, new BigDecimal("25"), null);
        Clock now = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        BudgetProperties properties = new BudgetProperties(true, new BigDecimal("10"), new BigDecimal("0.15"),
                Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofSeconds(1), RateLimitProperties.OutagePolicy.FAIL_OPEN);
        Budgets budgets = new Budgets(this.database, properties, now);
        Optional<UUID> one = budgets.reserve(tenant.id()).block();
        Optional<UUID> two = budgets.reserve(tenant.id()).block();
        assertThat(one).isPresent();
        assertThat(two).isPresent();
        assertThat(budgets.reserve(tenant.id()).block()).isEmpty();
        assertThat(budgets.exhausted(tenant.id()).block()).isEqualTo("minutes-per-month");
        budgets.link(one.orElseThrow(), tenant.id() + "-call-1").block();
        // The end-of-call report: 3 real minutes replace the 10 held, twice delivered.
        CallEnded ended = new CallEnded(tenant.id() + "-call-1", tenant.id(), new BigDecimal("3"), new BigDecimal("0.5"),
                Map.of(), "customer-ended-call", now.instant(), now.instant());
        LedgerWriter writer = new LedgerWriter(this.database);
        writer.write(List.of(ended)).block();
        writer.write(List.of(ended)).block();
        assertThat(usedMinutes(tenant.id())).isEqualByComparingTo("13");
        assertThat(budgets.reserve(tenant.id()).block()).as("3 + 10 + 10 <= 25").isPresent();
        // Past the timeout the two unsettled estimates are released; the settled minutes stay.
        Budgets later = new Budgets(this.database, properties, Clock.offset(now, Duration.ofHours(1)));
        assertThat(later.releaseExpired().block()).isGreaterThanOrEqualTo(2L);
        assertThat(usedMinutes(tenant.id())).isEqualByComparingTo("3");
    }

    /** Isolation forwards a call only with an assistant the tenant owns. */
    private void own(TestTenant tenant, String assistantId) {
        this.ownership.record(tenant.id(), "vapi", "assistant", assistantId, null).block();
    }

    private static int post(WebClient web, TestTenant tenant, String assistant) {
        return web.post().uri("/vapi/call")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("assistantId", assistant))
            .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
            .block(Duration.ofSeconds(10));
    }

    private void setBudgets(String tenantId, Integer callsPerDay, BigDecimal minutes, BigDecimal spend) {
        DatabaseClient.GenericExecuteSpec insert = this.database
            .sql("insert into tenant_budgets (tenant_id, calls_per_day, minutes_per_month, spend_per_month_usd) values ($1, $2, $3, $4)")
            .bind(0, tenantId);
        insert = (callsPerDay != null) ? insert.bind(1, callsPerDay) : insert.bindNull(1, Integer.class);
        insert = (minutes != null) ? insert.bind(2, minutes) : insert.bindNull(2, BigDecimal.class);
        insert = (spend != null) ? insert.bind(3, spend) : insert.bindNull(3, BigDecimal.class);
        insert.then().block();
    }

    private static BigDecimal usedMinutes(String tenantId) {
        return LedgerDatabase.decimal("select minutes_month from budget_usage where tenant_id = ?", tenantId);
    }

    private record Reply(int status, String retryAfter, String body) {
    }
}

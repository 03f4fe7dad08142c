package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ledger is exact end to end: concurrent proxied requests across tenants and calls whose
 * events arrive duplicated and out of order add up to exactly the expected counters and call rows,
 * every round; and the usage API shows each tenant its own usage only.
 */
@GatewayIntegrationTest
class MeteringIntegrationTests {

    private static final Instant CALL_HOUR = Instant.parse("2024-03-01T10:00:00Z");

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    UsageSink sink;

    @LocalServerPort
    int port;

    @Test
    void concurrentRequestsAndDuplicatedReorderedCallEventsGiveAnExactLedgerEveryRound() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<TestTenant> group = List.of(this.tenants.create("exact"), this.tenants.create("exact"),
                    this.tenants.create("exact"), this.tenants.create("exact"));
            int requests = 500;
            int callsPerTenant = 6;
            sendRequests(group, requests);
            feedCalls(group, callsPerTenant, round);
            for (int t = 0; t < group.size(); t++) {
                String tenant = group.get(t).id();
                long expectedRequests = requestsOf(t, requests, group.size());
                long expectedErrors = errorsOf(t, requests, group.size());
                awaitEvents(tenant, expectedRequests + 2L * callsPerTenant);
                assertThat(LedgerDatabase.number("select sum(requests) from usage_hourly where tenant_id = ?", tenant))
                    .isEqualTo(expectedRequests);
                assertThat(LedgerDatabase.number("select sum(errors) from usage_hourly where tenant_id = ?", tenant))
                    .isEqualTo(expectedErrors);
                assertThat(LedgerDatabase.number("select sum(response_bytes) from usage_hourly where tenant_id = ?", tenant))
                    .isPositive();
                List<Map<String, Object>> callHours = LedgerDatabase.query(
                        "select hour, calls_created, calls_ended, call_minutes, call_cost_usd from usage_hourly"
                                + " where tenant_id = ? and hour < '2025-01-01' order by hour", tenant);
                assertThat(callHours).hasSize(2);
                assertThat(callHours.get(0).get("calls_created")).isEqualTo((long) callsPerTenant);
                assertThat(callHours.get(0).get("calls_ended")).isEqualTo(0L);
                assertThat(callHours.get(1).get("calls_created")).isEqualTo(0L);
                assertThat(callHours.get(1).get("calls_ended")).isEqualTo((long) callsPerTenant);
                assertThat(new BigDecimal(callHours.get(1).get("call_minutes").toString()))
                    .isEqualByComparingTo(minutesSum(callsPerTenant));
                assertThat(new BigDecimal(callHours.get(1).get("call_cost_usd").toString()))
                    .isEqualByComparingTo(costSum(callsPerTenant));
                List<Map<String, Object>> calls = LedgerDatabase.query(
                        "select call_id, created_at, ended_at, minutes, cost_usd, ended_reason, cost_breakdown::text as breakdown"
                                + " from calls where tenant_id = ? order by call_id", tenant);
                assertThat(calls).hasSize(callsPerTenant).allSatisfy(call -> {
                    assertThat(call.get("created_at")).isNotNull();
                    assertThat(call.get("ended_at")).isNotNull();
                    assertThat(call.get("ended_reason")).isEqualTo("customer-ended-call");
                    assertThat((String) call.get("breakdown")).contains("\"llm\"");
                });
            }
        }
    }

    @Test
    void usageApiShowsEachTenantOnlyItsOwnUsage() {
        TestTenant acme = this.tenants.create("usage-a");
        TestTenant globex = this.tenants.create("usage-b");
        sendRequests(List.of(acme), 7);
        sendRequests(List.of(globex), 3);
        awaitEvents(acme.id(), 7);
        awaitEvents(globex.id(), 3);
        String today = Instant.now().toString().substring(0, 10);
        String tomorrow = Instant.now().plus(Duration.ofDays(1)).toString().substring(0, 10);
        for (TestTenant tenant : List.of(acme, globex)) {
            this.client.get()
                .uri("/v1/usage?from={from}&to={to}&granularity=day", today, tomorrow)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.tenantId").isEqualTo(tenant.id())
                .jsonPath("$.granularity").isEqualTo("day")
                .jsonPath("$.buckets.length()").isEqualTo(1)
                .jsonPath("$.buckets[0].requests").isEqualTo((tenant == acme) ? 7 : 3);
        }
    }

    /**
     * {@code /v1/usage} is a database aggregate outside the proxied routes, so no rate limit applied:
     * a tenant could loop on it without bound. It now takes a token from the tenant's and key's
     * buckets like any proxied request (and answers the {@code RateLimit-*} headers).
     */
    @Test
    void loopingOnTheUsageApiDrawsFromTheTenantsRateLimit() {
        TestTenant tenant = this.tenants.create("usage-limit");
        for (int i = 0; i < 3; i++) {
            this.client.get().uri("/v1/usage")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(RateLimitGlobalFilter.LIMIT, "5000")
                .expectHeader().value(RateLimitGlobalFilter.REMAINING,
                        remaining -> assertThat(Long.parseLong(remaining)).isLessThan(5000));
        }
    }

    @Test
    void usageApiRejectsBadParametersAndMissingKeys() {
        TestTenant tenant = this.tenants.create("usage-bad");
        this.client.get().uri("/v1/usage?granularity=week")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.type").isEqualTo("https://docs.intellidial.dev/problems/malformed-request")
            .jsonPath("$.parameter").isEqualTo("granularity");
        this.client.get().uri("/v1/usage?from=2025-02-01&to=2025-01-01")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isBadRequest()
            .expectBody().jsonPath("$.parameter").isEqualTo("from");
        this.client.get().uri("/v1/usage?from=yesterday")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isBadRequest()
            .expectBody().jsonPath("$.parameter").isEqualTo("from");
        this.client.get().uri("/v1/usage").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void adminReadsAnyTenantsUsageAsJsonOrCsv() {
        TestTenant tenant = this.tenants.create("usage-admin");
        sendRequests(List.of(tenant), 4);
        awaitEvents(tenant.id(), 4);
        String today = Instant.now().toString().substring(0, 10);
        String tomorrow = Instant.now().plus(Duration.ofDays(1)).toString().substring(0, 10);
        String csv = this.client.get()
            .uri("/admin/v1/tenants/{id}/usage?from={from}&to={to}&format=csv", tenant.id(), today, tomorrow)
            .header("Authorization", "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .exchange()
            .expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(csv).startsWith(UsageReport.CSV_HEADER + "\n");
        assertThat(csv.lines().skip(1).findFirst().orElseThrow()).startsWith(today + "T00:00:00Z,4,");
        this.client.get()
            .uri("/admin/v1/tenants/{id}/usage?from={from}&to={to}", tenant.id(), today, tomorrow)
            .header("Authorization", "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .header(HttpHeaders.ACCEPT, "text/csv")
            .exchange()
            .expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"));
        this.client.get()
            .uri("/admin/v1/tenants/{id}/usage?from={from}&to={to}", tenant.id(), today, tomorrow)
            .header("Authorization", "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.buckets[0].requests").isEqualTo(4);
        this.client.get().uri("/admin/v1/tenants/{id}/usage", tenant.id())
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus().isUnauthorized();
    }

    /** Tenant t gets every size-th request; every 5th request of the run asks for a missing assistant (404). */
    private void sendRequests(List<TestTenant> group, int total) {
        WebClient web = WebClient.create("http://localhost:" + this.port);
        Flux.range(0, total).flatMap(i -> {
            TestTenant tenant = group.get(i % group.size());
            String path = (i % 5 == 4) ? "/vapi/assistant/missing-" + i : "/vapi/assistant";
            return web.get().uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()));
        }, 32).collectList().block(Duration.ofSeconds(60));
    }

    private static long requestsOf(int t, int total, int size) {
        return java.util.stream.IntStream.range(0, total).filter(i -> i % size == t).count();
    }

    private static long errorsOf(int t, int total, int size) {
        return java.util.stream.IntStream.range(0, total).filter(i -> i % size == t && i % 5 == 4).count();
    }

    /** Each call's created and ended events, each sent 1 to 3 times, shuffled, from four threads. */
    private void feedCalls(List<TestTenant> group, int callsPerTenant, int round) throws InterruptedException {
        List<UsageEvent> events = new ArrayList<>();
        Random random = new Random(round);
        for (TestTenant tenant : group) {
            for (int c = 0; c < callsPerTenant; c++) {
                String callId = tenant.id() + "-call-" + c;
                Instant created = CALL_HOUR.plusSeconds(60L * c);
                CallCreated createdEvent = new CallCreated(callId, tenant.id(), created);
                CallEnded endedEvent = new CallEnded(callId, tenant.id(), minutes(c), cost(c),
                        Map.of("llm", new BigDecimal("0.01"), "total", cost(c)), "customer-ended-call", created,
                        CALL_HOUR.plus(Duration.ofHours(1)).plusSeconds(60L * c));
                for (int copy = random.nextInt(3); copy >= 0; copy--) {
                    events.add(createdEvent);
                }
                for (int copy = random.nextInt(3); copy >= 0; copy--) {
                    events.add(endedEvent);
                }
            }
        }
        Collections.shuffle(events, random);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        for (UsageEvent event : events) {
            threads.submit(() -> this.sink.record(event));
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static BigDecimal minutes(int c) {
        return new BigDecimal("1.25").add(BigDecimal.valueOf(c));
    }

    private static BigDecimal cost(int c) {
        return new BigDecimal("0.1931").multiply(BigDecimal.valueOf(c + 1));
    }

    private static BigDecimal minutesSum(int calls) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int c = 0; c < calls; c++) {
            sum = sum.add(minutes(c));
        }
        return sum;
    }

    private static BigDecimal costSum(int calls) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int c = 0; c < calls; c++) {
            sum = sum.add(cost(c));
        }
        return sum;
    }

    private static void awaitEvents(String tenant, long expected) {
        await().atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> LedgerDatabase.number("select count(*) from usage_events where tenant_id = ?", tenant) >= expected);
        // One more flush interval: anything still buffered would now be counted (and fail the exact asserts).
        await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        assertThat(LedgerDatabase.number("select count(*) from usage_events where tenant_id = ?", tenant)).isEqualTo(expected);
    }
}

package com.intellidial.gateway.webhooks;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactness: calls across tenants whose server messages arrive duplicated and in random order
 * (status updates after the report, reports twice, another tenant's report sent to the wrong
 * tenant URL) leave exactly the expected calls, minutes and cost in the ledger. The calls are
 * recorded as the tenants' with the ownership store, as the isolation layer does on create.
 */
@GatewayIntegrationTest
class VapiWebhookLedgerIntegrationTests {

    private static final List<String> STATUSES = List.of("queued", "ringing", "in-progress", "ended");

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    OwnershipStore ownership;

    @Autowired
    DatabaseClient db;

    @Test
    void duplicatedAndReorderedWebhooksProduceExactlyTheExpectedLedger() {
        Random random = new Random(20261128L);
        List<TestTenant> tenants = List.of(tenant("exact-a"), tenant("exact-b"), tenant("exact-c"));
        Map<String, Expected> expected = new HashMap<>();
        List<Delivery> deliveries = new ArrayList<>();
        Instant base = Instant.parse("2026-03-01T10:00:00Z");
        for (int i = 0; i < 24; i++) {
            TestTenant tenant = tenants.get(i % tenants.size());
            String callId = UUID.randomUUID().toString();
            this.ownership.record(tenant.id(), "vapi", "call", callId, null).block();
            Instant startedAt = base.plusSeconds(97L * i).plusMillis(random.nextInt(1000));
            Instant endedAt = startedAt.plusMillis(5_000 + random.nextInt(600_000));
            BigDecimal cost = BigDecimal.valueOf(random.nextInt(100_000), 4);
            BigDecimal minutes = BigDecimal.valueOf(Duration.between(startedAt, endedAt).toMillis())
                .divide(BigDecimal.valueOf(60_000), 4, RoundingMode.HALF_UP);
            expected.merge(tenant.id(), new Expected(1, minutes, cost), Expected::plus);
            for (String status : STATUSES) {
                deliveries.add(new Delivery(tenant.id(), statusUpdate(callId, status)));
            }
            String report = report(callId, startedAt, endedAt, cost);
            deliveries.add(new Delivery(tenant.id(), report));
            deliveries.add(new Delivery(tenant.id(), report));
            if (i % 5 == 0) {
                // VAPI retried one message twice more; another tenant's URL must not take it.
                deliveries.add(new Delivery(tenant.id(), statusUpdate(callId, "ended")));
                deliveries.add(new Delivery(tenants.get((i + 1) % tenants.size()).id(), report));
            }
        }
        Collections.shuffle(deliveries, random);
        for (Delivery delivery : deliveries) {
            boolean own = isOwnedBy(delivery.tenantId(), delivery.body());
            this.client.post().uri("/webhooks/vapi/" + delivery.tenantId())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.VAPI_WEBHOOK_TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(delivery.body())
                .exchange()
                .expectStatus().isEqualTo(own ? 200 : 404);
        }
        for (TestTenant tenant : tenants) {
            Expected want = expected.get(tenant.id());
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ledger(tenant.id())).isEqualTo(want));
            assertThat(callsCreated(tenant.id())).isEqualTo(want.calls());
        }
    }

    private boolean isOwnedBy(String tenantId, String body) {
        String callId = body.substring(body.indexOf("\"id\":\"") + 6);
        callId = callId.substring(0, callId.indexOf('"'));
        return tenantId.equals(this.ownership.ownerOf("vapi", "call", callId).block());
    }

    private TestTenant tenant(String prefix) {
        return this.tenants.create(prefix, VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
    }

    private Expected ledger(String tenantId) {
        return this.db.sql("select coalesce(sum(calls_ended), 0) as calls, coalesce(sum(call_minutes), 0) as minutes,"
                + " coalesce(sum(call_cost_usd), 0) as cost from usage_hourly where tenant_id = :t")
            .bind("t", tenantId)
            .map(row -> new Expected(row.get("calls", Long.class).intValue(), row.get("minutes", BigDecimal.class),
                    row.get("cost", BigDecimal.class)))
            .one()
            .block();
    }

    private int callsCreated(String tenantId) {
        return this.db.sql("select coalesce(sum(calls_created), 0) as created from usage_hourly where tenant_id = :t")
            .bind("t", tenantId)
            .map(row -> row.get("created", Long.class).intValue())
            .one()
            .block();
    }

    private static String statusUpdate(String callId, String status) {
        return "{\"message\":{\"type\":\"status-update\",\"status\":\"" + status + "\",\"call\":{\"id\":\"" + callId
                + "\",\"createdAt\":\"2026-03-01T09:59:00.000Z\"}}}";
    }

    private static String report(String callId, Instant startedAt, Instant endedAt, BigDecimal cost) {
        return "{\"message\":{\"type\":\"end-of-call-report\",\"endedReason\":\"customer-ended-call\",\"startedAt\":\""
                + startedAt + "\",\"endedAt\":\"" + endedAt + "\",\"cost\":" + cost.toPlainString()
                + ",\"costs\":[{\"type\":\"vapi\",\"cost\":" + cost.toPlainString() + "}],"
                + "\"call\":{\"id\":\"" + callId + "\",\"createdAt\":\"2026-03-01T09:59:00.000Z\"}}}";
    }

    /** One webhook delivery: the tenant URL it goes to and its body. */
    private record Delivery(String tenantId, String body) {
    }

    /** What the ledger must hold for a tenant; compared with scale-insensitive decimals. */
    private record Expected(int calls, BigDecimal minutes, BigDecimal cost) {

        Expected plus(Expected other) {
            return new Expected(this.calls + other.calls, this.minutes.add(other.minutes), this.cost.add(other.cost));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Expected that && this.calls == that.calls
                    && this.minutes.compareTo(that.minutes) == 0 && this.cost.compareTo(that.cost) == 0;
        }

        @Override
        public int hashCode() {
            return Integer.hashCode(this.calls);
        }
    }
}

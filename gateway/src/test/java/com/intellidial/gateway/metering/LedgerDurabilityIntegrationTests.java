package com.intellidial.gateway.metering;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ledger loses nothing and counts nothing twice when PostgreSQL goes away mid-run, when the
 * buffer overflows, on graceful shutdown with the database down, and when the process is killed
 * with {@code kill -9} while events sit in the spill file.
 */
class LedgerDurabilityIntegrationTests {

    @BeforeAll
    static void migrate() {
        LedgerDatabase.migrate();
    }

    @Test
    void databaseOutageMidRunLosesNothingAndCountsNothingTwice(@TempDir Path spillDir) throws Exception {
        String tenant = tenant("outage");
        int total = 3000;
        try (TcpProxy proxy = new TcpProxy(LedgerDatabase.host(), LedgerDatabase.port())) {
            DatabaseClient client = LedgerDatabase.client("127.0.0.1", proxy.port());
            Ledger ledger = LedgerDatabase.ledger(client, LedgerDatabase.properties(spillDir, 10_000));
            AtomicInteger sent = new AtomicInteger();
            ExecutorService emitters = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                emitters.submit(() -> {
                    int i;
                    while ((i = sent.getAndIncrement()) < total) {
                        ledger.record(request(tenant, i));
                        if (i % 50 == 0) {
                            sleep(5);
                        }
                    }
                });
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() >= total / 3);
            proxy.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() >= 2 * total / 3);
            await().atMost(Duration.ofSeconds(20)).until(() -> !spillSegments(spillDir).isEmpty());
            proxy.start();
            emitters.shutdown();
            assertThat(emitters.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            awaitCounted(tenant, total);
            ledger.stop();
        }
        assertExactlyOnce(tenant, total);
        assertThat(spillSegments(spillDir)).isEmpty();
    }

    @Test
    void fullBufferSpillsAndReplaysEverything(@TempDir Path spillDir) {
        String tenant = tenant("overflow");
        int total = 2000;
        Ledger ledger = LedgerDatabase.ledger(LedgerDatabase.client(LedgerDatabase.host(), LedgerDatabase.port()),
                LedgerDatabase.properties(spillDir, 10));
        for (int i = 0; i < total; i++) {
            ledger.record(request(tenant, i));
        }
        awaitCounted(tenant, total);
        ledger.stop();
        assertExactlyOnce(tenant, total);
    }

    @Test
    void gracefulShutdownWithDatabaseDownSpillsAndTheNextStartReplays(@TempDir Path spillDir) throws Exception {
        String tenant = tenant("shutdown");
        int total = 500;
        try (TcpProxy proxy = new TcpProxy(LedgerDatabase.host(), LedgerDatabase.port())) {
            proxy.stop();
            MeteringProperties slow = new MeteringProperties(true, 10_000, 50, Duration.ofMinutes(1),
                    Duration.ofSeconds(1), spillDir, Duration.ofMinutes(1), Duration.ofSeconds(5),
                    new MeteringProperties.TenantTags(10), Duration.ofDays(35), Duration.ofHours(1));
            Ledger ledger = LedgerDatabase.ledger(LedgerDatabase.client("127.0.0.1", proxy.port()), slow);
            for (int i = 0; i < total; i++) {
                ledger.record(request(tenant, i));
            }
            ledger.stop();
        }
        assertThat(LedgerDatabase.number("select count(*) from usage_events where tenant_id = ?", tenant)).isZero();
        assertThat(spillSegments(spillDir)).isNotEmpty();
        Ledger next = LedgerDatabase.ledger(LedgerDatabase.client(LedgerDatabase.host(), LedgerDatabase.port()),
                LedgerDatabase.properties(spillDir, 10_000));
        awaitCounted(tenant, total);
        await().atMost(Duration.ofSeconds(10)).until(() -> spillSegments(spillDir).isEmpty());
        next.stop();
        assertExactlyOnce(tenant, total);
    }

    @Test
    void killMinusNineWithEventsInTheSpillFileReplaysThemExactlyOnceOnStart(@TempDir Path spillDir) throws Exception {
        String tenant = tenant("killed");
        int total = 700;
        Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                SpillingChild.class.getName(), spillDir.toString(), tenant, String.valueOf(total))
            .redirectErrorStream(true)
            .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals(SpillingChild.READY)) {
                // the child's log
            }
            assertThat(line).as("child output").isEqualTo(SpillingChild.READY);
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(spillSegments(spillDir)).isNotEmpty();
        DatabaseClient client = LedgerDatabase.client(LedgerDatabase.host(), LedgerDatabase.port());
        Ledger ledger = LedgerDatabase.ledger(client, LedgerDatabase.properties(spillDir, 10_000));
        awaitCounted(tenant, total);
        await().atMost(Duration.ofSeconds(10)).until(() -> spillSegments(spillDir).isEmpty());
        ledger.stop();
        // A second start on the same directory finds nothing left to replay.
        Ledger again = LedgerDatabase.ledger(client, LedgerDatabase.properties(spillDir, 10_000));
        again.stop();
        assertExactlyOnce(tenant, total);
    }

    static RequestUsage request(String tenant, int i) {
        return new RequestUsage(tenant + "-" + i, "req-" + i, tenant, "key1", null, "GET", (i % 10 == 0) ? 404 : 200,
                10, 100, 5, Instant.parse("2025-06-01T10:15:00Z").plusSeconds(i));
    }

    private static String tenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void awaitCounted(String tenant, long total) {
        await().atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> LedgerDatabase.number("select count(*) from usage_events where tenant_id = ?", tenant) >= total);
    }

    /** Every event once in the idempotency table, and the counters add up to exactly the events. */
    private static void assertExactlyOnce(String tenant, long total) {
        assertThat(LedgerDatabase.number("select count(*) from usage_events where tenant_id = ?", tenant)).isEqualTo(total);
        List<Map<String, Object>> hours = LedgerDatabase.query(
                "select sum(requests) as requests, sum(errors) as errors, sum(request_bytes) as rb, sum(response_bytes) as sb,"
                        + " sum(upstream_millis) as ms from usage_hourly where tenant_id = ?", tenant);
        Map<String, Object> sums = hours.get(0);
        assertThat(((Number) sums.get("requests")).longValue()).isEqualTo(total);
        assertThat(((Number) sums.get("errors")).longValue()).isEqualTo((total + 9) / 10);
        assertThat(((Number) sums.get("rb")).longValue()).isEqualTo(10 * total);
        assertThat(((Number) sums.get("sb")).longValue()).isEqualTo(100 * total);
        assertThat(((Number) sums.get("ms")).longValue()).isEqualTo(5 * total);
    }

    static List<Path> spillSegments(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jsonl")).toList();
        }
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}

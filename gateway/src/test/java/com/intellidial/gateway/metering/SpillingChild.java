package com.intellidial.gateway.metering;

import java.nio.file.Path;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The process {@code LedgerDurabilityIntegrationTests} kills with {@code kill -9}: a ledger whose
 * database is unreachable records events until all are in the spill file, prints {@link #READY},
 * and waits to be killed.
 */
public final class SpillingChild {

    static final String READY = "SPILLED";

    private SpillingChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path spillDir = Path.of(args[0]);
        String tenant = args[1];
        int total = Integer.parseInt(args[2]);
        DatabaseClient unreachable = DatabaseClient.create(new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration
            .builder()
            .host("127.0.0.1")
            .port(1)
            .username("nobody")
            .connectTimeout(Duration.ofMillis(500))
            .build()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Ledger ledger = new Ledger(new LedgerWriter(unreachable), LedgerDatabase.properties(spillDir, 10_000), registry);
        ledger.start();
        for (int i = 0; i < total; i++) {
            ledger.record(LedgerDurabilityIntegrationTests.request(tenant, i));
        }
        while (registry.get("gateway.metering.spilled").counter().count() < total) {
            Thread.sleep(20);
        }
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

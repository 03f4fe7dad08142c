package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotency keys past their retention are deleted in bounded batches; younger keys stay, so a
 * duplicate of a recent event is still refused.
 */
class UsageKeyPurgeIntegrationTests {

    private static DatabaseClient database;

    @BeforeAll
    static void migrate() {
        LedgerDatabase.migrate();
        database = LedgerDatabase.client(LedgerDatabase.host(), LedgerDatabase.port());
    }

    @Test
    void deletesKeysOlderThanTheRetentionInBatchesAndKeepsTheRest() {
        String run = UUID.randomUUID().toString();
        for (int i = 0; i < 5; i++) {
            insertKey(run + "-old-" + i, "40 days");
        }
        insertKey(run + "-recent-0", "2 days");
        insertKey(run + "-recent-1", "1 minute");

        long purged = new LedgerWriter(database).purgeKeys(Duration.ofDays(35), 2).block(Duration.ofSeconds(30));

        assertThat(purged).as("at least this run's 5 old keys, two per statement").isGreaterThanOrEqualTo(5);
        assertThat(LedgerDatabase.number("select count(*) from usage_events where idempotency_key like ?", run + "-old-%"))
            .isZero();
        assertThat(LedgerDatabase.number("select count(*) from usage_events where idempotency_key like ?",
                run + "-recent-%")).isEqualTo(2);
        assertThat(LedgerDatabase.number("select count(*) from usage_events where recorded_at < now() - interval '35 days'"))
            .isZero();
    }

    @Test
    void nothingToPurgeIsZero() {
        String run = UUID.randomUUID().toString();
        insertKey(run + "-recent", "1 hour");
        new LedgerWriter(database).purgeKeys(Duration.ofDays(35)).block(Duration.ofSeconds(30));
        assertThat(new LedgerWriter(database).purgeKeys(Duration.ofDays(35)).block(Duration.ofSeconds(30))).isZero();
        assertThat(LedgerDatabase.number("select count(*) from usage_events where idempotency_key = ?", run + "-recent"))
            .isEqualTo(1);
    }

    private static void insertKey(String key, String age) {
        database.sql("insert into usage_events (idempotency_key, tenant_id, kind, occurred_at, recorded_at) "
                + "values ($1, 'purge-test', 'request', now() - $2::interval, now() - $2::interval)")
            .bind(0, key)
            .bind(1, age)
            .then()
            .block(Duration.ofSeconds(10));
    }
}

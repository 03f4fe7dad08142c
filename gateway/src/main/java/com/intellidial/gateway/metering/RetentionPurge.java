package com.intellidial.gateway.metering;

import java.time.Duration;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Deletes the rows of a table of idempotency records that are older than a retention (by the
 * database's clock), a bounded batch per statement so no statement holds locks for long. Safe on
 * any number of instances at once.
 */
public final class RetentionPurge {

    /** Rows per statement unless told otherwise. */
    public static final int DEFAULT_BATCH = 10_000;

    private final DatabaseClient database;

    private final String sql;

    private final int batchSize;

    /**
     * @param database the database
     * @param table the table (a constant of the caller's, never input)
     * @param timeColumn its {@code timestamptz} column that says when a row was recorded
     * @param batchSize the most rows one statement deletes
     */
    public RetentionPurge(DatabaseClient database, String table, String timeColumn, int batchSize) {
        this.database = database;
        this.sql = "delete from " + table + " t using (select ctid from " + table + " where " + timeColumn
                + " < now() - $1 * interval '1 second' limit $2) old where t.ctid = old.ctid";
        this.batchSize = batchSize;
    }

    /** Deletes every row recorded more than {@code retention} ago; emits how many. */
    public Mono<Long> olderThan(Duration retention) {
        Mono<Long> batch = this.database.sql(this.sql)
            .bind(0, retention.toSeconds())
            .bind(1, this.batchSize)
            .fetch()
            .rowsUpdated();
        return batch.expand(deleted -> (deleted >= this.batchSize) ? batch : Mono.empty()).reduce(0L, Long::sum);
    }
}

package com.intellidial.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The append-only, tamper-evident log of admin actions. Each row carries
 * {@code sha256(previous hash || content)}, where content is the canonical JSON of its own fields;
 * {@code prev_hash} is unique, so two instances appending at once cannot fork the chain (the
 * loser re-reads the head and retries). {@link #verify()} walks the chain.
 */
public final class AuditLog {

    /** The previous hash of the first row. */
    static final byte[] GENESIS = new byte[32];

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String APPEND = """
            insert into audit_log (at, actor, action, tenant_id, request_id, outcome, content, prev_hash, hash)
            select $1, $2, $3, $4, $5, $6, $7, head.h, sha256(head.h || convert_to($7, 'UTF8'))
            from (select coalesce((select hash from audit_log order by seq desc limit 1), $8) as h) head
            """;

    private final DatabaseClient db;

    AuditLog(DatabaseClient db) {
        this.db = db;
    }

    /** Appends one entry; retries when another writer took the chain's head first. */
    public Mono<Void> append(Entry entry) {
        Entry exact = entry.truncated();
        DatabaseClient.GenericExecuteSpec insert = this.db.sql(APPEND)
            .bind(0, exact.at())
            .bind(1, exact.actor())
            .bind(2, exact.action())
            .bind(4, exact.requestId())
            .bind(5, exact.outcome())
            .bind(6, exact.content())
            .bind(7, GENESIS);
        DatabaseClient.GenericExecuteSpec bound = (exact.tenantId() != null) ? insert.bind(3, exact.tenantId())
                : insert.bindNull(3, String.class);
        return bound.then()
            .retryWhen(Retry.backoff(20, Duration.ofMillis(2)).maxBackoff(Duration.ofMillis(50))
                .filter(DataIntegrityViolationException.class::isInstance));
    }

    /** Entries matching the filter, newest first. */
    public Mono<List<Row>> query(@Nullable String tenantId, @Nullable String actor, @Nullable String action,
            @Nullable Instant from, @Nullable Instant to, int limit, long offset) {
        StringBuilder sql = new StringBuilder("select seq, at, actor, action, tenant_id, request_id, outcome from audit_log where true");
        List<Object> values = new ArrayList<>();
        addFilter(sql, values, "tenant_id = ", tenantId);
        addFilter(sql, values, "actor = ", actor);
        addFilter(sql, values, "action = ", action);
        addFilter(sql, values, "at >= ", from);
        addFilter(sql, values, "at < ", to);
        sql.append(" order by seq desc limit ").append(limit).append(" offset ").append(offset);
        DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql.toString());
        for (int i = 0; i < values.size(); i++) {
            spec = spec.bind(i, values.get(i));
        }
        return spec.map(AuditLog::row).all().collectList();
    }

    private static void addFilter(StringBuilder sql, List<Object> values, String condition, @Nullable Object value) {
        if (value != null) {
            values.add(value);
            sql.append(" and ").append(condition).append('$').append(values.size());
        }
    }

    /**
     * Walks the whole chain in order and reports the first row that does not hold: its content
     * differs from its fields, its previous hash is not the row before's hash, or its hash is not
     * the hash of the two.
     */
    public Mono<Verification> verify() {
        return this.db.sql("select seq, at, actor, action, tenant_id, request_id, outcome, content, prev_hash, hash from audit_log order by seq")
            .map(row -> new Stored(row(row), String.valueOf(row.get("content", String.class)), bytes(row, "prev_hash"),
                    bytes(row, "hash")))
            .all()
            .reduce(new Verification(true, 0, null, null), (state, stored) -> {
                if (!state.intact()) {
                    return state;
                }
                byte[] expectedPrev = (state.checked() == 0) ? GENESIS : state.headHash();
                Row row = stored.row();
                String problem = null;
                if (!stored.content().equals(new Entry(row.at(), row.actor(), row.action(), row.tenantId(), row.requestId(),
                        row.outcome()).content())) {
                    problem = "its fields do not match its recorded content";
                }
                else if (!MessageDigest.isEqual(stored.prevHash(), expectedPrev)) {
                    problem = "it does not follow the row before it (a row was removed, inserted or reordered)";
                }
                else if (!MessageDigest.isEqual(stored.hash(), sha256(stored.prevHash(), stored.content()))) {
                    problem = "its hash does not match its content";
                }
                return (problem != null) ? new Verification(false, state.checked(), row.seq() + ": " + problem, null)
                        : new Verification(true, state.checked() + 1, null, stored.hash());
            })
            .map(state -> new Verification(state.intact(), state.checked(), state.firstBrokenRow(), null));
    }

    private static Row row(Readable row) {
        OffsetDateTime at = row.get("at", OffsetDateTime.class);
        Number seq = row.get("seq", Number.class);
        Number outcome = row.get("outcome", Number.class);
        return new Row((seq != null) ? seq.longValue() : 0, (at != null) ? at.toInstant() : Instant.EPOCH,
                String.valueOf(row.get("actor", String.class)), String.valueOf(row.get("action", String.class)),
                row.get("tenant_id", String.class), String.valueOf(row.get("request_id", String.class)),
                (outcome != null) ? outcome.intValue() : 0);
    }

    private static byte[] bytes(Readable row, String column) {
        byte[] value = row.get(column, byte[].class);
        return (value != null) ? value : new byte[0];
    }

    static byte[] sha256(byte[] prev, String content) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(prev);
            return digest.digest(content.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }

    /**
     * One admin action, never with a secret.
     * @param at when it was answered
     * @param actor who ({@code admin:<token id>})
     * @param action what: method and route pattern, e.g. {@code POST /admin/v1/tenants/{tenantId}/keys}
     * @param tenantId the tenant it concerned, if any
     * @param requestId the request id
     * @param outcome the HTTP status answered
     */
    public record Entry(Instant at, String actor, String action, @Nullable String tenantId, String requestId, int outcome) {

        /** PostgreSQL keeps microseconds: the content must be computed from what is stored. */
        Entry truncated() {
            return new Entry(this.at.truncatedTo(ChronoUnit.MICROS), this.actor, this.action, this.tenantId,
                    this.requestId, this.outcome);
        }

        /** The canonical JSON the row's hash covers. */
        String content() {
            ObjectNode node = JSON.createObjectNode();
            node.put("at", this.at.truncatedTo(ChronoUnit.MICROS).toString());
            node.put("actor", this.actor);
            node.put("action", this.action);
            node.put("tenantId", this.tenantId);
            node.put("requestId", this.requestId);
            node.put("outcome", this.outcome);
            return JSON.writeValueAsString(node);
        }
    }

    /**
     * A stored entry.
     * @param seq its position in the chain
     * @param at when
     * @param actor who
     * @param action what
     * @param tenantId the tenant, if any
     * @param requestId the request id
     * @param outcome the HTTP status answered
     */
    public record Row(long seq, Instant at, String actor, String action, @Nullable String tenantId, String requestId,
            int outcome) {
    }

    private record Stored(Row row, String content, byte[] prevHash, byte[] hash) {
    }

    /**
     * The result of walking the chain.
     * @param intact whether every row holds
     * @param checked how many rows held before the first that does not
     * @param firstBrokenRow the first row that does not hold and why, or {@code null}
     * @param headHash internal: the hash of the last row checked
     */
    public record Verification(boolean intact, long checked, @Nullable String firstBrokenRow, byte @Nullable [] headHash) {
    }
}

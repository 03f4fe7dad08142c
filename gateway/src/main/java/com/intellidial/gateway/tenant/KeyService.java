package com.intellidial.gateway.tenant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The lifecycle of gateway keys: issue (the secret is returned once and never again), list, rotate
 * with a grace period, revoke. Every change is evicted from every instance's key cache through
 * {@link ApiKeyEvents}; a grace period ends by the key's own expiry, checked on every request, so it
 * needs no event at all.
 */
public final class KeyService {

    /** Longest grace period a rotation may give the old key. */
    public static final Duration MAX_GRACE = Duration.ofDays(7);

    /** Grace period when the caller names none. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);

    private static final String SELECT = """
            select key_id, label, status, created_at, expires_at, revoked_at, last_used_at, rotated_to
            from api_keys""";

    private final DatabaseClient db;

    private final ApiKeyEvents events;

    private final String env;

    private final Clock clock;

    KeyService(DatabaseClient db, ApiKeyEvents events, String env, Clock clock) {
        this.db = db;
        this.events = events;
        this.env = env;
        this.clock = clock;
    }

    /** Mints a key for the tenant. */
    public Mono<IssuedKey> issue(String tenantId, @Nullable String label, @Nullable Instant expiresAt) {
        String keyId = "k" + UUID.randomUUID().toString().replace("-", "").substring(0, 24).toLowerCase(Locale.ROOT);
        ApiKey key = ApiKey.generate(this.env, keyId);
        DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
                insert into api_keys (key_id, tenant_id, env, secret_sha256, label, expires_at) values ($1, $2, $3, $4, $5, $6)""")
            .bind(0, keyId)
            .bind(1, tenantId)
            .bind(2, this.env)
            .bind(3, key.secretHash());
        insert = (label != null) ? insert.bind(4, label) : insert.bindNull(4, String.class);
        insert = (expiresAt != null) ? insert.bind(5, expiresAt) : insert.bindNull(5, Instant.class);
        return insert.then().then(find(tenantId, keyId)).map(info -> new IssuedKey(info, key.value()));
    }

    /** The tenant's keys, newest first; never a secret or its hash. */
    public Mono<List<KeyInfo>> list(String tenantId) {
        return this.db.sql(SELECT + " where tenant_id = $1 order by created_at desc, key_id")
            .bind(0, tenantId)
            .map(this::info)
            .all()
            .collectList();
    }

    /** One of the tenant's keys; empty when the tenant has no such key. */
    public Mono<KeyInfo> find(String tenantId, String keyId) {
        return this.db.sql(SELECT + " where tenant_id = $1 and key_id = $2")
            .bind(0, tenantId)
            .bind(1, keyId)
            .map(this::info)
            .one();
    }

    /**
     * Issues a successor for a key (same label) and lets the old one work for {@code grace} more
     * (never longer than it would have anyway); a grace of zero revokes it at once.
     * @return the new key, or empty when the tenant has no such active key
     */
    public Mono<IssuedKey> rotate(String tenantId, String keyId, Duration grace) {
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw new IllegalArgumentException("grace must be from 0 to " + MAX_GRACE);
        }
        return find(tenantId, keyId).filter(info -> info.status().equals("active")).flatMap(old -> issue(tenantId, old.label(),
                null).flatMap(issued -> {
                    Instant until = this.clock.instant().plus(grace);
                    Mono<Void> retire = grace.isZero() ? revokeRow(tenantId, keyId)
                            : this.db.sql("""
                                    update api_keys set expires_at = least(coalesce(expires_at, $3), $3), rotated_to = $4
                                    where tenant_id = $1 and key_id = $2""")
                                .bind(0, tenantId).bind(1, keyId).bind(2, until).bind(3, issued.key().keyId())
                                .then();
                    return retire.then(this.events.keyChanged(keyId)).thenReturn(issued);
                }));
    }

    /** Revokes a key now, on every instance; false when the tenant has no such key. */
    public Mono<Boolean> revoke(String tenantId, String keyId) {
        return find(tenantId, keyId).flatMap(found -> revokeRow(tenantId, keyId).then(this.events.keyChanged(keyId))
            .thenReturn(true)).defaultIfEmpty(false);
    }

    /** Revokes every key of a tenant (offboarding). */
    public Mono<Void> revokeAll(String tenantId) {
        return this.db.sql("update api_keys set status = 'revoked', revoked_at = coalesce(revoked_at, now()) where tenant_id = $1")
            .bind(0, tenantId)
            .then()
            .then(this.events.tenantChanged(tenantId));
    }

    private Mono<Void> revokeRow(String tenantId, String keyId) {
        return this.db.sql("""
                update api_keys set status = 'revoked', revoked_at = coalesce(revoked_at, now())
                where tenant_id = $1 and key_id = $2""")
            .bind(0, tenantId)
            .bind(1, keyId)
            .then();
    }

    private KeyInfo info(Readable row) {
        Instant expires = TenantRepository.instant(row, "expires_at");
        String stored = String.valueOf(row.get("status", String.class));
        String status = stored.equals("revoked") ? "revoked"
                : (expires != null && !this.clock.instant().isBefore(expires)) ? "expired" : "active";
        return new KeyInfo(String.valueOf(row.get("key_id", String.class)), row.get("label", String.class), status,
                TenantRepository.instant(row, "created_at"), expires, TenantRepository.instant(row, "revoked_at"),
                TenantRepository.instant(row, "last_used_at"), row.get("rotated_to", String.class));
    }

    /**
     * A gateway key as listed.
     * @param keyId the public key id
     * @param label what the admin called it
     * @param status {@code active}, {@code expired} or {@code revoked}
     * @param createdAt when it was issued
     * @param expiresAt when it stops working (a rotation's grace end), or {@code null}
     * @param revokedAt when it was revoked, or {@code null}
     * @param lastUsedAt when it was last used (recorded at most once a minute), or {@code null}
     * @param rotatedTo the key that replaced it, or {@code null}
     */
    public record KeyInfo(String keyId, @Nullable String label, String status, @Nullable Instant createdAt,
            @Nullable Instant expiresAt, @Nullable Instant revokedAt, @Nullable Instant lastUsedAt,
            @Nullable String rotatedTo) {
    }

    /**
     * A freshly issued key.
     * @param key what is stored about it
     * @param secret the full key, shown once and never again
     */
    public record IssuedKey(KeyInfo key, String secret) {
    }
}

package com.intellidial.gateway.metering;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.cluster.ClusterEventListener;
import com.intellidial.gateway.cluster.ClusterEvents;

/**
 * Per-tenant rate limits set through the admin API ({@code tenant_rate_limits}), over the
 * configured ones. The whole (small) table is held in memory, so the request path does one map
 * lookup; every instance reloads it when one publishes a change on {@value #CHANNEL}, and after a
 * reconnect of its listener.
 */
public final class TenantRateLimits extends ClusterEventListener {

    /** The cluster channel that carries rate-limit changes. */
    public static final String CHANNEL = "gateway_rate_limits";

    private static final Logger log = LoggerFactory.getLogger(TenantRateLimits.class);

    private final DatabaseClient db;

    private final RateLimitProperties properties;

    private volatile Map<String, RateLimitProperties.Bucket> stored = Map.of();

    TenantRateLimits(DatabaseClient db, RateLimitProperties properties, ClusterEvents events) {
        super(events, CHANNEL);
        this.db = db;
        this.properties = properties;
    }

    /** The tenant bucket of a tenant: set through the admin API, else configured, else the default. */
    public RateLimitProperties.Bucket bucketFor(String tenantId) {
        RateLimitProperties.Bucket bucket = this.stored.get(tenantId);
        return (bucket != null) ? bucket : this.properties.tenantBucket(tenantId);
    }

    /** The override set through the admin API, or {@code null}. */
    public RateLimitProperties.@Nullable Bucket stored(String tenantId) {
        return this.stored.get(tenantId);
    }

    /** Sets (or, with {@code null}, removes) a tenant's override, on every instance. */
    public Mono<Void> set(String tenantId, RateLimitProperties.@Nullable Bucket bucket) {
        Mono<Void> write = (bucket == null)
                ? this.db.sql("delete from tenant_rate_limits where tenant_id = $1").bind(0, tenantId).then()
                : this.db.sql("""
                        insert into tenant_rate_limits (tenant_id, replenish_rate, burst_capacity) values ($1, $2, $3)
                        on conflict (tenant_id) do update set replenish_rate = excluded.replenish_rate,
                            burst_capacity = excluded.burst_capacity, updated_at = now()""")
                    .bind(0, tenantId)
                    .bind(1, bucket.replenishRate())
                    .bind(2, bucket.burstCapacity())
                    .then();
        return write.then(reload()).then(publish(tenantId));
    }

    Mono<Void> reload() {
        return this.db.sql("select tenant_id, replenish_rate, burst_capacity from tenant_rate_limits")
            .map(row -> {
                Number rate = row.get("replenish_rate", Number.class);
                Number burst = row.get("burst_capacity", Number.class);
                return Map.entry(String.valueOf(row.get("tenant_id", String.class)), new RateLimitProperties.Bucket(
                        (rate != null) ? rate.doubleValue() : 1, (burst != null) ? burst.longValue() : 1));
            })
            .all()
            .collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new)
            .doOnNext(loaded -> this.stored = Map.copyOf(loaded))
            .then();
    }

    @Override
    protected void onClusterEvent(String payload) {
        reload().subscribe(null, ex -> log.warn("Could not reload tenant rate limits: {}", ex.toString()));
    }

    @Override
    protected void onListening() {
        onClusterEvent("");
    }
}

package com.intellidial.gateway.tenant;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.cluster.PresenceExpiry;

/**
 * Tenants by id for the webhook endpoints, which learn the tenant from the URL before anything
 * proves who is calling: a cache in front of {@link TenantRepository#findTenant}, so posting to
 * {@code /webhooks/.../{any id}} costs no query per request (concurrent misses share one, unknown
 * ids are remembered for the shorter TTL). Suspension, resumption, offboarding and updates evict
 * through {@link ApiKeyEvents} on every instance; the TTLs bound a missed notification.
 * {@code gateway.tenants.directory.loads} counts the queries.
 */
public final class TenantDirectory {

    private static final Duration FOUND_TTL = Duration.ofSeconds(60);

    private static final Duration UNKNOWN_TTL = Duration.ofSeconds(5);

    private final AsyncLoadingCache<String, Optional<Tenant>> cache;

    TenantDirectory(TenantRepository repository, MeterRegistry meters) {
        Counter loads = Counter.builder("gateway.tenants.directory.loads")
            .description("Tenant lookups by id that reached the database")
            .register(meters);
        this.cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfter(new PresenceExpiry<String, Tenant>(FOUND_TTL, UNKNOWN_TTL))
            .buildAsync((id, executor) -> {
                loads.increment();
                return repository.findTenant(id).map(Optional::of).defaultIfEmpty(Optional.empty()).toFuture();
            });
    }

    /** The tenant with this id; empty when there is none (ids that are not tenant ids are never looked up). */
    public Mono<Tenant> find(String id) {
        if (!Tenant.ID_PATTERN.matcher(id).matches()) {
            return Mono.empty();
        }
        return Mono.fromFuture(() -> this.cache.get(id), true).flatMap(Mono::justOrEmpty);
    }

    void evict(String tenantId) {
        this.cache.synchronous().invalidate(tenantId);
    }

    void evictAll() {
        this.cache.synchronous().invalidateAll();
    }
}

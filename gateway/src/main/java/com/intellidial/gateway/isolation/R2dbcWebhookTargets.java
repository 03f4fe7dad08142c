package com.intellidial.gateway.isolation;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@link WebhookTargets} on the {@code webhook_targets} table: one row per resource and body field
 * whose URL the gateway replaced ({@code server.url}, {@code voice.server.url}, ...). Resource URLs
 * are cached briefly and evicted on write on this instance.
 */
final class R2dbcWebhookTargets implements WebhookTargets {

    /** The field whose URL is the resource's own webhook, the one {@link #tenantUrl} answers. */
    static final String SERVER_URL = "server.url";

    private final DatabaseClient db;

    private final AsyncLoadingCache<Key, Optional<String>> urls;

    R2dbcWebhookTargets(DatabaseClient db) {
        this.db = db;
        this.urls = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .buildAsync((key, executor) -> this.db
                .sql("select url from webhook_targets where tenant_id = $1 and resource_type = $2"
                        + " and resource_id = $3 and field = $4")
                .bind(0, key.tenantId()).bind(1, key.type()).bind(2, key.id()).bind(3, SERVER_URL)
                .map(row -> row.get(0, String.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .toFuture());
    }

    @Override
    public Mono<String> tenantUrl(String tenantId, String resourceType, String resourceId) {
        return Mono.fromFuture(() -> this.urls.get(new Key(tenantId, resourceType, resourceId))).flatMap(Mono::justOrEmpty);
    }

    @Override
    public Mono<String> defaultUrl(String tenantId) {
        return this.db.sql("select webhook_url from tenants where id = $1")
            .bind(0, tenantId)
            .map(row -> Optional.ofNullable(row.get(0, String.class)))
            .one()
            .flatMap(Mono::justOrEmpty);
    }

    /**
     * Remembers the tenant's own URL for one field of one of its resources.
     * @param field the body field path the URL was in, relative to the resource, e.g. {@code server.url}
     */
    Mono<Void> remember(String tenantId, String resourceType, String resourceId, String field, String url) {
        return this.db.sql("insert into webhook_targets (tenant_id, resource_type, resource_id, field, url)"
                + " values ($1, $2, $3, $4, $5) on conflict (resource_type, resource_id, field)"
                + " do update set url = excluded.url, updated_at = now() where webhook_targets.tenant_id = excluded.tenant_id")
            .bind(0, tenantId).bind(1, resourceType).bind(2, resourceId).bind(3, field).bind(4, url)
            .then()
            .then(Mono.fromRunnable(() -> this.urls.synchronous().invalidate(new Key(tenantId, resourceType, resourceId))));
    }

    /** Forgets every URL of a deleted resource of the tenant. */
    Mono<Void> forget(String tenantId, String resourceType, String resourceId) {
        return this.db.sql("delete from webhook_targets where tenant_id = $1 and resource_type = $2 and resource_id = $3")
            .bind(0, tenantId).bind(1, resourceType).bind(2, resourceId)
            .then()
            .then(Mono.fromRunnable(() -> this.urls.synchronous().invalidate(new Key(tenantId, resourceType, resourceId))));
    }

    private record Key(String tenantId, String type, String id) {
    }
}

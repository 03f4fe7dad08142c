package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.intellidial.gateway.cluster.PresenceExpiry;
import com.intellidial.gateway.cluster.ClusterEventListener;
import com.intellidial.gateway.cluster.ClusterEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.Assert;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link OwnershipStore} on the {@code ownership} table behind two Caffeine caches (resource to
 * owner, alias to resource). Concurrent misses share one query, misses are cached briefly, a list
 * of ids is loaded in one query, and every write evicts locally and on the other instances through
 * the {@value #CHANNEL} cluster channel. Each database read counts in
 * {@code gateway.isolation.ownership.loads}.
 */
final class CachingOwnershipStore extends ClusterEventListener implements OwnershipStore {

    /** The cluster channel that carries ownership evictions. */
    static final String CHANNEL = "gateway_ownership";

    private static final Logger log = LoggerFactory.getLogger(CachingOwnershipStore.class);

    private static final Pattern ALIAS = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final DatabaseClient db;

    private final AsyncLoadingCache<ResourceKey, Optional<String>> owners;

    private final AsyncLoadingCache<AliasKey, Optional<String>> aliases;

    private final Counter loads;


    CachingOwnershipStore(DatabaseClient db, ClusterEvents events, IsolationProperties properties,
            MeterRegistry meters) {
        super(events, CHANNEL);
        this.db = db;
        this.loads = Counter.builder("gateway.isolation.ownership.loads")
            .description("Ownership and alias lookups that went to the database")
            .register(meters);
        this.owners = Caffeine.newBuilder()
            .maximumSize(properties.cacheSize())
            .expireAfter(new PresenceExpiry<Object, String>(properties.ownershipTtl(), properties.negativeTtl()))
            .buildAsync(new OwnerLoader());
        this.aliases = Caffeine.newBuilder()
            .maximumSize(properties.cacheSize() / 10)
            .expireAfter(new PresenceExpiry<Object, String>(properties.ownershipTtl(), properties.negativeTtl()))
            .buildAsync((AliasKey key, Executor executor) -> loadAlias(key));
    }

    /** Whether {@code alias} is a well-formed alias name. */
    static boolean isAlias(String alias) {
        return ALIAS.matcher(alias).matches();
    }

    @Override
    public Mono<Boolean> isOwnedBy(String tenantId, String upstream, String type, String upstreamId) {
        return ownerOf(upstream, type, upstreamId).map(tenantId::equals).defaultIfEmpty(false);
    }

    @Override
    public Mono<String> ownerOf(String upstream, String type, String upstreamId) {
        return Mono.fromFuture(() -> this.owners.get(new ResourceKey(upstream, type, upstreamId)))
            .flatMap(Mono::justOrEmpty);
    }

    /**
     * The owners of many resources of one type, loading every cold one in a single query.
     * @return upstream id to owning tenant, for the owned ones only
     */
    Mono<Map<String, String>> ownersOf(String upstream, String type, Collection<String> upstreamIds) {
        List<ResourceKey> keys = upstreamIds.stream().distinct().map(id -> new ResourceKey(upstream, type, id)).toList();
        return Mono.fromFuture(() -> this.owners.getAll(keys)).map(found -> {
            Map<String, String> owned = new HashMap<>();
            found.forEach((key, owner) -> owner.ifPresent(tenant -> owned.put(key.upstreamId(), tenant)));
            return owned;
        });
    }

    @Override
    public Mono<Boolean> claim(String tenantId, String upstream, String type, String upstreamId, @Nullable String alias) {
        Assert.isTrue(alias == null || isAlias(alias), () -> "invalid alias: " + alias);
        Mono<Void> freeAlias = (alias == null) ? Mono.empty()
                : this.db.sql("update ownership set alias = null where tenant_id = $1 and upstream = $2"
                        + " and resource_type = $3 and alias = $4 and upstream_id <> $5 and not exists (select 1"
                        + " from ownership other where other.upstream = $2 and other.resource_type = $3"
                        + " and other.upstream_id = $5 and other.tenant_id <> $1)")
                    .bind(0, tenantId).bind(1, upstream).bind(2, type).bind(3, alias).bind(4, upstreamId)
                    .then();
        DatabaseClient.GenericExecuteSpec upsert = this.db
            .sql("insert into ownership (tenant_id, upstream, resource_type, upstream_id, alias) values ($1, $2, $3, $4, $5)"
                    + " on conflict (upstream, resource_type, upstream_id) do update"
                    + " set alias = coalesce(excluded.alias, ownership.alias) where ownership.tenant_id = excluded.tenant_id")
            .bind(0, tenantId).bind(1, upstream).bind(2, type).bind(3, upstreamId);
        upsert = (alias != null) ? upsert.bind(4, alias) : upsert.bindNull(4, String.class);
        // The conditional update writes no row when another tenant owns the resource.
        return freeAlias.then(upsert.fetch().rowsUpdated())
            .flatMap(rows -> evict(new ResourceKey(upstream, type, upstreamId), (alias != null) ? tenantId : null)
                .thenReturn(rows > 0));
    }

    @Override
    public Mono<Void> forget(String tenantId, String upstream, String type, String upstreamId) {
        return this.db.sql("delete from ownership where tenant_id = $1 and upstream = $2 and resource_type = $3"
                + " and upstream_id = $4 returning alias")
            .bind(0, tenantId).bind(1, upstream).bind(2, type).bind(3, upstreamId)
            .map(row -> Optional.ofNullable(row.get(0, String.class)))
            .all()
            .collectList()
            .flatMap(removed -> {
                boolean hadAlias = removed.stream().anyMatch(Optional::isPresent);
                return evict(new ResourceKey(upstream, type, upstreamId), hadAlias ? tenantId : null);
            });
    }

    @Override
    public Mono<String> resolveAlias(String tenantId, String upstream, String type, String alias) {
        if (!isAlias(alias)) {
            return Mono.empty();
        }
        return Mono.fromFuture(() -> this.aliases.get(new AliasKey(tenantId, upstream, type, alias)))
            .flatMap(Mono::justOrEmpty);
    }

    /** Evicts here, then tells the other instances (best effort: the TTLs bound a missed message). */
    private Mono<Void> evict(ResourceKey resource, @Nullable String aliasTenant) {
        String payload = "o\t" + resource.upstream() + "\t" + resource.type() + "\t" + resource.upstreamId()
                + ((aliasTenant != null) ? "\t" + aliasTenant : "");
        return Mono.fromRunnable(() -> onClusterEvent(payload))
            .then(publish(payload))
            .onErrorResume(ex -> {
                log.warn("Could not publish an ownership eviction ({}); other instances catch up by TTL", ex.toString());
                return Mono.empty();
            });
    }

    @Override
    protected void onClusterEvent(String payload) {
        String[] parts = payload.split("\t", -1);
        if (parts.length < 4 || !parts[0].equals("o")) {
            log.warn("Ignoring a malformed ownership eviction on channel {}", CHANNEL);
            return;
        }
        this.owners.synchronous().invalidate(new ResourceKey(parts[1], parts[2], parts[3]));
        if (parts.length == 5) {
            String tenant = parts[4];
            Set<AliasKey> stale = this.aliases.synchronous().asMap().keySet();
            stale.removeIf(key -> key.tenantId().equals(tenant) && key.upstream().equals(parts[1])
                    && key.type().equals(parts[2]));
        }
    }

    private CompletableFuture<Optional<String>> loadAlias(AliasKey key) {
        this.loads.increment();
        return this.db.sql("select upstream_id from ownership where tenant_id = $1 and upstream = $2"
                + " and resource_type = $3 and alias = $4")
            .bind(0, key.tenantId()).bind(1, key.upstream()).bind(2, key.type()).bind(3, key.alias())
            .map(row -> row.get(0, String.class))
            .one()
            .map(Optional::of)
            .defaultIfEmpty(Optional.empty())
            .toFuture();
    }




    /** Loads owners one at a time or, for a list response, all cold ids of a type in one query. */
    private final class OwnerLoader implements AsyncCacheLoader<ResourceKey, Optional<String>> {

        @Override
        public CompletableFuture<Optional<String>> asyncLoad(ResourceKey key, Executor executor) {
            return asyncLoadAll(Set.of(key), executor).thenApply(all -> all.getOrDefault(key, Optional.empty()));
        }

        @Override
        public CompletableFuture<Map<ResourceKey, Optional<String>>> asyncLoadAll(Set<? extends ResourceKey> keys,
                Executor executor) {
            Map<List<String>, List<ResourceKey>> byType = new HashMap<>();
            keys.forEach(key -> byType.computeIfAbsent(List.of(key.upstream(), key.type()), k -> new ArrayList<>()).add(key));
            return Flux.fromIterable(byType.entrySet()).concatMap(group -> {
                CachingOwnershipStore.this.loads.increment();
                String[] ids = group.getValue().stream().map(ResourceKey::upstreamId).toArray(String[]::new);
                return CachingOwnershipStore.this.db
                    .sql("select upstream_id, tenant_id from ownership where upstream = $1 and resource_type = $2"
                            + " and upstream_id = any($3)")
                    .bind(0, group.getKey().get(0)).bind(1, group.getKey().get(1)).bind(2, ids)
                    .map(row -> Map.entry(new ResourceKey(group.getKey().get(0), group.getKey().get(1),
                            String.valueOf(row.get(0, String.class))), String.valueOf(row.get(1, String.class))))
                    .all();
            }).collectMap(Map.Entry::getKey, Map.Entry::getValue).map(found -> {
                Map<ResourceKey, Optional<String>> result = new HashMap<>();
                keys.forEach(key -> result.put(key, Optional.ofNullable(found.get(key))));
                return result;
            }).toFuture();
        }
    }

    private record ResourceKey(String upstream, String type, String upstreamId) {
    }

    private record AliasKey(String tenantId, String upstream, String type, String alias) {
    }
}

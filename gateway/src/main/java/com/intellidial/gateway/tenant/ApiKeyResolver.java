package com.intellidial.gateway.tenant;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import com.intellidial.gateway.cluster.PresenceExpiry;
import com.intellidial.gateway.web.FailedAuthentications;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Resolves a presented gateway key to its tenant. Lookups go through a Caffeine
 * {@link AsyncLoadingCache} keyed by key id, so concurrent misses share one R2DBC query and hits
 * never touch the database; unknown key ids are cached for a shorter time. The secret is checked
 * in memory, in constant time, on every request.
 */
@Component
public class ApiKeyResolver {

    /** The challenge sent with every 401 from the tenant-facing API. */
    static final String CHALLENGE = "Bearer realm=\"intellidial-gateway\"";

    private final AsyncLoadingCache<String, Optional<KeyRecord>> cache;

    private final Clock clock;

    private final @Nullable KeyUsage usage;

    private final @Nullable FailedAuthentications failures;

    @Autowired
    ApiKeyResolver(TenantRepository repository, TenantProperties properties, KeyUsage usage,
            FailedAuthentications failures, MeterRegistry meters) {
        this(repository, properties, Clock.systemUTC(), usage, failures, Counter.builder("gateway.tenants.key.loads")
            .description("Gateway key lookups that reached the database")
            .register(meters));
    }

    ApiKeyResolver(TenantRepository repository, TenantProperties properties, Clock clock, @Nullable KeyUsage usage,
            @Nullable FailedAuthentications failures, @Nullable Counter loads) {
        this.clock = clock;
        this.usage = usage;
        this.failures = failures;
        TenantProperties.KeyCache config = properties.keyCache();
        this.cache = Caffeine.newBuilder()
            .maximumSize(config.maximumSize())
            .expireAfter(new PresenceExpiry<String, KeyRecord>(config.ttl(), config.negativeTtl()))
            .buildAsync((keyId, executor) -> {
                if (loads != null) {
                    loads.increment();
                }
                return repository.findKey(keyId).map(Optional::of).defaultIfEmpty(Optional.empty()).toFuture();
            });
    }

    /**
     * Authenticates a request by the gateway key its headers carry (see {@link PresentedKeys}).
     * A client address that failed too often gets 429 for keys not cached ({@link FailedAuthentications}),
     * so floods of random key ids cost no queries.
     * @return the context, or an {@code UNAUTHENTICATED} error when no key, a malformed carrier or
     * conflicting keys were sent; otherwise as {@link #resolve(String)}
     */
    public Mono<TenantContext> authenticate(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        InetSocketAddress client = request.getRemoteAddress();
        Set<String> presented;
        try {
            presented = PresentedKeys.from(headers);
        }
        catch (IllegalArgumentException ex) {
            return Mono.error(unauthenticated("The Authorization header is malformed"));
        }
        if (presented.isEmpty()) {
            return Mono.error(unauthenticated(
                    "An API key is required: send Authorization: Bearer <key>, Basic auth with the key as password, or X-Api-Key"));
        }
        if (presented.size() > 1) {
            return Mono.error(unauthenticated("Conflicting API keys were sent; send exactly one"));
        }
        Optional<ApiKey> parsed = ApiKey.parse(presented.iterator().next());
        if (parsed.isEmpty()) {
            return Mono.error(malformed());
        }
        ApiKey key = parsed.get();
        FailedAuthentications failures = this.failures;
        if (failures == null) {
            return resolve(key);
        }
        return Mono.defer(() -> {
            if (this.cache.getIfPresent(key.keyId()) == null) {
                failures.checkAllowed(client);
            }
            return resolve(key);
        }).doOnError(ex -> ex instanceof GatewayException problem && problem.type() == ProblemType.UNAUTHENTICATED,
                ex -> failures.failed(client));
    }

    /**
     * The tenant context for a presented key.
     * @return the context, or an error: {@code UNAUTHENTICATED} for malformed, unknown, revoked or
     * expired keys (one answer for all, so it is no oracle), {@code TENANT_SUSPENDED} for a suspended tenant
     */
    public Mono<TenantContext> resolve(String presented) {
        return ApiKey.parse(presented).map(this::resolve).orElseGet(() -> Mono.error(malformed()));
    }

    private Mono<TenantContext> resolve(ApiKey key) {
        return Mono.fromFuture(this.cache.get(key.keyId()), true).flatMap(found -> {
            KeyRecord record = found.orElse(null);
            if (record == null || !key.matches(record.secretHash()) || !record.usableAt(this.clock.instant())) {
                return Mono.error(unauthenticated("The API key is not valid"));
            }
            if (record.tenant().suspended()) {
                return Mono.error(new GatewayException(ProblemType.TENANT_SUSPENDED,
                        "The tenant of this API key is suspended"));
            }
            KeyUsage usage = this.usage;
            if (usage != null) {
                usage.used(record.keyId());
            }
            return Mono.just(new TenantContext(record.tenant(), record.keyId()));
        }).onErrorMap(ex -> !(ex instanceof GatewayException), ex -> new GatewayException(
                ProblemType.SERVICE_UNAVAILABLE, "The tenant directory is unavailable; retry shortly", ex));
    }

    /** Drops a key id from this instance's cache (key rotated, revoked, tenant changed). */
    public void evict(String keyId) {
        this.cache.synchronous().invalidate(keyId);
    }

    /** Drops every cached key of one tenant (suspended, resumed, offboarded). */
    public void evictTenant(String tenantId) {
        this.cache.synchronous().asMap().entrySet().removeIf(entry -> entry.getValue().map(record -> record.tenant().id()
            .equals(tenantId)).orElse(false));
    }

    /** Drops every cached key (e.g. after missing cluster events while disconnected). */
    public void evictAll() {
        this.cache.synchronous().invalidateAll();
    }

    private static GatewayException malformed() {
        return unauthenticated("The API key is malformed");
    }

    static GatewayException unauthenticated(String detail) {
        return new GatewayException(ProblemType.UNAUTHENTICATED, detail).withHeader("WWW-Authenticate", CHALLENGE);
    }
}

package com.intellidial.gateway.metering;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.io.ClassPathResource;
import reactor.core.publisher.Mono;

/**
 * Token buckets in Redis, shared by every gateway instance: one atomic Lua script
 * ({@code metering/token_buckets.lua}, in the spirit of SCG's {@code request_rate_limiter.lua})
 * takes a token from the tenant's and the key's bucket together. Uses Lettuce directly, because
 * Spring Data Redis opens its shared connection with a blocking call; here connecting is
 * asynchronous, commands are rejected at once while disconnected, and every call is bounded by
 * {@code gateway.rate-limits.redis.timeout}. Failures surface as errors for
 * {@link RateLimitGlobalFilter}'s outage policy.
 */
final class RedisRateLimiter implements RateLimiter, DisposableBean {

    private static final String SCRIPT = script();

    private final RedisClient client;

    private final RedisURI uri;

    private final Function<String, RateLimitProperties.Bucket> tenantBuckets;

    private final RateLimitProperties properties;

    private final Duration timeout;

    /**
     * The connection, or the attempt to make it. A request that times out while it connects does
     * not cancel the attempt; a failed attempt is replaced by a new one on the next request.
     */
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection = new AtomicReference<>();

    RedisRateLimiter(RedisURI uri, RateLimitProperties properties) {
        this(uri, properties, properties::tenantBucket);
    }

    RedisRateLimiter(RedisURI uri, RateLimitProperties properties, Function<String, RateLimitProperties.Bucket> tenantBuckets) {
        this.uri = uri;
        this.properties = properties;
        this.tenantBuckets = tenantBuckets;
        this.timeout = properties.redis().timeout();
        this.client = RedisClient.create();
        this.client.setOptions(ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
            .timeoutOptions(TimeoutOptions.enabled(this.timeout))
            .build());
        // Connect in the background at once, so the first request does not pay for it; an absent
        // Redis only fails this future, never startup.
        connection();
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        while (true) {
            CompletableFuture<StatefulRedisConnection<String, String>> current = this.connection.get();
            if (current != null && !current.isCompletedExceptionally()) {
                return current;
            }
            CompletableFuture<StatefulRedisConnection<String, String>> next = new CompletableFuture<>();
            if (this.connection.compareAndSet(current, next)) {
                this.client.connectAsync(StringCodec.UTF8, this.uri).whenComplete((connected, failure) -> {
                    if (failure != null) {
                        next.completeExceptionally(failure);
                    }
                    else {
                        next.complete(connected);
                    }
                });
                return next;
            }
        }
    }

    @Override
    public Mono<Decision> tryAcquire(String tenantId, String keyId) {
        RateLimitProperties.Bucket tenant = this.tenantBuckets.apply(tenantId);
        RateLimitProperties.Bucket key = this.properties.key();
        // The hash tag {tenant} keeps both keys in one Redis Cluster slot, as a script requires.
        String prefix = this.properties.redis().keyPrefix() + "{" + tenantId + "}";
        String[] keys = { prefix + ":tenant", prefix + ":key:" + keyId };
        String[] args = { Double.toString(tenant.replenishRate()), Long.toString(tenant.burstCapacity()),
                Double.toString(key.replenishRate()), Long.toString(key.burstCapacity()) };
        return Mono.fromFuture(connection(), true)
            .flatMap(redis -> redis.reactive().<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args).next())
            .timeout(this.timeout)
            .map(result -> {
                boolean allowed = ((Number) result.get(0)).longValue() == 1;
                double tenantTokens = Double.parseDouble(String.valueOf(result.get(1)));
                double keyTokens = Double.parseDouble(String.valueOf(result.get(2)));
                return Decision.of(allowed, tenant, tenantTokens, key, keyTokens);
            });
    }

    @Override
    public void destroy() {
        this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static String script() {
        try (InputStream in = new ClassPathResource("metering/token_buckets.lua").getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

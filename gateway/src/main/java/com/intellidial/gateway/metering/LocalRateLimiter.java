package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

/**
 * Token buckets in this process (Redis not configured, one instance). Lock-free: each bucket is an
 * immutable state swapped with compare-and-set, so the event loop never waits. Idle buckets expire
 * from the Caffeine cache; a new bucket starts full, which is what an idle one would have been.
 */
final class LocalRateLimiter implements RateLimiter {

    private final RateLimitProperties properties;

    private final Cache<String, AtomicReference<State>> buckets = Caffeine.newBuilder()
        .expireAfterAccess(Duration.ofMinutes(10))
        .maximumSize(1_000_000)
        .build();

    private final Function<String, RateLimitProperties.Bucket> tenantBuckets;

    LocalRateLimiter(RateLimitProperties properties) {
        this(properties, properties::tenantBucket);
    }

    LocalRateLimiter(RateLimitProperties properties, Function<String, RateLimitProperties.Bucket> tenantBuckets) {
        this.properties = properties;
        this.tenantBuckets = tenantBuckets;
    }

    @Override
    public Mono<Decision> tryAcquire(String tenantId, String keyId) {
        long now = System.nanoTime();
        RateLimitProperties.Bucket tenantBucket = this.tenantBuckets.apply(tenantId);
        RateLimitProperties.Bucket keyBucket = this.properties.key();
        AtomicReference<State> tenant = bucket("t:" + tenantId, tenantBucket, now);
        AtomicReference<State> key = bucket("k:" + tenantId + ":" + keyId, keyBucket, now);
        double tenantTokens = take(tenant, tenantBucket, now);
        if (tenantTokens < 0) {
            return Mono.just(Decision.of(false, tenantBucket, tenantTokens + 1, keyBucket,
                    refill(key.get(), keyBucket, now).tokens()));
        }
        double keyTokens = take(key, keyBucket, now);
        if (keyTokens < 0) {
            // Both or neither: give the tenant's token back.
            tenant.updateAndGet(state -> new State(Math.min(tenantBucket.burstCapacity(), state.tokens() + 1), state.nanos()));
            return Mono.just(Decision.of(false, tenantBucket, tenantTokens + 1, keyBucket, keyTokens + 1));
        }
        return Mono.just(Decision.of(true, tenantBucket, tenantTokens, keyBucket, keyTokens));
    }

    private AtomicReference<State> bucket(String id, RateLimitProperties.Bucket bucket, long now) {
        return this.buckets.get(id, ignored -> new AtomicReference<>(new State(bucket.burstCapacity(), now)));
    }

    /** Takes a token; returns the tokens left, or a negative number (tokens - 1) when there was none. */
    private static double take(AtomicReference<State> reference, RateLimitProperties.Bucket bucket, long now) {
        while (true) {
            State current = reference.get();
            State refilled = refill(current, bucket, now);
            if (refilled.tokens() < 1) {
                return refilled.tokens() - 1;
            }
            if (reference.compareAndSet(current, new State(refilled.tokens() - 1, refilled.nanos()))) {
                return refilled.tokens() - 1;
            }
        }
    }

    private static State refill(State state, RateLimitProperties.Bucket bucket, long now) {
        double elapsedSeconds = Math.max(0, now - state.nanos()) / 1e9;
        double tokens = Math.min(bucket.burstCapacity(), state.tokens() + elapsedSeconds * bucket.replenishRate());
        return new State(tokens, Math.max(now, state.nanos()));
    }

    private record State(double tokens, long nanos) {
    }
}

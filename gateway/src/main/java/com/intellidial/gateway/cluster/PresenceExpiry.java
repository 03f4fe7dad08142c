package com.intellidial.gateway.cluster;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Caffeine expiry for caches of "found or not": a found value lives for the positive TTL, an
 * absence for the shorter negative TTL, so a flood of unknown keys cannot reach the database while
 * a new row is still seen soon. Reads do not extend either.
 * @param <K> the cache key
 * @param <V> the value found
 * @param positive how long a found value is kept
 * @param negative how long an absence is kept
 */
public record PresenceExpiry<K, V>(Duration positive, Duration negative) implements Expiry<K, Optional<V>> {

    @Override
    public long expireAfterCreate(K key, Optional<V> value, long currentTime) {
        return (value.isPresent() ? this.positive : this.negative).toNanos();
    }

    @Override
    public long expireAfterUpdate(K key, Optional<V> value, long currentTime, long currentDuration) {
        return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(K key, Optional<V> value, long currentTime, long currentDuration) {
        return currentDuration;
    }
}

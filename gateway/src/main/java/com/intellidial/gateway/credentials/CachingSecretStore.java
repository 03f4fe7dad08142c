package com.intellidial.gateway.credentials;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Caches a {@link SecretStore} so that a warm request never waits for the store.
 * <ul>
 * <li>A secret is served for {@code ttl} after the store last confirmed it; concurrent misses share
 * one load.</li>
 * <li>{@code refresh-ahead} before that, the first access starts a background reload and keeps
 * serving the current value.</li>
 * <li>A missing secret is remembered for {@code negative-ttl}.</li>
 * <li>When reloads fail (Vault unreachable, sealed, denied), the last good secret is served until
 * {@code stale-if-error} has passed since the store last confirmed it; failing reloads are retried at
 * most once per {@code negative-ttl}. After that, or when nothing good was ever read, the read fails
 * closed with a 503 {@link ProblemType#CREDENTIAL_UNAVAILABLE} problem.</li>
 * <li>Degraded mode is logged at WARN once per path when it starts (and once per
 * {@code negative-ttl} while nothing good is cached); the request path itself logs at DEBUG only.</li>
 * </ul>
 */
public final class CachingSecretStore implements SecretStore, SecretWriter {

    private static final Logger log = LoggerFactory.getLogger(CachingSecretStore.class);

    private final SecretStore delegate;

    private final long ttlNanos;

    private final long negativeTtlNanos;

    private final long staleIfErrorNanos;

    private final Ticker ticker;

    private final AsyncLoadingCache<SecretPath, Entry> cache;

    private final Counter hits;

    private final Counter misses;

    private final Counter staleServed;

    private final Counter loadFailures;

    /**
     * Creates the cache with the system ticker.
     * @param delegate the store to read through
     * @param properties TTLs, bounds and size
     * @param meters where the {@code gateway.secrets.cache.*} meters go
     */
    public CachingSecretStore(SecretStore delegate, SecretsProperties.Cache properties, MeterRegistry meters) {
        this(delegate, properties, meters, Ticker.systemTicker(), Runnable::run);
    }

    /**
     * Creates the cache with an explicit clock and executor for tests.
     * @param delegate the store to read through
     * @param properties TTLs, bounds and size
     * @param meters where the {@code gateway.secrets.cache.*} meters go
     * @param ticker the clock that ages entries
     * @param executor where Caffeine runs its maintenance and callbacks
     */
    CachingSecretStore(SecretStore delegate, SecretsProperties.Cache properties, MeterRegistry meters, Ticker ticker,
            Executor executor) {
        this.delegate = delegate;
        this.ttlNanos = properties.ttl().toNanos();
        this.negativeTtlNanos = properties.negativeTtl().toNanos();
        this.staleIfErrorNanos = properties.staleIfError().toNanos();
        this.ticker = ticker;
        this.cache = Caffeine.newBuilder()
            .maximumSize(properties.maximumSize())
            .ticker(ticker)
            .executor(executor)
            .expireAfter(new EntryExpiry())
            .refreshAfterWrite(properties.ttl().minus(properties.refreshAhead()))
            .buildAsync(new Loader());
        this.hits = Counter.builder("gateway.secrets.cache.hits")
            .description("Secret reads answered from the cache")
            .register(meters);
        this.misses = Counter.builder("gateway.secrets.cache.misses")
            .description("Secret reads that had to wait for the secret store")
            .register(meters);
        this.staleServed = Counter.builder("gateway.secrets.cache.stale-served")
            .description("Secret reads answered with a stale secret because the store failed")
            .register(meters);
        this.loadFailures = Counter.builder("gateway.secrets.cache.load-failures")
            .description("Failed reads from the secret store")
            .register(meters);
        Gauge.builder("gateway.secrets.cache.size", this.cache, c -> c.synchronous().estimatedSize())
            .description("Secrets held in the cache")
            .register(meters);
    }

    @Override
    public Mono<Secret> read(SecretPath path) {
        return Mono.defer(() -> {
            CompletableFuture<Entry> cached = this.cache.getIfPresent(path);
            if (cached == null) {
                this.misses.increment();
                return Mono.fromFuture(this.cache.get(path), true)
                    .onErrorMap(e -> unavailable(path, e))
                    .flatMap(entry -> {
                        long now = this.ticker.read();
                        return entry.isFresh(now, this.ttlNanos) ? entry.secret() : stale(path, entry, now);
                    });
            }
            return Mono.fromFuture(cached, true).onErrorMap(e -> unavailable(path, e)).flatMap(entry -> serve(path, entry));
        });
    }

    /**
     * Writes through to the backend and forgets the cached version here; other instances learn of
     * it through {@link CredentialRefresher#refresh(SecretPath)}.
     * @throws UnsupportedOperationException (as an error) when the backend cannot write
     */
    @Override
    public Mono<Long> write(SecretPath path, Map<String, String> fields) {
        if (!(this.delegate instanceof SecretWriter writer)) {
            return Mono.error(new UnsupportedOperationException(this.delegate + " cannot write secrets"));
        }
        return writer.write(path, fields).doOnSuccess((version) -> invalidate(path));
    }

    /** Forgets one secret, so the next read goes to the store (rotation, upstream 401). */
    public void invalidate(SecretPath path) {
        this.cache.synchronous().invalidate(path);
    }

    /**
     * Reads a secret from the store now, replacing the cached one (an upstream answered 401 with it).
     * Concurrent reloads of one path share a single store read. When the store fails, the cached
     * secret is kept and answered under the usual stale-if-error rules, rather than dropped: one
     * rejected request must not turn a Vault outage into a fail-closed gateway.
     * @param path the secret to reload
     * @return the secret as the store now has it; empty when it is missing or deleted
     */
    public Mono<Secret> reload(SecretPath path) {
        return Mono.defer(() -> {
            this.misses.increment();
            return Mono.fromFuture(this.cache.synchronous().refresh(path), true)
                .onErrorMap(e -> unavailable(path, e))
                .flatMap(entry -> {
                    long now = this.ticker.read();
                    return entry.isFresh(now, this.ttlNanos) ? entry.secret() : stale(path, entry, now);
                });
        });
    }

    /** Forgets every secret. */
    public void invalidateAll() {
        this.cache.synchronous().invalidateAll();
    }

    private Mono<Secret> serve(SecretPath path, Entry entry) {
        long now = this.ticker.read();
        if (entry.isFresh(now, this.ttlNanos)) {
            this.hits.increment();
            return entry.secret();
        }
        if (entry.failedAt != null && now - entry.failedAt < this.negativeTtlNanos) {
            // The store failed a moment ago: don't hammer it, answer from what we have.
            return stale(path, entry, now);
        }
        this.misses.increment();
        return Mono.fromFuture(this.cache.synchronous().refresh(path), true)
            .onErrorMap(e -> unavailable(path, e))
            .flatMap(reloaded -> {
                long after = this.ticker.read();
                return reloaded.isFresh(after, this.ttlNanos) ? reloaded.secret() : stale(path, reloaded, after);
            });
    }

    private Mono<Secret> stale(SecretPath path, Entry entry, long now) {
        if (!entry.confirmed || now - entry.confirmedAt > this.staleIfErrorNanos) {
            log.debug("Secret {} unavailable: the store fails and no good value is recent enough", path);
            return Mono.error(new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE,
                    "The upstream credential cannot be read from the secret store."));
        }
        this.staleServed.increment();
        log.debug("Serving stale {} confirmed {} ago", path, Duration.ofNanos(now - entry.confirmedAt));
        return entry.secret();
    }

    private Throwable unavailable(SecretPath path, Throwable error) {
        if (error instanceof GatewayException) {
            return error;
        }
        log.debug("Secret {} unavailable: {}", path, error.toString());
        return new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE,
                "The upstream credential cannot be read from the secret store.", error);
    }

    @Override
    public String toString() {
        return "CachingSecretStore[" + this.delegate + "]";
    }

    /**
     * What the store last said about a path: a secret or "missing" ({@code value == null}), whether
     * and when it said so, and when a later read last failed. A read that failed before the store
     * ever answered is an unconfirmed entry, kept for the negative TTL so a failing store is not
     * asked on every request.
     */
    private record Entry(@Nullable Secret value, boolean confirmed, long confirmedAt, @Nullable Long failedAt) {

        static Entry failedLoad(long now) {
            return new Entry(null, false, now, now);
        }

        boolean isFresh(long now, long ttlNanos) {
            return this.confirmed && now - this.confirmedAt <= ttlNanos;
        }

        Mono<Secret> secret() {
            return Mono.justOrEmpty(this.value);
        }

        Entry failed(long now) {
            return new Entry(this.value, this.confirmed, this.confirmedAt, now);
        }
    }

    private final class Loader implements AsyncCacheLoader<SecretPath, Entry> {

        @Override
        public CompletableFuture<? extends Entry> asyncLoad(SecretPath path, Executor executor) {
            return fetch(path).onErrorResume(e -> {
                loadFailures.increment();
                log.warn("Secret store read of {} failed and no good value is cached: {}", path, e.toString());
                return Mono.just(Entry.failedLoad(ticker.read()));
            }).toFuture();
        }

        @Override
        public CompletableFuture<? extends Entry> asyncReload(SecretPath path, Entry old, Executor executor) {
            // A failed reload keeps the old entry, marked failed, instead of failing the refresh:
            // stale-if-error is decided per read from its confirmation time.
            return fetch(path).onErrorResume(e -> {
                loadFailures.increment();
                if (old.failedAt == null && old.confirmed) {
                    log.warn("Secret store read of {} failed, serving the last good value for up to {}: {}", path,
                            Duration.ofNanos(staleIfErrorNanos), e.toString());
                }
                return Mono.just(old.failed(ticker.read()));
            }).toFuture();
        }

        private Mono<Entry> fetch(SecretPath path) {
            return delegate.read(path)
                .map(secret -> new Entry(secret, true, ticker.read(), null))
                .switchIfEmpty(Mono.fromSupplier(() -> new Entry(null, true, ticker.read(), null)));
        }
    }

    /** Missing secrets live for the negative TTL; secrets as long as they may be served stale. */
    private final class EntryExpiry implements Expiry<SecretPath, Entry> {

        @Override
        public long expireAfterCreate(SecretPath path, Entry entry, long currentTime) {
            if (entry.value == null) {
                return negativeTtlNanos;
            }
            long lifetime = Math.max(ttlNanos, staleIfErrorNanos);
            return Math.max(0, entry.confirmedAt + lifetime - currentTime);
        }

        @Override
        public long expireAfterUpdate(SecretPath path, Entry entry, long currentTime, long currentDuration) {
            return expireAfterCreate(path, entry, currentTime);
        }

        @Override
        public long expireAfterRead(SecretPath path, Entry entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}

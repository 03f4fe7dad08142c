package com.intellidial.gateway.credentials;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.cluster.ClusterEvents;

/**
 * Evicts a rotated credential from the cache of every gateway instance: locally at once, and on the
 * others through the {@value #CHANNEL} cluster channel (payload: the secret path).
 */
public final class CredentialRefresher implements SmartLifecycle {

    /** The cluster channel that carries credential evictions. */
    public static final String CHANNEL = "gateway_credentials";

    private static final Logger log = LoggerFactory.getLogger(CredentialRefresher.class);

    private final CachingSecretStore cache;

    private final ClusterEvents events;

    private volatile @Nullable Disposable listening;

    CredentialRefresher(CachingSecretStore cache, ClusterEvents events) {
        this.cache = cache;
        this.events = events;
    }

    /**
     * Evicts a secret here and tells every other instance to evict it too.
     * @param path the rotated secret
     * @return completes once the eviction is published
     */
    public Mono<Void> refresh(SecretPath path) {
        return Mono.fromRunnable(() -> this.cache.invalidate(path)).then(this.events.publish(CHANNEL, path.value()));
    }

    @Override
    public void start() {
        this.listening = this.events.listen(CHANNEL).subscribe(this::evict);
    }

    private void evict(String payload) {
        try {
            SecretPath path = new SecretPath(payload);
            this.cache.invalidate(path);
            log.debug("Evicted {} on a cluster notification", path);
        }
        catch (IllegalArgumentException ex) {
            log.warn("Ignoring a malformed credential eviction on channel {}", CHANNEL);
        }
    }

    @Override
    public void stop() {
        Disposable subscription = this.listening;
        if (subscription != null) {
            subscription.dispose();
            this.listening = null;
        }
    }

    @Override
    public boolean isRunning() {
        return this.listening != null;
    }
}

package com.intellidial.gateway.credentials;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.cluster.ClusterEventListener;
import com.intellidial.gateway.cluster.ClusterEvents;

/**
 * Evicts a rotated credential from the cache of every gateway instance: locally at once, and on the
 * others through the {@value #CHANNEL} cluster channel (payload: the secret path).
 */
public final class CredentialRefresher extends ClusterEventListener {

    /** The cluster channel that carries credential evictions. */
    public static final String CHANNEL = "gateway_credentials";

    private static final Logger log = LoggerFactory.getLogger(CredentialRefresher.class);

    private final CachingSecretStore cache;


    CredentialRefresher(CachingSecretStore cache, ClusterEvents events) {
        super(events, CHANNEL);
        this.cache = cache;
    }

    /**
     * Evicts a secret here and tells every other instance to evict it too.
     * @param path the rotated secret
     * @return completes once the eviction is published
     */
    public Mono<Void> refresh(SecretPath path) {
        return Mono.fromRunnable(() -> this.cache.invalidate(path)).then(publish(path.value()));
    }


    @Override
    protected void onClusterEvent(String payload) {
        try {
            SecretPath path = new SecretPath(payload);
            this.cache.invalidate(path);
            log.debug("Evicted {} on a cluster notification", path);
        }
        catch (IllegalArgumentException ex) {
            log.warn("Ignoring a malformed credential eviction on channel {}", CHANNEL);
        }
    }


}

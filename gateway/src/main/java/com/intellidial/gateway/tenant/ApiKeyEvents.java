package com.intellidial.gateway.tenant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.cluster.ClusterEventListener;
import com.intellidial.gateway.cluster.ClusterEvents;

/**
 * Keeps every instance's key cache coherent through the {@value #CHANNEL} cluster channel: a
 * revoked or rotated key ({@code key:<keyId>}) and a suspended, resumed or offboarded tenant
 * ({@code tenant:<tenantId>}, also dropped from the {@link TenantDirectory}) are evicted everywhere
 * within the notification's delivery time. What was sent while an instance was disconnected is
 * lost, so a reconnect drops the whole cache.
 */
public final class ApiKeyEvents extends ClusterEventListener {

    /** The cluster channel that carries key cache evictions. */
    public static final String CHANNEL = "gateway_api_keys";

    private static final Logger log = LoggerFactory.getLogger(ApiKeyEvents.class);

    private final ApiKeyResolver resolver;

    private final TenantDirectory directory;

    ApiKeyEvents(ApiKeyResolver resolver, TenantDirectory directory, ClusterEvents events) {
        super(events, CHANNEL);
        this.resolver = resolver;
        this.directory = directory;
    }

    /** Evicts a key here and on every other instance. */
    public Mono<Void> keyChanged(String keyId) {
        return Mono.fromRunnable(() -> this.resolver.evict(keyId)).then(publish("key:" + keyId));
    }

    /** Evicts every key of a tenant here and on every other instance. */
    public Mono<Void> tenantChanged(String tenantId) {
        return Mono.fromRunnable(() -> evictTenant(tenantId)).then(publish("tenant:" + tenantId));
    }

    @Override
    protected void onClusterEvent(String payload) {
        if (payload.startsWith("key:")) {
            this.resolver.evict(payload.substring(4));
        }
        else if (payload.startsWith("tenant:")) {
            evictTenant(payload.substring(7));
        }
        else {
            log.warn("Ignoring a malformed key eviction on channel {}", CHANNEL);
        }
    }

    @Override
    protected void onListening() {
        this.resolver.evictAll();
        this.directory.evictAll();
    }

    private void evictTenant(String tenantId) {
        this.resolver.evictTenant(tenantId);
        this.directory.evict(tenantId);
    }
}

package com.intellidial.gateway.cluster;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A cache that stays coherent across instances through one cluster channel: it publishes what it
 * changed and, while the application runs, applies what other instances published.
 */
public abstract class ClusterEventListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterEventListener.class);

    private final ClusterEvents events;

    private final String channel;

    private volatile @Nullable Disposable listening;

    /**
     * @param events the cluster events
     * @param channel the channel this cache publishes and listens on
     */
    protected ClusterEventListener(ClusterEvents events, String channel) {
        this.events = events;
        this.channel = channel;
    }

    /** Applies one message received on the channel (this instance's own messages included). */
    protected abstract void onClusterEvent(String payload);

    /**
     * Called each time the channel is listened on, after every reconnect too: what was published
     * while this instance was disconnected is lost, so a cache that must not serve stale entries
     * drops them here. Does nothing by default (the cache's TTL bounds staleness).
     */
    protected void onListening() {
    }

    /** Sends a message to every instance listening on the channel, this one included. */
    protected final Mono<Void> publish(String payload) {
        return this.events.publish(this.channel, payload);
    }

    @Override
    public void start() {
        this.listening = this.events.listen(this.channel, this::onListening).subscribe(this::onClusterEvent,
                ex -> log.warn("Cluster listener on {} stopped: {}", this.channel, ex.toString()));
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

package com.intellidial.gateway.cluster;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Small messages every gateway instance receives, such as "evict this credential" or "this gateway
 * key was revoked". Delivery is at most once: a listener that was disconnected misses what was sent
 * meanwhile, so caches must still expire on their own.
 */
public interface ClusterEvents {

    /**
     * Sends a message to every instance listening on the channel, this one included.
     * @param channel a lower-case identifier such as {@code gateway_credentials}
     * @param payload the message, at most 7999 bytes
     * @return completes when the message is handed to the broker
     */
    Mono<Void> publish(String channel, String payload);

    /**
     * Receives the messages sent to a channel, reconnecting after failures until cancelled.
     * @param channel a lower-case identifier such as {@code gateway_credentials}
     * @return the payloads, in the order they were sent
     */
    Flux<String> listen(String channel);

    /**
     * As {@link #listen(String)}, and tells each time the subscription is (re)established, so a
     * cache can drop what it may have missed while it was disconnected.
     * @param channel a lower-case identifier such as {@code gateway_credentials}
     * @param onListening called once the channel is listened on, after every reconnect too
     * @return the payloads, in the order they were sent
     */
    default Flux<String> listen(String channel, Runnable onListening) {
        return listen(channel).doOnSubscribe(subscription -> onListening.run());
    }
}

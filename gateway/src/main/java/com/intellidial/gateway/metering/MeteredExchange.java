package com.intellidial.gateway.metering;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.springframework.web.server.ServerWebExchange;

/**
 * What request metering knows about one HTTP exchange: the body bytes counted at the HTTP layer,
 * and the exchange once {@link MeteringGlobalFilter} saw it authenticated. Travels in the Reactor
 * context from {@link MeteringHttpHandlerDecorator} to the filter.
 */
final class MeteredExchange {

    final AtomicLong requestBytes = new AtomicLong();

    final AtomicLong responseBytes = new AtomicLong();

    private final AtomicBoolean completed = new AtomicBoolean();

    private volatile @Nullable ServerWebExchange exchange;

    /** Marks the exchange as an authenticated, proxied request to meter. */
    void attach(ServerWebExchange exchange) {
        this.exchange = exchange;
    }

    /** The attached exchange, or {@code null} when the request is not metered. */
    @Nullable ServerWebExchange exchange() {
        return this.exchange;
    }

    /** True exactly once: the first completion signal records the usage. */
    boolean complete() {
        return this.completed.compareAndSet(false, true);
    }
}

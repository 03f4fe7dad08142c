package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs a degraded mode at WARN at most once per interval, so an outage is visible without
 * flooding the log from the request path.
 */
final class ThrottledLog {

    private final Logger log;

    private final long intervalNanos;

    private final AtomicLong nextNanos = new AtomicLong(System.nanoTime());

    ThrottledLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs at WARN unless another warning was logged within the interval. */
    void warn(String format, Object... arguments) {
        long now = System.nanoTime();
        long next = this.nextNanos.get();
        if (now - next >= 0 && this.nextNanos.compareAndSet(next, now + this.intervalNanos)) {
            this.log.warn(format, arguments);
        }
    }
}

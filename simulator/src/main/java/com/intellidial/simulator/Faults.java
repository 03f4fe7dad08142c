package com.intellidial.simulator;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import com.intellidial.simulator.http.Reply;

/**
 * Fault injection for tests: delays and failures applied to requests whose path starts with a prefix
 * ({@code ""} matches every path), and canned answers to one request picked by its
 * {@code X-Request-Id}; thread-safe.
 */
public final class Faults {

    private final List<Delay> delays = new CopyOnWriteArrayList<>();

    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    private final Map<String, Reply> canned = new ConcurrentHashMap<>();

    Faults() {
    }

    /** Delays every matching request by {@code delay} (without blocking a thread) before answering it. */
    public void delay(String pathPrefix, Duration delay) {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        this.delays.add(new Delay(pathPrefix, delay));
    }

    /** Answers the next {@code times} matching requests with {@code status} and a vendor-shaped error body. */
    public void failNext(String pathPrefix, int status, int times) {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 4xx or 5xx: " + status);
        }
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive: " + times);
        }
        this.failures.add(new Failure(pathPrefix, status, new AtomicInteger(times)));
    }

    /**
     * Answers the request carrying {@code X-Request-Id: requestId} with {@code json} instead of
     * handling it (once), such as an upstream answering a create with an object that already
     * exists. The request is still recorded.
     */
    public void answer(String requestId, int status, String json) {
        Objects.requireNonNull(requestId, "requestId");
        this.canned.put(requestId, new Reply(status, "application/json; charset=utf-8",
                json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Removes every delay, failure and canned answer. */
    public void clear() {
        this.delays.clear();
        this.failures.clear();
        this.canned.clear();
    }

    /** Consumes the canned answer for this request id, if any. */
    @Nullable Reply takeAnswer(@Nullable String requestId) {
        return (requestId != null) ? this.canned.remove(requestId) : null;
    }

    /** The total delay for this path: the matching delays add up. */
    Duration delayFor(String path) {
        Duration total = Duration.ZERO;
        for (Delay delay : this.delays) {
            if (path.startsWith(delay.pathPrefix())) {
                total = total.plus(delay.delay());
            }
        }
        return total;
    }

    /** Consumes one failure for this path (the oldest matching one still armed) and returns its status. */
    OptionalInt takeFailure(String path) {
        for (Failure failure : this.failures) {
            if (path.startsWith(failure.pathPrefix()) && failure.take()) {
                if (failure.remaining().get() == 0) {
                    this.failures.remove(failure);
                }
                return OptionalInt.of(failure.status());
            }
        }
        return OptionalInt.empty();
    }

    private record Delay(String pathPrefix, Duration delay) {
    }

    private record Failure(String pathPrefix, int status, AtomicInteger remaining) {

        boolean take() {
            return this.remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }
    }
}

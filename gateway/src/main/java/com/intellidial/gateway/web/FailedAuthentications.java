package com.intellidial.gateway.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Bounds what failed authentications cost. A key or token id the gateway has not seen costs a
 * database lookup before anything can refuse it, so an attacker sending random ids would turn every
 * request into a query. Each client address (an IPv6 address by its /64, the block one subscriber
 * gets) may fail {@code gateway.authentication.max-failures} times per {@code failure-window}; after
 * that, credentials that would need a lookup are answered 429 with {@code Retry-After} until the
 * window ends, without a query. Keys already cached, and so everyone else's traffic, are unaffected.
 * At most {@code max-addresses} addresses are tracked; the oldest are forgotten first.
 */
@Component
public class FailedAuthentications {

    private final Cache<String, AtomicInteger> failures;

    private final AuthenticationProperties properties;

    private final Counter refused;

    FailedAuthentications(AuthenticationProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.failures = Caffeine.newBuilder()
            .expireAfterWrite(properties.failureWindow())
            .maximumSize(properties.maxAddresses())
            .build();
        this.refused = Counter.builder("gateway.authentication.throttled")
            .description("Authentication attempts refused because their address failed too often")
            .register(meters);
    }

    /** Fails with a 429 problem when this address has used up its failures; call before a lookup. */
    public void checkAllowed(@Nullable InetSocketAddress client) {
        AtomicInteger count = this.failures.getIfPresent(key(client));
        if (count != null && count.get() >= this.properties.maxFailures()) {
            this.refused.increment();
            Duration window = this.properties.failureWindow();
            throw new GatewayException(ProblemType.RATE_LIMITED,
                    "Too many failed authentication attempts from this address; retry later")
                .withHeader("Retry-After", Long.toString(Math.max(1, window.toSeconds())));
        }
    }

    /** Counts a failed attempt of this address (unknown, wrong, revoked or expired credential). */
    public void failed(@Nullable InetSocketAddress client) {
        this.failures.get(key(client), (ignored) -> new AtomicInteger()).incrementAndGet();
    }

    private static String key(@Nullable InetSocketAddress client) {
        InetAddress address = (client != null) ? client.getAddress() : null;
        if (address == null) {
            return (client != null) ? client.getHostString() : "unknown";
        }
        if (address instanceof Inet6Address) {
            return "v6:" + HexFormat.of().formatHex(address.getAddress(), 0, 8);
        }
        return address.getHostAddress();
    }
}

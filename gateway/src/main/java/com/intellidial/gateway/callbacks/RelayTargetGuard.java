package com.intellidial.gateway.callbacks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.NameResolver;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.netty.http.client.HttpClient;

/**
 * Keeps relays to tenant-supplied webhook URLs off the gateway's own networks (SSRF): every
 * address that is not globally reachable ({@link SpecialPurposeRanges}: loopback, link-local and
 * cloud metadata, private, unique-local, CGNAT, benchmarking, documentation, 6to4, Teredo,
 * multicast, reserved, ...) is refused unless {@code gateway.webhooks.relay.allow-private-targets} is set. URLs
 * naming such an address literally are refused when the tenant submits them ({@link #refusal});
 * host names are checked after every DNS resolution, by the relay client's resolver, so a name
 * that later resolves (rebinds) to a blocked address is refused at connect time too.
 */
@Component
public final class RelayTargetGuard {

    private final boolean allowPrivateTargets;

    private final Counter blocked;

    RelayTargetGuard(WebhooksProperties properties, MeterRegistry meters) {
        this.allowPrivateTargets = properties.relay().allowPrivateTargets();
        this.blocked = Counter.builder("gateway.webhooks.relay.blocked")
            .description("Relays refused because the target resolved to an address that is not globally reachable")
            .register(meters);
    }

    /**
     * Why a tenant's webhook URL is refused when the tenant submits it: its host is a blocked IP
     * literal or {@code localhost}. Host names are not resolved here (the relay client checks them).
     * @param url the URL as the tenant wrote it
     * @return the reason, or {@code null} when the URL may be recorded
     */
    public @Nullable String refusal(String url) {
        if (this.allowPrivateTargets) {
            return null;
        }
        String host;
        try {
            host = URI.create(url).getHost();
        }
        catch (IllegalArgumentException ex) {
            return null; // not a URL: never relayed to, as before
        }
        if (host == null) {
            return null;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return "names the gateway's own host";
        }
        InetAddress literal = literal(name);
        SpecialPurposeRanges.Range range = (literal != null) ? SpecialPurposeRanges.find(literal) : null;
        return (range != null) ? "names an address that is not globally reachable (" + range + ")" : null;
    }

    /**
     * The HTTP client relays use: the connect timeout, and unless private targets are allowed,
     * Reactor Netty's non-blocking DNS resolver wrapped so that a blocked address fails resolution.
     */
    public HttpClient httpClient(Duration connectTimeout) {
        HttpClient client = HttpClient.create()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
        return this.allowPrivateTargets ? client
                : client.resolver(spec -> spec.dnsAddressResolverGroupProvider(GuardedGroup::new));
    }

    /** Whether a relay failed because its target was refused here (such failures are not retried). */
    public static boolean isBlockedTarget(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BlockedTargetException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the gateway refuses to connect to this address: it lies in one of the
     * {@link SpecialPurposeRanges} (directly, or as the IPv4 address an IPv6 form carries).
     */
    static boolean isBlocked(InetAddress address) {
        return SpecialPurposeRanges.find(address) != null;
    }

    private static @Nullable InetAddress literal(String host) {
        String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
        return NetUtil.createInetAddressFromIpAddressString(bare);
    }

    private InetSocketAddress check(InetSocketAddress address) throws BlockedTargetException {
        if (isBlocked(address.getAddress())) {
            this.blocked.increment();
            throw new BlockedTargetException(address.getHostString());
        }
        return address;
    }

    /** Reactor Netty's DNS resolver group, with every resolver it makes guarded. */
    private final class GuardedGroup extends DnsAddressResolverGroup {

        GuardedGroup(DnsNameResolverBuilder builder) {
            super(builder);
        }

        @Override
        protected AddressResolver<InetSocketAddress> newAddressResolver(EventLoop eventLoop,
                NameResolver<InetAddress> resolver) throws Exception {
            return new GuardedResolver(eventLoop, super.newAddressResolver(eventLoop, resolver));
        }
    }

    /**
     * Resolves through the DNS resolver, then refuses blocked addresses. Literal addresses never
     * count as resolved, so they are checked too (Netty would otherwise connect without asking).
     */
    private final class GuardedResolver implements AddressResolver<InetSocketAddress> {

        private final EventExecutor executor;

        private final AddressResolver<InetSocketAddress> delegate;

        GuardedResolver(EventExecutor executor, AddressResolver<InetSocketAddress> delegate) {
            this.executor = executor;
            this.delegate = delegate;
        }

        @Override
        public boolean isSupported(SocketAddress address) {
            return this.delegate.isSupported(address);
        }

        @Override
        public boolean isResolved(SocketAddress address) {
            return false;
        }

        @Override
        public Future<InetSocketAddress> resolve(SocketAddress address) {
            return resolve(address, this.executor.newPromise());
        }

        @Override
        public Future<InetSocketAddress> resolve(SocketAddress address, Promise<InetSocketAddress> promise) {
            InetSocketAddress inet = (InetSocketAddress) address;
            if (!inet.isUnresolved()) {
                complete(promise, inet);
                return promise;
            }
            this.delegate.resolve(address).addListener((FutureListener<InetSocketAddress>) done -> {
                if (done.isSuccess()) {
                    complete(promise, done.getNow());
                }
                else {
                    promise.tryFailure(done.cause());
                }
            });
            return promise;
        }

        @Override
        public Future<List<InetSocketAddress>> resolveAll(SocketAddress address) {
            return resolveAll(address, this.executor.newPromise());
        }

        @Override
        public Future<List<InetSocketAddress>> resolveAll(SocketAddress address,
                Promise<List<InetSocketAddress>> promise) {
            InetSocketAddress inet = (InetSocketAddress) address;
            if (!inet.isUnresolved()) {
                completeAll(promise, List.of(inet));
                return promise;
            }
            this.delegate.resolveAll(address).addListener((FutureListener<List<InetSocketAddress>>) done -> {
                if (done.isSuccess()) {
                    completeAll(promise, done.getNow());
                }
                else {
                    promise.tryFailure(done.cause());
                }
            });
            return promise;
        }

        private void complete(Promise<InetSocketAddress> promise, InetSocketAddress address) {
            try {
                promise.trySuccess(check(address));
            }
            catch (BlockedTargetException ex) {
                promise.tryFailure(ex);
            }
        }

        /** Completes with the addresses, or fails if any of them is blocked (a mixed answer is not trusted). */
        private void completeAll(Promise<List<InetSocketAddress>> promise, List<InetSocketAddress> addresses) {
            List<InetSocketAddress> checked = new ArrayList<>(addresses.size());
            try {
                for (InetSocketAddress address : addresses) {
                    checked.add(check(address));
                }
                promise.trySuccess(checked);
            }
            catch (BlockedTargetException ex) {
                promise.tryFailure(ex);
            }
        }

        @Override
        public void close() {
            this.delegate.close();
        }
    }

    /** A relay target resolved to an address the gateway does not connect to. */
    static final class BlockedTargetException extends UnknownHostException {

        private static final long serialVersionUID = 1L;

        BlockedTargetException(String host) {
            super(host + " resolves to an address that is not globally reachable; relays to it are refused");
        }
    }
}

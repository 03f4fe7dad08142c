package com.intellidial.gateway.metering;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import com.intellidial.gateway.catalog.CatalogMatchGlobalFilter;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.FilterOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A VAPI call creation runs to its end even when the client goes away: once VAPI has the request
 * it may place the call, so the gateway must still read the answer, record the created calls as
 * the tenant's (isolation) and meter them. The rest of the chain is subscribed on its own, and a
 * client that cancels only stops waiting for it. {@link MeteringHttpHandlerDecorator} records the
 * request as 499 and, the client being gone, cannot know the created ids yet; this filter records
 * their {@link CallCreated} once the detached chain has read them (the key is the call's, so the
 * decorator's own record, when the client stayed, counts once).
 */
final class CallCreationGlobalFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(CallCreationGlobalFilter.class);

    private final UsageSink sink;

    private final boolean metering;

    private final Clock clock;

    /**
     * @param sink where the created calls are recorded
     * @param metering whether requests are metered ({@code gateway.metering.enabled}); the forwarding is
     * detached either way, so created calls always become the tenant's
     * @param clock the time of the usage events
     */
    CallCreationGlobalFilter(UsageSink sink, boolean metering, Clock clock) {
        this.sink = sink;
        this.metering = metering;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        return FilterOrder.CALL_CREATION;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!CallCreation.isCallCreate(CatalogMatchGlobalFilter.require(exchange).entry().id())) {
            return chain.filter(exchange);
        }
        AtomicBoolean clientGone = new AtomicBoolean();
        return Mono.deferContextual(context -> {
            CompletableFuture<Void> forwarded = chain.filter(exchange)
                .contextWrite(context)
                .doFinally(signal -> {
                    if (clientGone.get() && this.metering) {
                        recordCreated(exchange);
                    }
                })
                .toFuture();
            return Mono.fromFuture(forwarded, true).doOnCancel(() -> {
                clientGone.set(true);
                // Done just before the cancel: its doFinally saw the client still there. A second
                // record of the same call is harmless, its idempotency key counts once.
                if (forwarded.isDone() && this.metering) {
                    recordCreated(exchange);
                }
            });
        });
    }

    /** The calls the upstream created, read by isolation from its answer; the client never saw them. */
    private void recordCreated(ServerWebExchange exchange) {
        TenantContext tenant = TenantContext.require(exchange);
        List<String> ids = CallCreation.createdIds(exchange);
        log.debug("Client left before the answer to a call creation; recording {} created calls", ids.size());
        ids.forEach(callId -> this.sink.record(new CallCreated(callId, tenant.tenantId(), this.clock.instant())));
    }
}

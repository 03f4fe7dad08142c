package com.intellidial.gateway.metering;

import java.time.Clock;
import java.util.UUID;

import com.intellidial.gateway.catalog.CatalogMatch;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.GatewayAttributes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

/**
 * Meters requests where they end: around the whole HTTP handler, so the usage event sees the status
 * and bytes the client actually got, including gateway-made errors, which are rendered after the
 * filter chain has already completed. Counts body bytes as they stream (nothing is buffered) and
 * records when the response is complete or the client went away. Only exchanges that
 * {@link MeteringGlobalFilter} attached (authenticated, proxied) are recorded.
 */
final class MeteringHttpHandlerDecorator implements HttpHandlerDecoratorFactory {

    /** Not an HTTP status: the client closed the connection before the response was complete. */
    static final int CLIENT_CLOSED = 499;

    private final UsageSink sink;

    private final MeterRegistry registry;

    private final Clock clock;

    MeteringHttpHandlerDecorator(UsageSink sink, MeterRegistry registry, Clock clock) {
        this.sink = sink;
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public HttpHandler apply(HttpHandler delegate) {
        return (request, response) -> {
            MeteredExchange metered = new MeteredExchange();
            ServerHttpResponse counted = new CountingResponse(response, metered);
            return delegate.handle(new CountingRequest(request, metered), counted)
                .contextWrite(Context.of(MeteredExchange.class, metered))
                .doFinally(signal -> record(metered, counted, signal));
        };
    }

    private void record(MeteredExchange metered, ServerHttpResponse response, SignalType signal) {
        ServerWebExchange exchange = metered.exchange();
        if (exchange == null || !metered.complete()) {
            return;
        }
        TenantContext tenant = TenantContext.require(exchange);
        HttpStatusCode code = response.getStatusCode();
        int status = (signal == SignalType.CANCEL) ? CLIENT_CLOSED : (code != null) ? code.value() : 200;
        CatalogMatch match = GatewayAttributes.get(exchange, GatewayAttributes.CATALOG_MATCH, CatalogMatch.class);
        String entry = (match != null) ? match.entry().id() : null;
        String method = exchange.getRequest().getMethod().name();
        // The request path never waits on metering: record() only enqueues.
        this.sink.record(new RequestUsage(UUID.randomUUID().toString(), GatewayAttributes.requestId(exchange),
                tenant.tenantId(), tenant.keyId(), entry, method, status, metered.requestBytes.get(),
                metered.responseBytes.get(), upstreamLatencyMillis(exchange), this.clock.instant()));
        Counter.builder("gateway.metering.requests")
            .description("Metered requests per tenant (the tenant tag is bounded by gateway.metering.tenant-tags.max)")
            .tag(TenantTags.TAG, tenant.tenantId())
            .register(this.registry)
            .increment();
        if (CallCreation.isCallCreate(entry) && status >= 200 && status < 300) {
            CallCreation.createdIds(exchange).forEach(
                    callId -> this.sink.record(new CallCreated(callId, tenant.tenantId(), this.clock.instant())));
        }
    }

    private static long upstreamLatencyMillis(ServerWebExchange exchange) {
        Long latency = GatewayAttributes.get(exchange, GatewayAttributes.UPSTREAM_LATENCY, Long.class);
        if (latency != null) {
            return latency / 1_000_000;
        }
        Long started = GatewayAttributes.get(exchange, GatewayAttributes.UPSTREAM_STARTED, Long.class);
        return (started != null) ? (System.nanoTime() - started) / 1_000_000 : -1;
    }

    private static final class CountingRequest extends ServerHttpRequestDecorator {

        private final MeteredExchange metered;

        CountingRequest(ServerHttpRequest delegate, MeteredExchange metered) {
            super(delegate);
            this.metered = metered;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return super.getBody().doOnNext(buffer -> this.metered.requestBytes.addAndGet(buffer.readableByteCount()));
        }
    }

    private static final class CountingResponse extends ServerHttpResponseDecorator {

        private final MeteredExchange metered;

        CountingResponse(ServerHttpResponse delegate, MeteredExchange metered) {
            super(delegate);
            this.metered = metered;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            // A Mono stays a Mono: the server then sends it with a Content-Length instead of chunked.
            if (body instanceof Mono<? extends DataBuffer> single) {
                return super.writeWith(single.doOnNext(this::count));
            }
            return super.writeWith(Flux.from(body).doOnNext(this::count));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return super.writeAndFlushWith(Flux.from(body).map(chunk -> Flux.from(chunk).doOnNext(this::count)));
        }

        private void count(DataBuffer buffer) {
            this.metered.responseBytes.addAndGet(buffer.readableByteCount());
        }
    }
}

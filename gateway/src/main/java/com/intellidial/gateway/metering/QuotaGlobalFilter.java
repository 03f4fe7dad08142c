package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import com.intellidial.gateway.catalog.CatalogEntry;
import com.intellidial.gateway.catalog.CatalogMatchGlobalFilter;
import com.intellidial.gateway.catalog.PlacesCalls;
import com.intellidial.gateway.tenant.TenantContext;
import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks every request whose catalog entry places calls ({@code places-calls}: VAPI {@code POST /call}
 * single and batch, campaign create and update, Twilio {@code Calls.json}) against the tenant's
 * budgets before it is forwarded; it reads the catalog match, never the path. An admitted call holds its estimate ({@link Budgets#reserve}); over budget is a 429 {@code budget-exceeded}
 * problem whose {@code budget} member names the budget, with {@code Retry-After} until its period
 * starts over. Once the answer is known the reservation is tied to the created call (settled by its
 * end-of-call report), or given back when no call was created.
 */
final class QuotaGlobalFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(QuotaGlobalFilter.class);

    /** The largest batch a budgeted tenant may create in one request (each call is reserved). */
    static final int MAX_BATCH = 1000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Budgets budgets;

    private final RateLimitProperties.OutagePolicy outagePolicy;

    private final MeterRegistry registry;

    private final Counter errors;

    private final ThrottledLog outageLog = new ThrottledLog(log, Duration.ofMinutes(1));

    QuotaGlobalFilter(Budgets budgets, BudgetProperties properties, MeterRegistry registry) {
        this.budgets = budgets;
        this.outagePolicy = properties.outagePolicy();
        this.registry = registry;
        this.errors = Counter.builder("gateway.budget.errors")
            .description("Budget checks PostgreSQL failed to make (outage policy applied)")
            .register(registry);
    }

    @Override
    public int getOrder() {
        return FilterOrder.QUOTA;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CatalogEntry entry = CatalogMatchGlobalFilter.require(exchange).entry();
        PlacesCalls places = entry.placesCalls();
        if (places == null) {
            return chain.filter(exchange);
        }
        String tenantId = TenantContext.require(exchange).tenantId();
        BiFunction<ServerWebExchange, Integer, Mono<Void>> admitted = (readable, count) -> admitAll(tenantId, count)
            .onErrorResume(ex -> !(ex instanceof GatewayException), ex -> onOutage(ex).thenReturn(List.of()))
            .flatMap(reservations -> reservations.isEmpty() ? chain.filter(readable)
                    : new Settlement(readable, entry, reservations).around(chain.filter(readable)));
        return this.budgets.hasBudgets(tenantId)
            .onErrorResume(ex -> !(ex instanceof GatewayException), ex -> onOutage(ex).thenReturn(false))
            .flatMap(limited -> !limited ? chain.filter(exchange)
                    : places.countsFromBody() ? withBody(exchange, places, admitted) : admitted.apply(exchange, 1));
    }

    /**
     * Reads the (size-capped) body once to count the calls it asks for: a batch ({@code customers[]})
     * or a campaign reserves one estimate per callee, so neither can overshoot a budget. The body is
     * handed on unchanged for isolation to read.
     */
    private Mono<Void> withBody(ServerWebExchange exchange, PlacesCalls places,
            BiFunction<ServerWebExchange, Integer, Mono<Void>> next) {
        return DataBufferUtils.join(exchange.getRequest().getBody())
            .map(buffer -> {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                DataBufferUtils.release(buffer);
                return bytes;
            })
            .defaultIfEmpty(new byte[0])
            .flatMap(bytes -> {
                int calls = requestedCalls(places, bytes);
                if (calls > MAX_BATCH) {
                    return Mono.error(new GatewayException(ProblemType.MALFORMED_REQUEST, "A budgeted tenant can place at most "
                            + MAX_BATCH + " calls in one request").withExtension("field", "customers"));
                }
                ServerHttpRequest replay = new ServerHttpRequestDecorator(exchange.getRequest()) {
                    @Override
                    public Flux<DataBuffer> getBody() {
                        return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(bytes)));
                    }
                };
                return next.apply(exchange.mutate().request(replay).build(), calls);
            });
    }

    /** How many calls a JSON body asks for, by the entry's {@code places-calls}. */
    static int requestedCalls(PlacesCalls places, byte[] body) {
        try {
            return places.calls((body.length == 0) ? JSON.createObjectNode() : JSON.readTree(body));
        }
        catch (RuntimeException ex) {
            // Malformed bodies are refused by isolation; one reservation covers the attempt.
            return 1;
        }
    }

    /** Reserves {@code count} calls, all or none: a partial batch gives back what it took. */
    private Mono<List<UUID>> admitAll(String tenantId, int count) {
        if (count == 0) {
            return Mono.just(List.of());
        }
        List<UUID> taken = new ArrayList<>();
        return Flux.range(0, count)
            .concatMap(i -> admit(tenantId).doOnNext(taken::add))
            .then(Mono.fromSupplier(() -> List.copyOf(taken)))
            .onErrorResume(ex -> Flux.fromIterable(taken).concatMap(this.budgets::release).then(Mono.error(ex)));
    }

    private Mono<UUID> admit(String tenantId) {
        return this.budgets.reserve(tenantId).flatMap(reserved -> {
            if (reserved.isPresent()) {
                return Mono.just(reserved.get());
            }
            return this.budgets.exhausted(tenantId).flatMap(budget -> {
                Counter.builder("gateway.budget.rejected")
                    .description("Calls refused by a budget")
                    .tag(TenantTags.TAG, tenantId)
                    .tag("budget", budget)
                    .register(this.registry)
                    .increment();
                return Mono.error(new GatewayException(ProblemType.BUDGET_EXCEEDED,
                        "The tenant's " + budget + " budget does not allow another call")
                    .withExtension("budget", budget)
                    .withHeader(HttpHeaders.RETRY_AFTER, Long.toString(this.budgets.retryAfterSeconds(budget))));
            });
        });
    }

    private Mono<Void> onOutage(Throwable ex) {
        this.errors.increment();
        this.outageLog.warn("Budget check failed ({}); applying outage policy {}", ex.toString(), this.outagePolicy);
        if (this.outagePolicy == RateLimitProperties.OutagePolicy.FAIL_CLOSED) {
            return Mono.error(new GatewayException(ProblemType.SERVICE_UNAVAILABLE,
                    "Budgets cannot be checked right now; retry shortly", ex));
        }
        // Fail open (default): a database outage must not stop every tenant's calls; the
        // counters catch up from the ledger once PostgreSQL is back.
        return Mono.empty();
    }

    /**
     * Ties the reservations to the created calls, or gives them back when no call can exist: the
     * upstream answered with an error, or the request never left the gateway. A call whose outcome
     * is unknown (timeout, client gone, or no created id known yet) keeps its estimate until the
     * reservation expires. A refusal is given back before the client sees it, so a client that
     * retries at once finds its budget as it was.
     */
    private final class Settlement {

        private final ServerWebExchange exchange;

        private final CatalogEntry entry;

        private final List<UUID> reservations;

        private final AtomicBoolean settled = new AtomicBoolean();

        Settlement(ServerWebExchange exchange, CatalogEntry entry, List<UUID> reservations) {
            this.exchange = exchange;
            this.entry = entry;
            this.reservations = reservations;
        }

        Mono<Void> around(Mono<Void> forwarding) {
            // An upstream error status is known once the response is about to be committed.
            this.exchange.getResponse().beforeCommit(() -> {
                HttpStatusCode status = this.exchange.getResponse().getStatusCode();
                boolean refused = status != null && status.isError() && status.value() != 504;
                return (refused && this.settled.compareAndSet(false, true)) ? releaseAll() : Mono.empty();
            });
            return forwarding
                // A gateway-made error is rendered after this: give back first, unless it was sent.
                .onErrorResume(ex -> {
                    boolean forwarded = this.exchange.getAttribute(GatewayAttributes.UPSTREAM_STARTED) != null;
                    Mono<Void> settlement = (this.settled.compareAndSet(false, true) && !forwarded) ? releaseAll()
                            : Mono.empty();
                    return settlement.then(Mono.error(ex));
                })
                .doOnSuccess(ignored -> linkCreated());
        }

        /**
         * One reservation per created VAPI call; what the upstream did not create goes back. Calls
         * placed later (campaigns) or settled elsewhere (Twilio) keep their estimates until the
         * reservations expire.
         */
        private void linkCreated() {
            HttpStatusCode status = this.exchange.getResponse().getStatusCode();
            List<String> ids = CallCreation.createdIds(this.exchange);
            if (status == null || !status.is2xxSuccessful() || !CallCreation.isCallCreate(this.entry.id()) || ids.isEmpty()
                    || !this.settled.compareAndSet(false, true)) {
                return;
            }
            Flux.range(0, this.reservations.size())
                .concatMap(i -> (i < ids.size()) ? QuotaGlobalFilter.this.budgets.link(this.reservations.get(i), ids.get(i))
                        : QuotaGlobalFilter.this.budgets.release(this.reservations.get(i)))
                .subscribe(null, this::onFailure);
        }

        private Mono<Void> releaseAll() {
            return Flux.fromIterable(this.reservations)
                .concatMap(QuotaGlobalFilter.this.budgets::release)
                .then()
                .onErrorResume(ex -> {
                    onFailure(ex);
                    return Mono.empty();
                });
        }

        private void onFailure(Throwable ex) {
            log.warn("Could not settle budget reservations {}: {}", this.reservations, ex.toString());
        }
    }
}

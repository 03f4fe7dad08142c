package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

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
import reactor.core.publisher.SignalType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks {@code POST /vapi/call} against the tenant's budgets before it is forwarded. An admitted
 * call holds its estimate ({@link Budgets#reserve}); over budget is a 429 {@code budget-exceeded}
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
        if (!CallCreation.isCallCreate(exchange, null)) {
            return chain.filter(exchange);
        }
        String tenantId = TenantContext.require(exchange).tenantId();
        return this.budgets.hasBudgets(tenantId)
            .onErrorResume(ex -> !(ex instanceof GatewayException), ex -> onOutage(ex).thenReturn(false))
            .flatMap(limited -> limited ? withBody(exchange, (readable, count) -> admitAll(tenantId, count)
                .onErrorResume(ex -> !(ex instanceof GatewayException), ex -> onOutage(ex).thenReturn(List.of()))
                .flatMap(reservations -> reservations.isEmpty() ? chain.filter(readable)
                        : chain.filter(readable).doFinally(signal -> settle(readable, reservations, signal))))
                    : chain.filter(exchange));
    }

    /**
     * Reads the (size-capped) body once to count the calls it asks for: a batch ({@code customers[]})
     * reserves one estimate per call, so a batch cannot overshoot a budget. The body is handed on
     * unchanged for isolation to read.
     */
    private Mono<Void> withBody(ServerWebExchange exchange, BiFunction<ServerWebExchange, Integer, Mono<Void>> next) {
        return DataBufferUtils.join(exchange.getRequest().getBody())
            .map(buffer -> {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                DataBufferUtils.release(buffer);
                return bytes;
            })
            .defaultIfEmpty(new byte[0])
            .flatMap(bytes -> {
                int calls = requestedCalls(bytes);
                if (calls > MAX_BATCH) {
                    return Mono.error(new GatewayException(ProblemType.MALFORMED_REQUEST, "A budgeted tenant can create at most "
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

    /** How many calls a {@code POST /call} body asks for: the size of {@code customers[]}, else one. */
    static int requestedCalls(byte[] body) {
        try {
            JsonNode customers = JSON.readTree(body).path("customers");
            return (customers.isArray() && customers.size() > 1) ? customers.size() : 1;
        }
        catch (RuntimeException ex) {
            // Malformed bodies are refused by isolation; one reservation covers the attempt.
            return 1;
        }
    }

    /** Reserves {@code count} calls, all or none: a partial batch gives back what it took. */
    private Mono<List<UUID>> admitAll(String tenantId, int count) {
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
     * Ties the reservation to the created call, or gives it back when no call can exist: the
     * upstream answered with an error, or the request never left the gateway. A call whose outcome
     * is unknown (timeout, client gone, or no created id known yet) keeps its estimate until the
     * reservation expires.
     */
    private void settle(ServerWebExchange exchange, List<UUID> reservations, SignalType signal) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        boolean forwarded = exchange.getAttribute(GatewayAttributes.UPSTREAM_STARTED) != null;
        Flux<Void> settlement = Flux.empty();
        if (signal == SignalType.ON_COMPLETE && status != null && status.is2xxSuccessful()) {
            List<String> ids = CallCreation.createdIds(exchange);
            if (!ids.isEmpty()) {
                // One reservation per created call; what the upstream did not create goes back.
                settlement = Flux.range(0, reservations.size())
                    .concatMap(i -> (i < ids.size()) ? this.budgets.link(reservations.get(i), ids.get(i))
                            : this.budgets.release(reservations.get(i)));
            }
        }
        else if ((signal == SignalType.ON_ERROR && !forwarded)
                || (signal == SignalType.ON_COMPLETE && status != null && status.isError() && status.value() != 504)) {
            settlement = Flux.fromIterable(reservations).concatMap(this.budgets::release);
        }
        settlement.subscribe(null, ex -> log.warn("Could not settle budget reservations {}: {}", reservations, ex.toString()));
    }
}

package com.intellidial.gateway.metering;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

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
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Checks {@code POST /vapi/call} against the tenant's budgets before it is forwarded. An admitted
 * call holds its estimate ({@link Budgets#reserve}); over budget is a 429 {@code budget-exceeded}
 * problem whose {@code budget} member names the budget, with {@code Retry-After} until its period
 * starts over. Once the answer is known the reservation is tied to the created call (settled by its
 * end-of-call report), or given back when no call was created.
 */
final class QuotaGlobalFilter implements GlobalFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(QuotaGlobalFilter.class);

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
        Mono<Optional<UUID>> admission = this.budgets.hasBudgets(tenantId)
            .flatMap(limited -> limited ? admit(tenantId).map(Optional::of) : Mono.just(Optional.<UUID>empty()))
            .onErrorResume(ex -> !(ex instanceof GatewayException), this::onOutage);
        return admission.flatMap(reservation -> {
            if (reservation.isEmpty()) {
                return chain.filter(exchange);
            }
            UUID id = reservation.get();
            return chain.filter(exchange).doFinally(signal -> settle(exchange, id, signal));
        });
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

    private Mono<Optional<UUID>> onOutage(Throwable ex) {
        this.errors.increment();
        this.outageLog.warn("Budget check failed ({}); applying outage policy {}", ex.toString(), this.outagePolicy);
        if (this.outagePolicy == RateLimitProperties.OutagePolicy.FAIL_CLOSED) {
            return Mono.error(new GatewayException(ProblemType.SERVICE_UNAVAILABLE,
                    "Budgets cannot be checked right now; retry shortly", ex));
        }
        // Fail open (default): a database outage must not stop every tenant's calls; the
        // counters catch up from the ledger once PostgreSQL is back.
        return Mono.just(Optional.empty());
    }

    /**
     * Ties the reservation to the created call, or gives it back when no call can exist: the
     * upstream answered with an error, or the request never left the gateway. A call whose outcome
     * is unknown (timeout, client gone, or no created id known yet) keeps its estimate until the
     * reservation expires.
     */
    private void settle(ServerWebExchange exchange, UUID reservation, SignalType signal) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        boolean forwarded = exchange.getAttribute(GatewayAttributes.UPSTREAM_STARTED) != null;
        Mono<Void> settlement = Mono.empty();
        if (signal == SignalType.ON_COMPLETE && status != null && status.is2xxSuccessful()) {
            List<String> ids = CallCreation.createdIds(exchange);
            if (!ids.isEmpty()) {
                settlement = this.budgets.link(reservation, ids.get(0));
            }
        }
        else if ((signal == SignalType.ON_ERROR && !forwarded)
                || (signal == SignalType.ON_COMPLETE && status != null && status.isError() && status.value() != 504)) {
            settlement = this.budgets.release(reservation);
        }
        settlement.subscribe(null, ex -> log.warn("Could not settle budget reservation {}: {}", reservation, ex.toString()));
    }
}

package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Budget counters in PostgreSQL, shared by every instance. A call is admitted by one atomic
 * {@code UPDATE} that checks all of the tenant's limits against what is used plus what calls in
 * flight hold, and adds the new call's estimate in the same statement: concurrent calls on any
 * number of instances serialize on the tenant's row and cannot overshoot. The estimate is settled
 * by the ledger when the call's end-of-call report arrives ({@link LedgerWriter}), released at once
 * when the call was not created, or released by {@link #releaseExpired()} after the timeout.
 */
final class Budgets {

    private static final String ENSURE_ROW = """
            insert into budget_usage (tenant_id, day, month) values ($1, $2, $3) on conflict do nothing
            """;

    /** Counters of a past day or month count as zero: the first call of a period resets them. */
    private static final String RESERVE = """
            with admitted as (
                update budget_usage u set
                    calls_today = (case when u.day = $2 then u.calls_today else 0 end) + 1,
                    day = $2,
                    minutes_month = (case when u.month = $3 then u.minutes_month else 0 end) + $4,
                    spend_month_usd = (case when u.month = $3 then u.spend_month_usd else 0 end) + $5,
                    month = $3
                from tenant_budgets b
                where u.tenant_id = $1 and b.tenant_id = u.tenant_id
                  and (b.calls_per_day is null
                       or (case when u.day = $2 then u.calls_today else 0 end) + 1 <= b.calls_per_day)
                  and (b.minutes_per_month is null
                       or (case when u.month = $3 then u.minutes_month else 0 end) + $4 <= b.minutes_per_month)
                  and (b.spend_per_month_usd is null
                       or (case when u.month = $3 then u.spend_month_usd else 0 end) + $5 <= b.spend_per_month_usd)
                returning u.tenant_id
            )
            insert into budget_reservations (id, tenant_id, day, month, minutes, spend_usd, expires_at)
            select $6, tenant_id, $2, $3, $4, $5, $7 from admitted
            returning id
            """;

    /** Which budget refused: the first one the new call would exceed. */
    private static final String EXHAUSTED = """
            select case
                when b.calls_per_day is not null
                     and (case when u.day = $2 then u.calls_today else 0 end) + 1 > b.calls_per_day then 'calls-per-day'
                when b.minutes_per_month is not null
                     and (case when u.month = $3 then u.minutes_month else 0 end) + $4 > b.minutes_per_month then 'minutes-per-month'
                else 'spend-per-month' end as budget
            from budget_usage u join tenant_budgets b on b.tenant_id = u.tenant_id
            where u.tenant_id = $1
            """;

    private static final String LINK = "update budget_reservations set call_id = $2 where id = $1";

    /** The call was not created: give back the call and the estimate, if still in the same period. */
    private static final String RELEASE = """
            with released as (
                delete from budget_reservations where id = $1
                returning tenant_id, day, month, minutes, spend_usd
            )
            update budget_usage u set
                calls_today = case when u.day = r.day then greatest(0, u.calls_today - 1) else u.calls_today end,
                minutes_month = case when u.month = r.month then greatest(0, u.minutes_month - r.minutes) else u.minutes_month end,
                spend_month_usd = case when u.month = r.month then greatest(0, u.spend_month_usd - r.spend_usd) else u.spend_month_usd end
            from released r where u.tenant_id = r.tenant_id
            """;

    /** No end-of-call report in time: the call happened, but its estimate stops holding the budget. */
    private static final String RELEASE_EXPIRED = """
            with expired as (
                delete from budget_reservations where expires_at < $1
                returning tenant_id, month, minutes, spend_usd
            ),
            totals as (
                select tenant_id, month, sum(minutes) as minutes, sum(spend_usd) as spend, count(*) as n
                from expired group by tenant_id, month
            ),
            adjusted as (
                update budget_usage u set
                    minutes_month = greatest(0, u.minutes_month - t.minutes),
                    spend_month_usd = greatest(0, u.spend_month_usd - t.spend)
                from totals t where u.tenant_id = t.tenant_id and u.month = t.month
                returning 1
            )
            select coalesce(sum(n), 0) as released from totals
            """;

    private final DatabaseClient database;

    private final BudgetProperties properties;

    private final Clock clock;

    private final AsyncLoadingCache<String, Boolean> hasBudgets;

    Budgets(DatabaseClient database, BudgetProperties properties, Clock clock) {
        this.database = database;
        this.properties = properties;
        this.clock = clock;
        this.hasBudgets = Caffeine.newBuilder()
            .expireAfterWrite(properties.limitsCacheTtl())
            .maximumSize(100_000)
            .buildAsync((tenantId, executor) -> database.sql("select 1 from tenant_budgets where tenant_id = $1")
                .bind(0, tenantId)
                .map(row -> true)
                .first()
                .defaultIfEmpty(false)
                .toFuture());
    }

    /** Whether the tenant has any budget row (cached); tenants without one are never checked. */
    Mono<Boolean> hasBudgets(String tenantId) {
        return Mono.fromFuture(this.hasBudgets.get(tenantId), true);
    }

    /**
     * Admits one call or names the budget it would exceed.
     * @return the reservation id when admitted, else empty; {@link #exhausted} then names the budget
     */
    Mono<Optional<UUID>> reserve(String tenantId) {
        Instant now = this.clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate month = day.withDayOfMonth(1);
        BigDecimal minutes = this.properties.estimatedCallMinutes();
        BigDecimal spend = minutes.multiply(this.properties.estimatedCostPerMinuteUsd());
        UUID id = UUID.randomUUID();
        return this.database.sql(ENSURE_ROW).bind(0, tenantId).bind(1, day).bind(2, month).then()
            .then(this.database.sql(RESERVE)
                .bind(0, tenantId)
                .bind(1, day)
                .bind(2, month)
                .bind(3, minutes)
                .bind(4, spend)
                .bind(5, id)
                .bind(6, now.plus(this.properties.reservationTimeout()))
                .map(row -> row.get("id", UUID.class))
                .first()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty()));
    }

    /** The name of the budget a new call would exceed ({@code calls-per-day}, ...). */
    Mono<String> exhausted(String tenantId) {
        LocalDate day = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
        return this.database.sql(EXHAUSTED)
            .bind(0, tenantId)
            .bind(1, day)
            .bind(2, day.withDayOfMonth(1))
            .bind(3, this.properties.estimatedCallMinutes())
            .map(row -> row.get("budget", String.class))
            .first()
            .defaultIfEmpty("spend-per-month");
    }

    /** Ties a reservation to the call it admitted, so the call's end-of-call report settles it. */
    Mono<Void> link(UUID reservation, String callId) {
        return this.database.sql(LINK).bind(0, reservation).bind(1, callId).then();
    }

    /** Gives a reservation back: its call was not created. */
    Mono<Void> release(UUID reservation) {
        return this.database.sql(RELEASE).bind(0, reservation).then();
    }

    /** Releases the estimates of reservations past their timeout; returns how many. */
    Mono<Long> releaseExpired() {
        return this.database.sql(RELEASE_EXPIRED)
            .bind(0, this.clock.instant())
            .map(row -> row.get("released", Number.class))
            .first()
            .map(released -> (released != null) ? released.longValue() : 0L)
            .defaultIfEmpty(0L);
    }

    /** Seconds until the named budget's period starts over (UTC midnight, or the first of next month). */
    long retryAfterSeconds(String budget) {
        Instant now = this.clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate next = budget.equals("calls-per-day") ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
        return Math.max(1, next.atStartOfDay(ZoneOffset.UTC).toEpochSecond() - now.getEpochSecond());
    }
}

package com.intellidial.gateway.metering;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * A tenant's budget limits as the admin API reads and sets them ({@code tenant_budgets}). Budgets
 * re-read their limits within {@code gateway.budgets.limits-cache-ttl}.
 */
public final class BudgetLimits {

    private final DatabaseClient db;

    BudgetLimits(DatabaseClient db) {
        this.db = db;
    }

    /** The tenant's limits; all {@code null} when it has no budget. */
    public Mono<Limits> get(String tenantId) {
        return this.db.sql("select calls_per_day, minutes_per_month, spend_per_month_usd from tenant_budgets where tenant_id = $1")
            .bind(0, tenantId)
            .map(row -> {
                Number calls = row.get("calls_per_day", Number.class);
                return new Limits((calls != null) ? calls.intValue() : null, row.get("minutes_per_month", BigDecimal.class),
                        row.get("spend_per_month_usd", BigDecimal.class));
            })
            .one()
            .defaultIfEmpty(new Limits(null, null, null));
    }

    /** Replaces the tenant's limits; all {@code null} removes its budget. */
    public Mono<Void> set(String tenantId, Limits limits) {
        if (limits.callsPerDay() == null && limits.minutesPerMonth() == null && limits.spendPerMonthUsd() == null) {
            return this.db.sql("delete from tenant_budgets where tenant_id = $1").bind(0, tenantId).then();
        }
        DatabaseClient.GenericExecuteSpec upsert = this.db.sql("""
                insert into tenant_budgets (tenant_id, calls_per_day, minutes_per_month, spend_per_month_usd)
                values ($1, $2, $3, $4)
                on conflict (tenant_id) do update set calls_per_day = excluded.calls_per_day,
                    minutes_per_month = excluded.minutes_per_month, spend_per_month_usd = excluded.spend_per_month_usd""")
            .bind(0, tenantId);
        upsert = (limits.callsPerDay() != null) ? upsert.bind(1, limits.callsPerDay()) : upsert.bindNull(1, Integer.class);
        upsert = (limits.minutesPerMonth() != null) ? upsert.bind(2, limits.minutesPerMonth()) : upsert.bindNull(2, BigDecimal.class);
        upsert = (limits.spendPerMonthUsd() != null) ? upsert.bind(3, limits.spendPerMonthUsd())
                : upsert.bindNull(3, BigDecimal.class);
        return upsert.then();
    }

    /**
     * Budget limits; {@code null} is unlimited.
     * @param callsPerDay calls created per UTC day
     * @param minutesPerMonth call minutes per UTC month
     * @param spendPerMonthUsd upstream spend per UTC month, in USD
     */
    public record Limits(@Nullable Integer callsPerDay, @Nullable BigDecimal minutesPerMonth,
            @Nullable BigDecimal spendPerMonthUsd) {
    }
}

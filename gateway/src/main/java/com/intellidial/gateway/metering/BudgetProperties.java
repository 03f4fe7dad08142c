package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Duration;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-tenant budgets on {@code POST /vapi/call} ({@code gateway.budgets.*}); the limits themselves
 * are rows of {@code tenant_budgets}.
 * @param enabled whether call creation is checked against budgets
 * @param estimatedCallMinutes the minutes a call in flight holds against the monthly minutes budget
 * until its end-of-call report settles it
 * @param estimatedCostPerMinuteUsd the price per estimated minute held against the monthly spend budget
 * @param reservationTimeout when a call's end-of-call report never arrives, how long its estimate is held
 * @param sweepInterval how often expired reservations are released
 * @param limitsCacheTtl how long a tenant's limits (or their absence) are cached
 * @param outagePolicy what call creation gets while PostgreSQL cannot check the budgets
 */
@ConfigurationProperties(BudgetProperties.PREFIX)
@Validated
public record BudgetProperties(@DefaultValue("true") boolean enabled,
        @NotNull @DecimalMin("0") @DefaultValue("10") BigDecimal estimatedCallMinutes,
        @NotNull @DecimalMin("0") @DefaultValue("0.15") BigDecimal estimatedCostPerMinuteUsd,
        @NotNull @DefaultValue("1h") Duration reservationTimeout, @NotNull @DefaultValue("1m") Duration sweepInterval,
        @NotNull @DefaultValue("30s") Duration limitsCacheTtl,
        @NotNull @DefaultValue("fail-open") RateLimitProperties.OutagePolicy outagePolicy) {

    public static final String PREFIX = "gateway.budgets";
}

package com.intellidial.gateway.metering;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import com.intellidial.gateway.scheduling.PeriodicChore;

/** Per-tenant budgets on call creation. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = BudgetProperties.PREFIX + ".enabled", matchIfMissing = true)
class BudgetConfiguration {

    @Bean
    Budgets budgets(DatabaseClient database, BudgetProperties properties) {
        return new Budgets(database, properties, Clock.systemUTC());
    }

    @Bean
    QuotaGlobalFilter quotaGlobalFilter(Budgets budgets, BudgetProperties properties, MeterRegistry registry) {
        return new QuotaGlobalFilter(budgets, properties, registry);
    }

    @Bean
    PeriodicChore reservationSweeper(Budgets budgets, BudgetProperties properties) {
        return new PeriodicChore("Released budget reservations whose calls never reported their end",
                properties.sweepInterval(), budgets::releaseExpired);
    }
}

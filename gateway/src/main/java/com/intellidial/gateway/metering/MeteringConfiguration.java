package com.intellidial.gateway.metering;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import com.intellidial.gateway.cluster.ClusterEvents;
import com.intellidial.gateway.scheduling.PeriodicChore;

/** The ledger (the application's {@link UsageSink}) and request metering. */
@Configuration(proxyBeanMethods = false)
class MeteringConfiguration {

    @Bean
    LedgerWriter ledgerWriter(DatabaseClient database) {
        return new LedgerWriter(database);
    }

    @Bean
    Ledger ledger(LedgerWriter writer, MeteringProperties properties, MeterRegistry registry) {
        return new Ledger(writer, properties, registry);
    }

    @Bean
    PeriodicChore usageKeyPurge(LedgerWriter writer, MeteringProperties properties) {
        return new PeriodicChore("Purged idempotency keys older than " + properties.eventKeyRetention(),
                properties.purgeInterval(), () -> writer.purgeKeys(properties.eventKeyRetention()));
    }

    @Bean
    static TenantTags tenantTags(MeteringProperties properties) {
        return new TenantTags(properties.tenantTags().max());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = MeteringProperties.PREFIX + ".enabled", matchIfMissing = true)
    MeteringHttpHandlerDecorator meteringHttpHandlerDecorator(UsageSink sink, MeterRegistry registry) {
        return new MeteringHttpHandlerDecorator(sink, registry, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = MeteringProperties.PREFIX + ".enabled", matchIfMissing = true)
    MeteringGlobalFilter meteringGlobalFilter() {
        return new MeteringGlobalFilter();
    }

    @Bean
    CallCreationGlobalFilter callCreationGlobalFilter(UsageSink sink, MeteringProperties properties) {
        return new CallCreationGlobalFilter(sink, properties.enabled(), Clock.systemUTC());
    }

    @Bean
    UpstreamTimingGlobalFilter upstreamTimingGlobalFilter() {
        return new UpstreamTimingGlobalFilter();
    }

    @Bean
    BudgetLimits budgetLimits(DatabaseClient database) {
        return new BudgetLimits(database);
    }

    @Bean
    TenantRateLimits tenantRateLimits(DatabaseClient database, RateLimitProperties properties, ClusterEvents events) {
        return new TenantRateLimits(database, properties, events);
    }
}

package com.intellidial.gateway.tenant;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import com.intellidial.gateway.cluster.ClusterEvents;
import com.intellidial.gateway.scheduling.PeriodicChore;

/** Key lifecycle: the key service, cache coherence across instances, and batched "last used". */
@Configuration(proxyBeanMethods = false)
class TenantConfiguration {

    @Bean
    KeyUsage keyUsage(DatabaseClient db) {
        return new KeyUsage(db, Clock.systemUTC());
    }

    @Bean
    PeriodicChore keyUsageFlush(KeyUsage usage) {
        return new PeriodicChore("Recorded the last use of gateway keys", Duration.ofMinutes(1), usage::flush);
    }

    @Bean
    TenantDirectory tenantDirectory(TenantRepository repository, MeterRegistry meters) {
        return new TenantDirectory(repository, meters);
    }

    @Bean
    ApiKeyEvents apiKeyEvents(ApiKeyResolver resolver, TenantDirectory directory, ClusterEvents events) {
        return new ApiKeyEvents(resolver, directory, events);
    }

    @Bean
    KeyService keyService(DatabaseClient db, ApiKeyEvents events, TenantProperties properties) {
        return new KeyService(db, events, properties.keyEnv(), Clock.systemUTC());
    }
}

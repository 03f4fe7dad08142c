package com.intellidial.gateway.metering;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link UsageSink} that only logs at DEBUG, for as long as no ledger provides a real one, so
 * webhook handlers can emit usage before the ledger exists.
 */
@Configuration(proxyBeanMethods = false)
class FallbackUsageSinkConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FallbackUsageSinkConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(UsageSink.class)
    UsageSink loggingUsageSink() {
        return (event) -> log.debug("Usage event {} for tenant {} (no ledger configured)", event.idempotencyKey(),
                event.tenantId());
    }
}

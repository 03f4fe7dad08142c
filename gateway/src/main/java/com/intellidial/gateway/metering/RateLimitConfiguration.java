package com.intellidial.gateway.metering;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Rate limiting of proxied requests: Redis buckets when {@code gateway.rate-limits.redis.enabled},
 * otherwise in-process ones. Redis is reached at {@code spring.data.redis.*}; nothing connects at
 * startup, so a gateway without Redis starts normally.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = RateLimitProperties.PREFIX + ".enabled", matchIfMissing = true)
class RateLimitConfiguration {

    @Bean
    RateLimiter rateLimiter(RateLimitProperties properties, DataRedisProperties redis, TenantRateLimits tenants) {
        if (!properties.redis().enabled()) {
            return new LocalRateLimiter(properties, tenants::bucketFor);
        }
        return new RedisRateLimiter(uri(redis), properties, tenants::bucketFor);
    }

    @Bean
    RateLimitGlobalFilter rateLimitGlobalFilter(RateLimiter limiter, RateLimitProperties properties,
            MeterRegistry registry) {
        return new RateLimitGlobalFilter(limiter, properties, registry);
    }

    static RedisURI uri(DataRedisProperties redis) {
        if (StringUtils.hasText(redis.getUrl())) {
            return RedisURI.create(redis.getUrl());
        }
        RedisURI.Builder uri = RedisURI.builder().withHost(redis.getHost()).withPort(redis.getPort())
            .withDatabase(redis.getDatabase());
        if (StringUtils.hasText(redis.getPassword())) {
            uri = StringUtils.hasText(redis.getUsername())
                    ? uri.withAuthentication(redis.getUsername(), redis.getPassword().toCharArray())
                    : uri.withPassword(redis.getPassword().toCharArray());
        }
        return uri.build();
    }
}

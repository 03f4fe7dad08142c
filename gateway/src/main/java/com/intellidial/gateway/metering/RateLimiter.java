package com.intellidial.gateway.metering;

import reactor.core.publisher.Mono;

/** Takes one token from a tenant's bucket and its key's bucket together: both or neither. */
interface RateLimiter {

    /**
     * Tries to take a token from both buckets.
     * @return the decision; an error when the bucket store failed (the caller applies the outage policy)
     */
    Mono<Decision> tryAcquire(String tenantId, String keyId);

    /**
     * The outcome, with what the {@code RateLimit-*} headers report: the limit and remaining tokens
     * of the tighter bucket, and seconds until it refills.
     * @param allowed whether a token was taken
     * @param limit the tighter bucket's capacity
     * @param remaining whole tokens left in the tighter bucket
     * @param resetSeconds seconds until the tighter bucket is full again
     * @param retryAfterSeconds when refused, seconds until a token is available
     */
    record Decision(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {

        /** The decision for two buckets' token counts after the attempt. */
        static Decision of(boolean allowed, RateLimitProperties.Bucket tenant, double tenantTokens,
                RateLimitProperties.Bucket key, double keyTokens) {
            boolean tenantTighter = tenantTokens / tenant.burstCapacity() <= keyTokens / key.burstCapacity();
            RateLimitProperties.Bucket bucket = tenantTighter ? tenant : key;
            double tokens = tenantTighter ? tenantTokens : keyTokens;
            long reset = (long) Math.ceil((bucket.burstCapacity() - tokens) / bucket.replenishRate());
            long retryAfter = 0;
            if (!allowed) {
                double tenantWait = Math.max(0, 1 - tenantTokens) / tenant.replenishRate();
                double keyWait = Math.max(0, 1 - keyTokens) / key.replenishRate();
                retryAfter = Math.max(1, (long) Math.ceil(Math.max(tenantWait, keyWait)));
            }
            return new Decision(allowed, bucket.burstCapacity(), (long) Math.floor(tokens), reset, retryAfter);
        }
    }
}

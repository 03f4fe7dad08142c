package com.intellidial.gateway.metering;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-tenant series stay bounded: tenants beyond the limit share the {@code other} tag value. */
class TenantTagsTests {

    @Test
    void tenantsBeyondTheBoundShareTheOtherSeries() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(new TenantTags(2));
        for (String tenant : new String[] { "acme", "globex", "initech", "umbrella", "acme" }) {
            registry.counter("gateway.metering.requests", TenantTags.TAG, tenant).increment();
        }
        assertThat(registry.get("gateway.metering.requests").counters()).hasSize(3);
        assertThat(registry.get("gateway.metering.requests").tag(TenantTags.TAG, "acme").counter().count()).isEqualTo(2);
        assertThat(registry.get("gateway.metering.requests").tag(TenantTags.TAG, "other").counter().count()).isEqualTo(2);
        registry.counter("gateway.other.metric", "upstream", "vapi").increment();
        assertThat(registry.get("gateway.other.metric").tag("upstream", "vapi").counter().count()).isEqualTo(1);
    }
}

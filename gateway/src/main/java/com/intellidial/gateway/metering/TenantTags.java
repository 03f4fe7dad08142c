package com.intellidial.gateway.metering;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Bounds per-tenant metric series: the first {@code gateway.metering.tenant-tags.max} tenants seen
 * keep their id as the {@code tenant} tag, every later one is tagged {@code other}. Registered as a
 * {@link MeterFilter}, so it bounds every meter with a {@code tenant} tag, whoever registers it.
 */
final class TenantTags implements MeterFilter {

    /** The tag that carries the tenant id. */
    static final String TAG = "tenant";

    /** The value for tenants beyond the bound. */
    static final String OTHER = "other";

    private final int max;

    private final Set<String> known = ConcurrentHashMap.newKeySet();

    TenantTags(int max) {
        this.max = max;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String tenant = id.getTag(TAG);
        if (tenant == null) {
            return id;
        }
        String bounded = bounded(tenant);
        return bounded.equals(tenant) ? id : id.replaceTags(id.getTagsAsIterable()).withTag(Tag.of(TAG, bounded));
    }

    /** The tag value for a tenant: its id while within the bound, else {@code other}. */
    String bounded(String tenant) {
        if (this.known.contains(tenant)) {
            return tenant;
        }
        synchronized (this.known) {
            if (this.known.size() < this.max) {
                this.known.add(tenant);
                return tenant;
            }
        }
        return OTHER;
    }
}

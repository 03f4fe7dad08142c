package com.intellidial.gateway.catalog;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/** Every upstream's endpoint catalog, loaded once at start ({@link EndpointCatalog#loadAll()}). */
public final class EndpointCatalogs {

    private final Map<String, EndpointCatalog> byUpstream;

    EndpointCatalogs(Map<String, EndpointCatalog> byUpstream) {
        this.byUpstream = Map.copyOf(byUpstream);
    }

    /** The catalog of an upstream, or {@code null} when it has none. */
    public @Nullable EndpointCatalog get(String upstream) {
        return this.byUpstream.get(upstream);
    }

    /**
     * The catalog of an upstream.
     * @throws IllegalStateException when there is none
     */
    public EndpointCatalog require(String upstream) {
        EndpointCatalog catalog = get(upstream);
        if (catalog == null) {
            throw new IllegalStateException("no endpoint catalog for upstream '" + upstream + "'");
        }
        return catalog;
    }
}

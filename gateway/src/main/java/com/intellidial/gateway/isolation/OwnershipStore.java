package com.intellidial.gateway.isolation;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Which tenant owns which upstream resource, and the tenant's aliases for them. Reads are served
 * from a cache once warm (no database round trip); writes go to PostgreSQL and evict the entry on
 * every gateway instance.
 */
public interface OwnershipStore {

    /**
     * Whether the tenant owns the resource.
     * @param tenantId the tenant
     * @param upstream the upstream name, e.g. {@code vapi}
     * @param type the catalog resource type, e.g. {@code assistant}
     * @param upstreamId the upstream's id of the resource
     * @return true only when the tenant is its recorded owner
     */
    Mono<Boolean> isOwnedBy(String tenantId, String upstream, String type, String upstreamId);

    /**
     * The owner of a resource.
     * @return the owning tenant's id, or empty when nobody owns it
     */
    Mono<String> ownerOf(String upstream, String type, String upstreamId);

    /**
     * Records the tenant as the owner of a resource, optionally naming it. An alias already naming
     * another of the tenant's resources of the same type moves to this one. Recording a resource
     * another tenant owns changes nothing.
     * @param alias a tenant-chosen name ({@code [a-z0-9][a-z0-9-]{0,62}}), or {@code null} to keep the current one
     * @return completes when stored
     */
    default Mono<Void> record(String tenantId, String upstream, String type, String upstreamId, @Nullable String alias) {
        return claim(tenantId, upstream, type, upstreamId, alias).then();
    }

    /**
     * Records the tenant as the owner of a resource, as {@link #record}, and tells whether the
     * tenant owns it afterwards: {@code false} when another tenant owns it (nothing was changed).
     * @return whether the row is the tenant's once stored
     */
    Mono<Boolean> claim(String tenantId, String upstream, String type, String upstreamId, @Nullable String alias);

    /**
     * Forgets a deleted resource of the tenant (a resource owned by someone else is left alone).
     * @return completes when removed
     */
    Mono<Void> forget(String tenantId, String upstream, String type, String upstreamId);

    /**
     * Resolves one of the tenant's aliases.
     * @return the upstream id the alias names, or empty when the tenant has no such alias
     */
    Mono<String> resolveAlias(String tenantId, String upstream, String type, String alias);
}

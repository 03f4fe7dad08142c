package com.intellidial.gateway.admin;

import reactor.core.publisher.Mono;

import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.TenantDetails;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/** The tenant an admin route names: a malformed id and an unknown one are the same 404. */
final class TenantLookup {

    private TenantLookup() {
    }

    static Mono<Tenant> tenant(TenantRepository tenants, String tenantId) {
        return (Tenant.ID_PATTERN.matcher(tenantId).matches() ? tenants.findTenant(tenantId) : Mono.<Tenant>empty())
            .switchIfEmpty(Mono.error(TenantLookup::noSuchTenant));
    }

    static Mono<TenantDetails> details(TenantRepository tenants, String tenantId) {
        return (Tenant.ID_PATTERN.matcher(tenantId).matches() ? tenants.details(tenantId) : Mono.<TenantDetails>empty())
            .switchIfEmpty(Mono.error(TenantLookup::noSuchTenant));
    }

    static GatewayException noSuchTenant() {
        return new GatewayException(ProblemType.NOT_FOUND, "No such tenant");
    }
}

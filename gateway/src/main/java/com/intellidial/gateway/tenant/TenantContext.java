package com.intellidial.gateway.tenant;

import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.TenantScoped;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who is calling: the tenant and the gateway key it used. Set on the exchange by authentication;
 * every later filter reads it with {@link #require(ServerWebExchange)}.
 */
public record TenantContext(Tenant tenant, String keyId) implements TenantScoped {

    /** The authenticated tenant of the exchange; fails if authentication did not run. */
    public static TenantContext require(ServerWebExchange exchange) {
        TenantContext context = GatewayAttributes.get(exchange, GatewayAttributes.TENANT, TenantContext.class);
        if (context == null) {
            throw new IllegalStateException("no authenticated tenant on this exchange");
        }
        return context;
    }

    @Override
    public String tenantId() {
        return this.tenant.id();
    }
}

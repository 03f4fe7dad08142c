package com.intellidial.gateway.web;

/**
 * What the web layer knows of the authenticated caller stored at {@link GatewayAttributes#TENANT}:
 * its tenant id, named in problem bodies. Implemented by the tenant package's context, so this
 * package needs nothing from it.
 */
public interface TenantScoped {

    String tenantId();
}

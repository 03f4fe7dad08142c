package com.intellidial.gateway.routing;

import java.net.URI;

import com.intellidial.gateway.credentials.Credential;
import com.intellidial.gateway.credentials.Secret;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * VAPI: bearer auth with a private key; the platform key for shared-org tenants, the tenant's own
 * key for dedicated-org tenants.
 */
final class VapiUpstream implements Upstream {

    static final String NAME = "vapi";

    private final URI baseUri;

    VapiUpstream(URI baseUri) {
        this.baseUri = baseUri;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public URI baseUri() {
        return this.baseUri;
    }

    @Override
    public SecretPath secretPath(Tenant tenant) {
        return (tenant.vapiMode() == VapiMode.DEDICATED_ORG) ? SecretPath.tenantVapi(tenant.id()) : SecretPath.platformVapi();
    }

    @Override
    public boolean sharedCredential(Tenant tenant) {
        return tenant.vapiMode() == VapiMode.SHARED_ORG;
    }

    /**
     * VAPI (NestJS) checks the Bearer key in an auth guard that runs before any route handler and
     * answers 401 {@code Invalid Key}; a 401 therefore means nothing was created or changed.
     */
    @Override
    public boolean rejectsUnauthenticatedBeforeProcessing() {
        return true;
    }

    @Override
    public Credential credential(Secret secret) {
        String key = secret.field("api_key");
        if (key == null) {
            throw new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE, "The VAPI credential is not configured");
        }
        return Credential.bearer(key, secret.version());
    }

    @Override
    public URI scope(URI target, Credential credential) {
        return target;
    }
}

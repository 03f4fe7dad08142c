package com.intellidial.gateway.credentials;

import com.intellidial.gateway.routing.Upstream;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns (tenant, upstream) into the credential to attach, reading the {@link SecretStore}. Fails
 * closed: a missing, deleted or unreadable secret is a 503 problem, never an empty credential.
 */
@Component
public class CredentialResolver {

    private final SecretStore store;

    CredentialResolver(SecretStore store) {
        this.store = store;
    }

    /** The tenant's credential for the upstream, or a {@link GatewayException}. */
    public Mono<Credential> resolve(Tenant tenant, Upstream upstream) {
        return Mono.defer(() -> {
            SecretPath path = upstream.secretPath(tenant);
            return this.store.read(path)
                .onErrorMap(ex -> !(ex instanceof GatewayException), ex -> new GatewayException(
                        ProblemType.CREDENTIAL_UNAVAILABLE, "The " + upstream.name() + " credential cannot be read right now", ex))
                .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE,
                        "No " + upstream.name() + " credential is configured for this tenant")))
                .map(upstream::credential);
        });
    }
}

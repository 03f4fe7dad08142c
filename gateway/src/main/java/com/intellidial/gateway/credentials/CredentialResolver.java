package com.intellidial.gateway.credentials;

import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns (tenant, upstream: any {@link CredentialSource}) into the credential to attach, reading the credential cache. Fails
 * closed: a missing, deleted or unreadable secret is a 503 problem, never an empty credential.
 */
@Component
public class CredentialResolver {

    private final CachingSecretStore store;

    CredentialResolver(CachingSecretStore store) {
        this.store = store;
    }

    /** The tenant's credential for the upstream, or a {@link GatewayException}. */
    public Mono<Credential> resolve(Tenant tenant, CredentialSource upstream) {
        return Mono.defer(() -> credential(upstream, this.store.read(upstream.secretPath(tenant))));
    }

    /**
     * The credential to retry with after the upstream rejected {@code rejected} (401): the cached one
     * if another request already reloaded a different value, else the store's current version read
     * afresh. Empty when the store still holds the rejected value, since a retry could only fail again.
     * @param tenant the tenant whose request was rejected
     * @param upstream the upstream that rejected it
     * @param rejected the credential the upstream rejected
     * @return a different credential, empty, or a {@link GatewayException} when none can be read
     */
    public Mono<Credential> replacement(Tenant tenant, CredentialSource upstream, Credential rejected) {
        return Mono.defer(() -> {
            SecretPath path = upstream.secretPath(tenant);
            return credential(upstream, this.store.read(path))
                .flatMap(current -> current.sameSecretAs(rejected) ? credential(upstream, this.store.reload(path))
                        : Mono.just(current))
                .filter(candidate -> !candidate.sameSecretAs(rejected));
        });
    }

    private static Mono<Credential> credential(CredentialSource upstream, Mono<Secret> secret) {
        return secret
            .onErrorMap(ex -> !(ex instanceof GatewayException), ex -> new GatewayException(
                    ProblemType.CREDENTIAL_UNAVAILABLE, "The " + upstream.name() + " credential cannot be read right now", ex))
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.CREDENTIAL_UNAVAILABLE,
                    "No " + upstream.name() + " credential is configured for this tenant")))
            .map(upstream::credential);
    }
}

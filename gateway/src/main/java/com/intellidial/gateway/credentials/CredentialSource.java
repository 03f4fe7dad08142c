package com.intellidial.gateway.credentials;

import com.intellidial.gateway.tenant.Tenant;

/**
 * Where a tenant's credential for one upstream lives and how it is read: what
 * {@link CredentialResolver} needs of an upstream ({@code routing.Upstream} extends it), so this
 * package does not depend on routing.
 */
public interface CredentialSource {

    /** The upstream's name ({@code vapi}, {@code twilio}), for messages. */
    String name();

    /**
     * The secret holding the tenant's credential for this upstream.
     * @throws com.intellidial.gateway.web.GatewayException when the tenant may not use this upstream
     */
    SecretPath secretPath(Tenant tenant);

    /**
     * Turns a stored secret into the credential to send.
     * @throws com.intellidial.gateway.web.GatewayException when the secret lacks a required field
     */
    Credential credential(Secret secret);
}

package com.intellidial.gateway.routing;

import java.net.URI;

import com.intellidial.gateway.credentials.Credential;
import com.intellidial.gateway.credentials.Secret;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.tenant.Tenant;

/**
 * One upstream vendor: where it lives, which secret holds a tenant's credential for it, how that
 * secret becomes a credential, and how the final upstream URL is scoped to the tenant. One
 * implementation per vendor, so filters never branch on the vendor.
 */
public interface Upstream {

    /** The route id and catalog name ({@code vapi}, {@code twilio}). */
    String name();

    /** The upstream origin; credentials are attached only to URLs with exactly this origin. */
    URI baseUri();

    /**
     * The secret holding the tenant's credential for this upstream.
     * @throws com.intellidial.gateway.web.GatewayException when the tenant may not use this upstream
     */
    SecretPath secretPath(Tenant tenant);

    /**
     * Whether the tenant's credential is shared with other tenants (a shared VAPI org, a shared
     * Twilio number pool); such a credential is only attached to requests the isolation layer vetted.
     */
    boolean sharedCredential(Tenant tenant);

    /**
     * Turns a stored secret into the credential to send.
     * @throws com.intellidial.gateway.web.GatewayException when the secret lacks a required field
     */
    Credential credential(Secret secret);

    /**
     * The URL actually sent upstream for {@code target} (already on {@link #baseUri()}).
     * @throws com.intellidial.gateway.web.GatewayException when the path may not be proxied
     */
    URI scope(URI target, Credential credential);

    /**
     * Whether a 401 from this upstream proves it did not act on the request, so that any request
     * (a {@code POST} included) may be replayed once with a re-read credential. Only true for
     * vendors that authenticate before doing anything else; otherwise only idempotent methods are
     * replayed.
     */
    default boolean rejectsUnauthenticatedBeforeProcessing() {
        return false;
    }

    /** Whether {@code uri} is on this upstream's origin (scheme, host and port). */
    default boolean isOrigin(URI uri) {
        URI base = baseUri();
        return base.getScheme().equalsIgnoreCase(uri.getScheme()) && base.getHost().equalsIgnoreCase(uri.getHost())
                && port(base) == port(uri);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}

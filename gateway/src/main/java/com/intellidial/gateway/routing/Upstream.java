package com.intellidial.gateway.routing;

import java.net.URI;

import com.intellidial.gateway.credentials.Credential;
import com.intellidial.gateway.credentials.CredentialSource;
import com.intellidial.gateway.tenant.Tenant;

/**
 * One upstream vendor: where it lives, which secret holds a tenant's credential for it, how that
 * secret becomes a credential, and how the final upstream URL is scoped to the tenant. One
 * implementation per vendor, so filters never branch on the vendor.
 */
public interface Upstream extends CredentialSource {

    /** The route id and catalog name ({@code vapi}, {@code twilio}). */
    @Override
    String name();

    /** The upstream origin; credentials are attached only to URLs with exactly this origin. */
    URI baseUri();


    /**
     * Whether the tenant's credential is shared with other tenants (a shared VAPI org, a shared
     * Twilio number pool); such a credential is only attached to requests the isolation layer vetted.
     */
    boolean sharedCredential(Tenant tenant);


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

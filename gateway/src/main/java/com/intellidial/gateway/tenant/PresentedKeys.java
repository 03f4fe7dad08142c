package com.intellidial.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.intellidial.gateway.web.GatewayHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Reads the gateway key a request carries: {@code Authorization: Bearer}, the password of HTTP
 * Basic (so the Twilio SDKs work unchanged) or {@code X-Api-Key}. Shared by the proxied routes and
 * the tenant-facing API, so every entry point accepts exactly the same carriers.
 */
final class PresentedKeys {

    private PresentedKeys() {
    }

    /**
     * Every distinct key the request carries; more than one is refused by the caller.
     * @throws IllegalArgumentException if a carrier is repeated or malformed
     */
    static Set<String> from(HttpHeaders headers) {
        Set<String> keys = new LinkedHashSet<>();
        List<String> authorizations = headers.getOrEmpty(HttpHeaders.AUTHORIZATION);
        List<String> apiKeys = headers.getOrEmpty(GatewayHeaders.API_KEY);
        if (authorizations.size() > 1 || apiKeys.size() > 1) {
            throw new IllegalArgumentException("repeated credential header");
        }
        if (!authorizations.isEmpty()) {
            keys.add(fromAuthorization(authorizations.get(0)));
        }
        if (!apiKeys.isEmpty()) {
            keys.add(apiKeys.get(0).strip());
        }
        return keys;
    }

    private static String fromAuthorization(String value) {
        String trimmed = value.strip();
        int space = trimmed.indexOf(' ');
        if (space < 0) {
            throw new IllegalArgumentException("no scheme");
        }
        String scheme = trimmed.substring(0, space);
        String credentials = trimmed.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return credentials;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String password = basicPassword(credentials);
            if (password != null) {
                return password;
            }
        }
        throw new IllegalArgumentException("unsupported scheme");
    }

    private static @Nullable String basicPassword(String encoded) {
        if (encoded.length() > 1024) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return (colon >= 0) ? decoded.substring(colon + 1) : null;
    }
}

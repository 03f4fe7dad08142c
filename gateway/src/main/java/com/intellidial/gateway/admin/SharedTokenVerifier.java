package com.intellidial.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.jspecify.annotations.Nullable;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Checks a presented shared secret against the configured one in constant time. With no secret
 * configured, what it guards does not exist (404), rather than being open.
 */
class SharedTokenVerifier {

    private final byte @Nullable [] expected;

    private final String disabled;

    private final String invalid;

    /**
     * @param token the configured secret; {@code null} or blank disables what it guards
     * @param disabled the problem detail when no secret is configured
     * @param invalid the problem detail for a missing or wrong secret
     */
    SharedTokenVerifier(@Nullable String token, String disabled, String invalid) {
        this.expected = (token == null || token.isBlank()) ? null : token.getBytes(StandardCharsets.UTF_8);
        this.disabled = disabled;
        this.invalid = invalid;
    }

    /** Throws the problem to answer unless {@code presented} is the configured secret. */
    void verify(@Nullable String presented) {
        byte[] expected = this.expected;
        if (expected == null) {
            throw new GatewayException(ProblemType.NOT_FOUND, this.disabled);
        }
        byte[] actual = (presented != null) ? presented.getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new GatewayException(ProblemType.UNAUTHENTICATED, this.invalid);
        }
    }
}

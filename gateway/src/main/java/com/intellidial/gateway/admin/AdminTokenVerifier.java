package com.intellidial.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Checks the {@code X-Admin-Token} header against {@code gateway.admin.token} in constant time. With
 * no token configured the admin API does not exist (404), rather than being open.
 */
@Component
class AdminTokenVerifier {

    private final byte @Nullable [] expected;

    AdminTokenVerifier(AdminProperties properties) {
        String token = properties.token();
        this.expected = (token == null || token.isBlank()) ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Throws the problem to answer unless {@code presented} is the configured admin token. */
    void verify(@Nullable String presented) {
        byte[] expected = this.expected;
        if (expected == null) {
            throw new GatewayException(ProblemType.NOT_FOUND, "The admin API is disabled.");
        }
        byte[] actual = (presented != null) ? presented.getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new GatewayException(ProblemType.UNAUTHENTICATED, "Missing or invalid admin token.");
        }
    }
}

package com.intellidial.gateway.tenant;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A stored gateway key with its tenant, as cached by {@link ApiKeyResolver}.
 * @param keyId the key's public id
 * @param secretHash SHA-256 of the key's secret
 * @param revoked whether the key was revoked
 * @param expiresAt when the key stops working; {@code null} for never
 * @param tenant the tenant the key belongs to
 */
record KeyRecord(String keyId, byte[] secretHash, boolean revoked, @Nullable Instant expiresAt, Tenant tenant) {

    boolean usableAt(Instant now) {
        return !this.revoked && (this.expiresAt == null || now.isBefore(this.expiresAt));
    }
}

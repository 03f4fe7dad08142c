package com.intellidial.gateway.credentials;

import org.jspecify.annotations.Nullable;

/**
 * A secret store could not answer a read. The message names the path and the store's error text,
 * never a secret value.
 */
public final class SecretStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the read failed; decides whether a retry or a fresh login can help. */
    public enum Reason {

        /** The store could not be reached or did not answer in time. */
        UNREACHABLE,

        /** Vault is sealed (503). */
        SEALED,

        /** The gateway's token may not read the path, or the token is invalid (403). */
        PERMISSION_DENIED,

        /** Any other error answer. */
        FAILED
    }

    private final transient SecretPath path;

    private final Reason reason;

    public SecretStoreException(SecretPath path, Reason reason, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.path = path;
        this.reason = reason;
    }

    /** The secret that could not be read. */
    public SecretPath path() {
        return this.path;
    }

    /** Why it could not be read. */
    public Reason reason() {
        return this.reason;
    }
}

package com.intellidial.gateway.admin;

import java.util.Locale;

/** What an admin token may do. */
public enum AdminRole {

    /** Everything. */
    ADMIN,

    /** Reads only: every write answers 403. */
    VIEWER;

    /** The value stored and shown ({@code admin}, {@code viewer}). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a stored or submitted role. */
    public static AdminRole fromWire(String value) {
        for (AdminRole role : values()) {
            if (role.wire().equals(value)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown admin role '" + value + "'");
    }
}

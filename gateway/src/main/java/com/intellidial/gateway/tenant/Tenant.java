package com.intellidial.gateway.tenant;

import java.util.regex.Pattern;

import org.springframework.util.Assert;

/**
 * A client business of the platform.
 * @param id stable slug, also used in secret paths and webhook URLs ({@code acme})
 * @param name display name
 * @param suspended whether its requests are refused with 403
 * @param vapiMode how its VAPI resources are isolated
 * @param telephonyMode how it gets phone lines
 */
public record Tenant(String id, String name, boolean suspended, VapiMode vapiMode, TelephonyMode telephonyMode) {

    /** What a tenant id may look like: it ends up in URLs and secret paths. */
    public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

    public Tenant {
        Assert.isTrue(ID_PATTERN.matcher(id).matches(), () -> "invalid tenant id: " + id);
        Assert.hasText(name, "name must not be empty");
    }
}

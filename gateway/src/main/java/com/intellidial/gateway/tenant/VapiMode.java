package com.intellidial.gateway.tenant;

/** How a tenant's VAPI resources are isolated (DESIGN.md section 2). */
public enum VapiMode {

    /** One VAPI org shared by many tenants, with the platform key; the gateway enforces ownership. */
    SHARED_ORG("shared-org"),

    /** The tenant's own VAPI org and key (from the secret store); VAPI isolates, the gateway still checks. */
    DEDICATED_ORG("dedicated-org");

    private final String wire;

    VapiMode(String wire) {
        this.wire = wire;
    }

    /** The value stored in the database and shown in the admin API. */
    public String wire() {
        return this.wire;
    }

    public static VapiMode fromWire(String value) {
        for (VapiMode mode : values()) {
            if (mode.wire.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown vapi mode: " + value);
    }
}

package com.intellidial.gateway.tenant;

/** How a tenant gets its phone lines (DESIGN.md section 2). */
public enum TelephonyMode {

    /** Numbers provisioned by VAPI; no Twilio at all. */
    VAPI_NUMBER("vapi-number"),

    /** A Twilio subaccount per tenant under the platform account. */
    PLATFORM_TWILIO("platform-twilio"),

    /** The tenant's own Twilio account, credentials stored in the secret store. */
    BYO_TWILIO("byo-twilio"),

    /** Numbers from a pool in the shared platform account; the gateway enforces number ownership. */
    SHARED_POOL("shared-pool");

    private final String wire;

    TelephonyMode(String wire) {
        this.wire = wire;
    }

    /** The value stored in the database and shown in the admin API. */
    public String wire() {
        return this.wire;
    }

    public static TelephonyMode fromWire(String value) {
        for (TelephonyMode mode : values()) {
            if (mode.wire.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown telephony mode: " + value);
    }
}

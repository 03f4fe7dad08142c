package com.intellidial.gateway.web;

/** Names of the HTTP headers the gateway reads or writes. */
public final class GatewayHeaders {

    /** Correlates a request across client, gateway, upstream and logs. */
    public static final String REQUEST_ID = "X-Request-Id";

    /** Alternative carrier of the tenant's gateway key. */
    public static final String API_KEY = "X-Api-Key";

    /** Signature on webhook messages the gateway relays to tenants. */
    public static final String INTELLIDIAL_SIGNATURE = "X-Intellidial-Signature";

    /** Seconds since the epoch the relayed webhook was signed at. */
    public static final String INTELLIDIAL_TIMESTAMP = "X-Intellidial-Timestamp";

    /** Twilio's webhook signature. */
    public static final String TWILIO_SIGNATURE = "X-Twilio-Signature";

    /**
     * A tenant-chosen name for the resource a request creates or updates ({@code default} makes it
     * the tenant's default); consumed by the gateway, never forwarded.
     */
    public static final String RESOURCE_ALIAS = "X-Gateway-Alias";

    private GatewayHeaders() {
    }
}

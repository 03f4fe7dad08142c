package com.intellidial.simulator.http;

import java.util.Objects;

import tools.jackson.databind.JsonNode;

/** An HTTP answer computed by a vendor API: status, content type and body bytes. */
public record Reply(int status, String contentType, byte[] body) {

    private static final byte[] EMPTY = new byte[0];

    public Reply {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    /** A JSON reply. */
    public static Reply json(int status, JsonNode body) {
        return new Reply(status, "application/json; charset=utf-8", Json.write(body));
    }

    /** A reply with no body, such as 204 No Content. */
    public static Reply empty(int status) {
        return new Reply(status, "text/plain", EMPTY);
    }

    /** Whether this reply has a body to send. */
    public boolean hasBody() {
        return this.body.length > 0;
    }
}

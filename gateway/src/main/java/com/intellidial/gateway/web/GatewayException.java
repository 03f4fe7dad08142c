package com.intellidial.gateway.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The one exception type a gateway component raises to answer a request with an error. Filters
 * signal failure with {@code Mono.error(new GatewayException(...))}; only {@link ProblemRenderer}
 * turns it into a response. The detail is shown to the client, so it must never contain a key, a
 * credential, another tenant's data or an internal stack trace.
 */
public final class GatewayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ProblemType type;

    private final transient Map<String, String> headers;

    private final transient Map<String, Object> extensions;

    public GatewayException(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public GatewayException(ProblemType type, String detail, @Nullable Throwable cause) {
        super(detail, cause, false, false);
        this.type = type;
        this.headers = new LinkedHashMap<>();
        this.extensions = new LinkedHashMap<>();
    }

    /** Adds a response header (e.g. {@code WWW-Authenticate}, {@code Retry-After}). */
    public GatewayException withHeader(String name, String value) {
        this.headers.put(name, value);
        return this;
    }

    /** Adds an RFC 9457 extension member to the problem body (e.g. {@code field}, {@code budget}). */
    public GatewayException withExtension(String name, Object value) {
        this.extensions.put(name, value);
        return this;
    }

    public ProblemType type() {
        return this.type;
    }

    public String detail() {
        String message = getMessage();
        return (message != null) ? message : this.type.title();
    }

    public Map<String, String> headers() {
        return this.headers;
    }

    public Map<String, Object> extensions() {
        return this.extensions;
    }
}

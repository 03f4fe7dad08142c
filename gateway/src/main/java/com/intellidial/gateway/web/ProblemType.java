package com.intellidial.gateway.web;

import java.net.URI;

import org.springframework.http.HttpStatus;

/**
 * Every kind of error the gateway itself produces, with its stable {@code type} URI, status and
 * title. Rendered as RFC 9457 {@code application/problem+json} by {@link ProblemRenderer}; errors
 * from VAPI or Twilio are passed through unchanged and never become one of these.
 */
public enum ProblemType {

    MALFORMED_REQUEST("malformed-request", HttpStatus.BAD_REQUEST, "Malformed request"),
    UNAUTHENTICATED("unauthenticated", HttpStatus.UNAUTHORIZED, "Missing or invalid API key"),
    TENANT_SUSPENDED("tenant-suspended", HttpStatus.FORBIDDEN, "Tenant suspended"),
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Forbidden"),
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    CONFLICT("conflict", HttpStatus.CONFLICT, "Conflict"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency key reused"),
    PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    HEADERS_TOO_LARGE("headers-too-large", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large"),
    URI_TOO_LONG("uri-too-long", HttpStatus.URI_TOO_LONG, "Request URI too long"),
    RATE_LIMITED("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Rate limit exceeded"),
    BUDGET_EXCEEDED("budget-exceeded", HttpStatus.TOO_MANY_REQUESTS, "Budget exceeded"),
    INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal gateway error"),
    UPSTREAM_UNAVAILABLE("upstream-unavailable", HttpStatus.BAD_GATEWAY, "Upstream unavailable"),
    CREDENTIAL_UNAVAILABLE("credential-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Upstream credential unavailable"),
    SERVICE_UNAVAILABLE("service-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    UPSTREAM_TIMEOUT("upstream-timeout", HttpStatus.GATEWAY_TIMEOUT, "Upstream timeout");

    /** Base of every problem {@code type} URI; the slug is appended. */
    public static final String TYPE_BASE = "https://docs.intellidial.dev/problems/";

    private final URI type;

    private final HttpStatus status;

    private final String title;

    ProblemType(String slug, HttpStatus status, String title) {
        this.type = URI.create(TYPE_BASE + slug);
        this.status = status;
        this.title = title;
    }

    public URI type() {
        return this.type;
    }

    public HttpStatus status() {
        return this.status;
    }

    public String title() {
        return this.title;
    }
}

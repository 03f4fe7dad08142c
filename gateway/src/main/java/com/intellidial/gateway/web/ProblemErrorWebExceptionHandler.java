package com.intellidial.gateway.web;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * The single renderer of errors that escape filters and handlers: maps every exception to a
 * {@link GatewayException} and writes it through {@link ProblemRenderer}. Ordered ahead of Boot's
 * default handler. Unexpected exceptions are logged with their stack trace here and answered with
 * a generic 500 that carries no internals.
 */
@Component
@Order(-2)
class ProblemErrorWebExceptionHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorWebExceptionHandler.class);

    private final ProblemRenderer renderer;

    ProblemErrorWebExceptionHandler(ProblemRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            log.debug("Error after response was committed [{}]: {}", GatewayAttributes.requestId(exchange), ex.toString());
            return Mono.error(ex);
        }
        GatewayException problem = toProblem(exchange, ex);
        exchange.getResponse().getHeaders().clear();
        return this.renderer.render(exchange, problem);
    }

    private GatewayException toProblem(ServerWebExchange exchange, Throwable ex) {
        GatewayException raised = findGatewayException(ex);
        if (raised != null) {
            return raised;
        }
        String method = exchange.getRequest().getMethod().name();
        String path = exchange.getRequest().getPath().value();
        if (ex instanceof MethodNotAllowedException notAllowed) {
            GatewayException problem = new GatewayException(ProblemType.METHOD_NOT_ALLOWED,
                    method + " is not allowed on " + path);
            if (!notAllowed.getSupportedMethods().isEmpty()) {
                problem.withHeader("Allow", String.join(", ",
                        notAllowed.getSupportedMethods().stream().map(Object::toString).toList()));
            }
            return problem;
        }
        if (ex instanceof ResponseStatusException status) {
            return fromStatus(status.getStatusCode(), method, path, ex);
        }
        if (ex instanceof DataBufferLimitException) {
            return new GatewayException(ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds the allowed size");
        }
        if (hasCause(ex, ConnectTimeoutException.class, TimeoutException.class, ReadTimeoutException.class)) {
            return new GatewayException(ProblemType.UPSTREAM_TIMEOUT, "The upstream service did not answer in time");
        }
        if (hasCause(ex, ConnectException.class, PrematureCloseException.class, UnknownHostException.class, IOException.class)) {
            log.warn("Upstream failure [{}]: {}", GatewayAttributes.requestId(exchange), ex.toString());
            return new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE, "The upstream service could not be reached");
        }
        log.error("Unexpected error [{}] on {} {}", GatewayAttributes.requestId(exchange), method, path, ex);
        return new GatewayException(ProblemType.INTERNAL_ERROR,
                "The gateway failed to process the request; quote the request id when reporting it");
    }

    private static GatewayException fromStatus(HttpStatusCode status, String method, String path, Throwable ex) {
        return switch (status.value()) {
            case 400 -> new GatewayException(ProblemType.MALFORMED_REQUEST, "The request could not be read");
            case 404 -> new GatewayException(ProblemType.NOT_FOUND, "No endpoint " + method + " " + path);
            case 405 -> new GatewayException(ProblemType.METHOD_NOT_ALLOWED, method + " is not allowed on " + path);
            case 413 -> new GatewayException(ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds the allowed size");
            case 415 -> new GatewayException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Unsupported content type");
            case 502 -> new GatewayException(ProblemType.UPSTREAM_UNAVAILABLE, "The upstream service could not be reached");
            case 503 -> new GatewayException(ProblemType.SERVICE_UNAVAILABLE, "The service is temporarily unavailable");
            case 504 -> new GatewayException(ProblemType.UPSTREAM_TIMEOUT, "The upstream service did not answer in time");
            default -> {
                if (status.is4xxClientError()) {
                    yield new GatewayException(ProblemType.MALFORMED_REQUEST, "The request was rejected (" + status.value() + ")");
                }
                log.error("Unexpected status error on {} {}", method, path, ex);
                yield new GatewayException(ProblemType.INTERNAL_ERROR,
                        "The gateway failed to process the request; quote the request id when reporting it");
            }
        };
    }

    /** A {@link GatewayException} raised anywhere in the cause chain (e.g. wrapped by the HTTP client). */
    private static @Nullable GatewayException findGatewayException(Throwable ex) {
        Throwable current = ex;
        for (int depth = 0; depth < 10 && current != null; depth++) {
            if (current instanceof GatewayException problem) {
                return problem;
            }
            for (Throwable suppressed : current.getSuppressed()) {
                if (suppressed instanceof GatewayException problem) {
                    return problem;
                }
            }
            current = (current.getCause() != current) ? current.getCause() : null;
        }
        return null;
    }

    @SafeVarargs
    private static boolean hasCause(Throwable ex, Class<? extends Throwable>... types) {
        Throwable current = ex;
        for (int depth = 0; depth < 10 && current != null; depth++) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(current)) {
                    return true;
                }
            }
            current = (current.getCause() != current) ? current.getCause() : null;
        }
        return false;
    }
}

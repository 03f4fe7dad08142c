package com.intellidial.gateway.web;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
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
        if (ex instanceof GatewayException problem) {
            return problem;
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
        Throwable cause = rootOrSelf(ex);
        if (cause instanceof ConnectTimeoutException || cause instanceof TimeoutException
                || cause instanceof ReadTimeoutException) {
            return new GatewayException(ProblemType.UPSTREAM_TIMEOUT, "The upstream service did not answer in time");
        }
        if (cause instanceof ConnectException || cause instanceof PrematureCloseException
                || cause instanceof java.io.IOException) {
            log.warn("Upstream failure [{}]: {}", GatewayAttributes.requestId(exchange), cause.toString());
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

    private static Throwable rootOrSelf(Throwable ex) {
        Throwable current = ex;
        for (int depth = 0; depth < 10 && current.getCause() != null && current.getCause() != current; depth++) {
            if (current instanceof ConnectTimeoutException || current instanceof ConnectException
                    || current instanceof TimeoutException) {
                return current;
            }
            current = current.getCause();
        }
        return current;
    }
}

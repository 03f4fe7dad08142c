package com.intellidial.gateway.webhooks;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayAttributes;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * {@code POST /webhooks/vapi/{tenantId}}: the URL the isolation layer puts into a tenant's
 * assistants and phone numbers. In order: read the body (size-capped), authenticate VAPI with the
 * tenant's credential ({@link VapiWebhookAuthenticator}: 401/403), find the tenant (404), refuse a
 * stale message ({@link VapiReplays}: 403), check the message is about the tenant's call
 * ({@link VapiCallGuard}: 404), acknowledge a notification already accepted without effect, meter it ({@link VapiUsageRecorder}, never
 * waits), then relay it ({@link TenantRelay}). Messages VAPI waits on are answered with the tenant's
 * answer within the deadline ({@link VapiAnswers}); all others are answered 200 at once and relayed
 * in the background. A suspended tenant's messages are still metered and relayed: the calls are
 * real and cost money.
 */
class VapiWebhookHandler {

    /** Where VAPI posts a tenant's server messages. */
    static final String PATH = "/webhooks/vapi/{tenantId}";

    private final VapiWebhookAuthenticator authenticator;

    private final VapiCallGuard guard;

    private final VapiUsageRecorder usage;

    private final TenantRelay relay;

    private final VapiAnswers answers;

    private final WebhooksProperties.Vapi properties;

    private final long maxBodyBytes;

    private final Function<String, Mono<Boolean>> tenantExists;

    private final VapiReplays replays;

    /**
     * Creates the handler.
     * @param maxBodyBytes the largest body accepted ({@code gateway.limits.max-body-size})
     * @param tenantExists whether a tenant id names a tenant (cached by the caller)
     */
    VapiWebhookHandler(VapiWebhookAuthenticator authenticator, VapiCallGuard guard, VapiUsageRecorder usage,
            TenantRelay relay, VapiAnswers answers, WebhooksProperties.Vapi properties, long maxBodyBytes,
            Function<String, Mono<Boolean>> tenantExists, VapiReplays replays) {
        this.authenticator = authenticator;
        this.guard = guard;
        this.usage = usage;
        this.relay = relay;
        this.answers = answers;
        this.properties = properties;
        this.maxBodyBytes = maxBodyBytes;
        this.tenantExists = tenantExists;
        this.replays = replays;
    }

    /** The route: {@code POST /webhooks/vapi/{tenantId}}, outside the proxied routes and their tenant-key filters. */
    RouterFunction<ServerResponse> route() {
        return RouterFunctions.route(RequestPredicates.POST(PATH), this::handle);
    }

    Mono<ServerResponse> handle(ServerRequest request) {
        String tenantId = request.pathVariable("tenantId");
        String requestId = GatewayAttributes.requestId(request.exchange());
        HttpHeaders headers = request.headers().asHttpHeaders();
        return readBody(request)
            .flatMap(body -> this.authenticator.authenticate(tenantId, headers, body).thenReturn(body))
            .flatMap(body -> requireTenant(tenantId).thenReturn(body))
            .map(VapiServerMessage::parse)
            .doOnNext(this.replays::requireFresh)
            .flatMap(message -> this.guard.check(tenantId, message).thenReturn(message))
            .flatMap(message -> {
                if (!this.replays.firstDelivery(tenantId, message)) {
                    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue("{\"received\":true}");
                }
                this.usage.record(tenantId, message);
                if (message.expectsAnswer()) {
                    return this.relay.exchange(tenantId, message, requestId, deadline(message))
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty())
                        .flatMap(answer -> this.answers.toVapi(tenantId, message, answer.orElse(null)))
                        .flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body));
                }
                this.relay.relay(tenantId, message, requestId);
                return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue("{\"received\":true}");
            });
    }

    private Duration deadline(VapiServerMessage message) {
        return message.type().equals("assistant-request") ? this.properties.assistantRequestTimeout()
                : this.properties.answerTimeout();
    }

    private Mono<byte[]> readBody(ServerRequest request) {
        if (request.headers().contentLength().orElse(0) > this.maxBodyBytes) {
            return Mono.error(tooLarge());
        }
        // join() fails with DataBufferLimitException past the cap, which the error handler maps to 413.
        int cap = (int) Math.min(this.maxBodyBytes, Integer.MAX_VALUE);
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), cap)
            .map(buffer -> {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                DataBufferUtils.release(buffer);
                return bytes;
            })
            .switchIfEmpty(Mono.error(() -> new GatewayException(ProblemType.MALFORMED_REQUEST,
                    "The body is not a VAPI server message.")));
    }

    private Mono<Void> requireTenant(String tenantId) {
        if (!Tenant.ID_PATTERN.matcher(tenantId).matches()) {
            return Mono.error(unknownTenant());
        }
        return this.tenantExists.apply(tenantId)
            .flatMap(known -> known ? Mono.<Void>empty() : Mono.error(unknownTenant()));
    }

    private GatewayException tooLarge() {
        return new GatewayException(ProblemType.PAYLOAD_TOO_LARGE,
                "The request body exceeds the limit of " + this.maxBodyBytes + " bytes");
    }

    private static GatewayException unknownTenant() {
        return new GatewayException(ProblemType.NOT_FOUND, "No such tenant.");
    }
}

package com.intellidial.simulator.vapi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.intellidial.simulator.SimulatorConfig;
import com.intellidial.simulator.http.Json;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends VAPI server messages ({@code {"message":{…}}}) to a {@code server.url} without blocking, authenticated with
 * the {@code authenticationPlan} of the org's credential the server names by {@code credentialId} (bearer or HMAC,
 * vapi.md section 5.7), else with the simulator's configured webhook credential (standing for an org-level one), the
 * server's {@code timeoutSeconds} and its
 * {@code backoffPlan} (or the simulator's default retries); failures are logged at debug.
 */
final class VapiWebhooks {

    private static final Logger log = LoggerFactory.getLogger(VapiWebhooks.class);

    private final HttpClient client = HttpClient.create()
        .headers(headers -> headers.set(HttpHeaderNames.USER_AGENT, "Vapi-Simulator/1.0"));

    private final SimulatorConfig config;

    private final Clock clock;

    VapiWebhooks(SimulatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Sends {@code message} to the server in the background, retrying as its backoff plan says.
     * @param plan the {@code authenticationPlan} of the credential the server names, or {@code null}
     */
    void send(ObjectNode server, ObjectNode message, @Nullable JsonNode plan) {
        String url = Json.text(server, "url");
        if (url == null) {
            return;
        }
        ObjectNode envelope = Json.object();
        envelope.set("message", message);
        byte[] body = Json.write(envelope);
        Plan retries = Plan.of(server, this.config);
        Authentication authentication = (plan instanceof ObjectNode object) ? Authentication.of(object)
                : new Authentication(this.config.vapiWebhookBearer(), "Authorization", true, this.config.vapiWebhookHmacSecret());
        String type = String.valueOf(Json.text(message, "type"));
        attempt(url, body, retries, authentication, 0).subscribe(status -> log.debug("{} to {} answered {}", type, url, status),
                error -> log.debug("{} to {} failed: {}", type, url, error.toString()));
    }

    private Mono<Integer> attempt(String url, byte[] body, Plan plan, Authentication authentication, int retry) {
        return Mono.defer(() -> post(url, body, plan.timeout(), authentication))
            .onErrorResume(error -> Mono.just(-1))
            .flatMap(status -> {
                boolean failed = status < 200 || status >= 300;
                if (!failed || retry >= plan.maxRetries() || plan.excluded().contains(status)) {
                    return Mono.just(status);
                }
                return Mono.delay(plan.delay(retry)).then(attempt(url, body, plan, authentication, retry + 1));
            });
    }

    private Mono<Integer> post(String url, byte[] body, Duration timeout, Authentication authentication) {
        String timestamp = Long.toString(this.clock.millis());
        String bearer = authentication.bearer();
        String hmac = authentication.hmacSecret();
        return this.client.responseTimeout(timeout)
            .headers(headers -> {
                headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                if (bearer != null) {
                    headers.set(authentication.bearerHeader(), authentication.bearerPrefix() ? "Bearer " + bearer : bearer);
                }
                if (hmac != null) {
                    headers.set("x-timestamp", timestamp);
                    headers.set("x-signature", sign(hmac, timestamp, body));
                }
            })
            .post()
            .uri(url)
            .send(ByteBufFlux.fromInbound(Mono.just(body)))
            .responseSingle((response, content) -> content.asByteArray()
                .defaultIfEmpty(new byte[0])
                .thenReturn(response.status().code()));
    }

    /** The hex HMAC-SHA256 of {@code {timestamp}.{body}}, as a VAPI HMAC credential with default settings sends it. */
    static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 is unavailable", ex);
        }
    }

    /** The headers a credential adds: a bearer token (header, prefix) and/or an HMAC-SHA256 signature. */
    private record Authentication(@Nullable String bearer, String bearerHeader, boolean bearerPrefix,
            @Nullable String hmacSecret) {

        static Authentication of(ObjectNode plan) {
            if ("hmac".equals(Json.text(plan, "type"))) {
                return new Authentication(null, "Authorization", true, Json.text(plan, "secretKey"));
            }
            String header = Json.text(plan, "headerName");
            JsonNode prefix = plan.get("bearerPrefixEnabled");
            return new Authentication(Json.text(plan, "token"), (header != null) ? header : "Authorization",
                    prefix == null || !prefix.isBoolean() || prefix.asBoolean(), null);
        }
    }

    /** How one server is called: its timeout and retry plan ({@code server.timeoutSeconds}, {@code server.backoffPlan}). */
    private record Plan(Duration timeout, int maxRetries, Duration baseDelay, boolean exponential,
            Set<Integer> excluded) {

        static Plan of(ObjectNode server, SimulatorConfig config) {
            Duration timeout = seconds(server.get("timeoutSeconds"), Duration.ofSeconds(20));
            JsonNode backoff = server.get("backoffPlan");
            if (backoff == null || !backoff.isObject()) {
                return new Plan(timeout, config.vapiWebhookRetries(), config.vapiWebhookRetryDelay(), true, Set.of());
            }
            JsonNode retries = backoff.get("maxRetries");
            Set<Integer> excluded = new HashSet<>();
            backoff.path("excludedStatusCodes").forEach(code -> excluded.add(code.asInt()));
            return new Plan(timeout, (retries != null && retries.isNumber()) ? retries.asInt() : 0,
                    seconds(backoff.get("baseDelaySeconds"), Duration.ofSeconds(1)),
                    !"fixed".equals(Json.text(backoff, "type")), Set.copyOf(excluded));
        }

        Duration delay(int retry) {
            return this.exponential ? this.baseDelay.multipliedBy(1L << Math.min(retry, 20)) : this.baseDelay;
        }

        private static Duration seconds(@Nullable JsonNode value, Duration fallback) {
            return (value != null && value.isNumber()) ? Duration.ofMillis(Math.round(value.asDouble() * 1000))
                    : fallback;
        }
    }
}

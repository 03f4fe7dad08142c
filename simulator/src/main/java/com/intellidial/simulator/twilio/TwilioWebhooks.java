package com.intellidial.simulator.twilio;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/** Sends signed Twilio webhooks (status callbacks) without blocking: fire and forget, failures logged at debug. */
final class TwilioWebhooks {

    private static final Logger log = LoggerFactory.getLogger(TwilioWebhooks.class);

    private final HttpClient client = HttpClient.create()
        .responseTimeout(Duration.ofSeconds(10))
        .headers(headers -> headers.set(HttpHeaderNames.USER_AGENT, "TwilioProxy/1.1"));

    /** Sends the parameters to {@code url} as a form POST, or as a query string when {@code method} is GET. */
    void send(String url, String method, Map<String, String> params, String authToken) {
        String form = encode(params);
        Mono<Integer> delivery;
        if (method.equalsIgnoreCase("GET")) {
            String target = url + (url.contains("?") ? "&" : "?") + form;
            String signature = TwilioSignature.sign(authToken, target, Map.of());
            delivery = this.client.headers(headers -> headers.set("X-Twilio-Signature", signature))
                .get()
                .uri(target)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("").thenReturn(response.status().code()));
        }
        else {
            String signature = TwilioSignature.sign(authToken, url, params);
            delivery = this.client
                .headers(headers -> headers.set("X-Twilio-Signature", signature)
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8"))
                .post()
                .uri(url)
                .send(ByteBufFlux.fromString(Mono.just(form)))
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("").thenReturn(response.status().code()));
        }
        delivery.subscribe(status -> log.debug("Webhook {} {} answered {}", method, url, status),
                error -> log.debug("Webhook {} {} failed: {}", method, url, error.toString()));
    }

    private static String encode(Map<String, String> params) {
        StringJoiner form = new StringJoiner("&");
        params.forEach((name, value) -> form.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return form.toString();
    }
}

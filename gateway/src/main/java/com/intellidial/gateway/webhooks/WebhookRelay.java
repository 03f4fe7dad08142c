package com.intellidial.gateway.webhooks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;

/**
 * Relays a webhook to the tenant's own URL, signed with {@link RelaySigner}. Fire and forget: the
 * caller never waits; failures are retried a bounded number of times with backoff, then dropped
 * and logged. Targets on internal networks are refused ({@link RelayTargetGuard}).
 */
@Component
class WebhookRelay {

    private static final Logger log = LoggerFactory.getLogger(WebhookRelay.class);

    private final WebClient client;

    private final SecretStore secrets;

    private final Clock clock;

    WebhookRelay(SecretStore secrets, RelayTargetGuard guard, WebhooksProperties properties) {
        this.client = WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(guard.httpClient(properties.relay().connectTimeout())))
            .build();
        this.secrets = secrets;
        this.clock = Clock.systemUTC();
    }

    /** Starts relaying a form body to {@code target}; returns at once. */
    void relayForm(String tenantId, String target, byte[] body) {
        URI uri;
        try {
            uri = URI.create(target);
        }
        catch (IllegalArgumentException ex) {
            log.debug("Not relaying to a malformed URL for tenant {}", tenantId);
            return;
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            log.debug("Not relaying to a non-HTTP URL for tenant {}", tenantId);
            return;
        }
        this.secrets.read(SecretPath.tenantWebhook(tenantId))
            .mapNotNull((secret) -> secret.field("signing_secret"))
            .switchIfEmpty(Mono.error(() -> new IllegalStateException("no webhook signing secret")))
            .flatMap((secret) -> this.client.post()
                .uri(uri)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .headers((headers) -> RelaySigner.sign(headers, secret, this.clock.instant().getEpochSecond(), body))
                .bodyValue(body)
                .retrieve()
                .toBodilessEntity()
                .timeout(Duration.ofSeconds(10)))
            .retryWhen(Retry.backoff(2, Duration.ofMillis(200)).filter(error -> !RelayTargetGuard.isBlockedTarget(error)))
            .subscribe((response) -> log.debug("Relayed a webhook for tenant {}: {}", tenantId, response.getStatusCode()),
                    (error) -> log.warn("Dropped a webhook relay for tenant {}: {}", tenantId, error.toString()));
    }
}

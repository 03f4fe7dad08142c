package com.intellidial.gateway.webhooks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import com.intellidial.gateway.callbacks.RelayTargetGuard;
import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.web.GatewayHeaders;

/**
 * Sends what VAPI and Twilio post to the gateway on to the tenant's own URL, signed with the
 * tenant's webhook secret ({@link RelaySigner}; every attempt is signed afresh with its own
 * timestamp). Only the body and the gateway's own headers go out: nothing the vendor sent (its
 * credential included) is forwarded.
 * <ul>
 * <li>{@link #relay} and {@link #relayForm}: for messages nobody waits for. Retried on connection
 * errors, timeouts, 408, 429 and 5xx with exponential backoff and jitter, up to
 * {@code max-attempts}; at most {@code max-in-flight} relays are pending, and at most
 * {@code max-in-flight-per-tenant} of one tenant's; beyond that a message is dropped and counted
 * rather than queued, so a tenant whose endpoint hangs loses only its own messages. When the instance stops, pending relays get up to
 * {@code drain-timeout} to finish, after the server has stopped taking webhooks.</li>
 * <li>{@link #exchange}: for VAPI messages VAPI waits on. One attempt within the deadline; the
 * tenant's 2xx body is the answer, anything else is empty.</li>
 * </ul>
 */
class TenantRelay implements SmartLifecycle {

    /**
     * After the web server stopped taking webhooks (graceful shutdown and stop run in phases just
     * below {@link SmartLifecycle#DEFAULT_PHASE}) and before the HTTP client resources are disposed.
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 10_000;

    private static final Duration DRAIN_POLL = Duration.ofMillis(50);

    private static final Logger log = LoggerFactory.getLogger(TenantRelay.class);

    private final WebClient client;

    private final SecretStore secrets;

    private final TenantWebhookUrls urls;

    private final WebhooksProperties.Relay properties;

    private final Clock clock;

    private final AtomicInteger inFlight = new AtomicInteger();

    /** Pending relays per tenant; an entry exists only while the tenant has some. */
    private final ConcurrentHashMap<String, Integer> inFlightByTenant = new ConcurrentHashMap<>();

    private final Counter delivered;

    private final Counter failed;

    private final Counter dropped;

    private final Counter retries;

    private volatile boolean running;

    TenantRelay(WebClient client, SecretStore secrets, TenantWebhookUrls urls, WebhooksProperties.Relay properties,
            Clock clock, MeterRegistry meters) {
        this.client = client;
        this.secrets = secrets;
        this.urls = urls;
        this.properties = properties;
        this.clock = clock;
        this.delivered = Counter.builder("gateway.webhooks.relay.delivered")
            .description("Server messages the tenant accepted")
            .register(meters);
        this.failed = Counter.builder("gateway.webhooks.relay.failed")
            .description("Server messages given up on after the last attempt")
            .register(meters);
        this.dropped = Counter.builder("gateway.webhooks.relay.dropped")
            .description("Server messages not relayed: no tenant URL or secret, or too many pending relays")
            .register(meters);
        this.retries = Counter.builder("gateway.webhooks.relay.retries")
            .description("Relay attempts after the first")
            .register(meters);
        Gauge.builder("gateway.webhooks.relay.in-flight", this.inFlight, AtomicInteger::get)
            .description("Asynchronous relays pending")
            .register(meters);
    }

    /**
     * Relays a VAPI message in the background and returns at once; the caller never waits for the tenant.
     * @param tenantId the tenant the message was sent for, already checked to own it
     * @param message the message
     * @param requestId the request id of VAPI's delivery, passed on as {@code X-Request-Id}
     */
    void relay(String tenantId, VapiServerMessage message, String requestId) {
        deliver(tenantId, this.urls.urlFor(tenantId, message.assistantId(), message.phoneNumberId()),
                MediaType.APPLICATION_JSON, message.relayBody(), message.type(), requestId);
    }

    /**
     * Relays a Twilio status callback (a form) in the background and returns at once.
     * @param tenantId the tenant the callback was sent for, already checked to own the call
     * @param target the status callback URL the tenant gave for the call; only http(s) is relayed to
     * @param body the form to send
     * @param requestId the request id of Twilio's delivery, passed on as {@code X-Request-Id}
     */
    void relayForm(String tenantId, String target, byte[] body, String requestId) {
        deliver(tenantId, Mono.justOrEmpty(httpUri(target)), MediaType.APPLICATION_FORM_URLENCODED, body,
                "Twilio status callback", requestId);
    }

    private void deliver(String tenantId, Mono<URI> url, MediaType contentType, byte[] body, String kind,
            String requestId) {
        if (!acquire(tenantId)) {
            this.dropped.increment();
            log.warn("Dropped a {} relay for tenant {}: too many relays are pending (at most {}, {} per tenant)", kind,
                    tenantId, this.properties.maxInFlight(), this.properties.maxInFlightPerTenant());
            return;
        }
        target(tenantId, url, kind)
            .flatMap(target -> Mono.defer(() -> send(target, contentType, body, requestId, this.properties.responseTimeout()))
                .flatMap(TenantRelay::requireSuccess)
                .retryWhen(Retry.backoff(this.properties.maxAttempts() - 1L, this.properties.initialBackoff())
                    .maxBackoff(this.properties.maxBackoff())
                    .jitter(this.properties.jitter())
                    .filter(TenantRelay::retryable)
                    .doBeforeRetry(signal -> this.retries.increment())
                    .onRetryExhaustedThrow((spec, signal) -> signal.failure())))
            .doFinally(signal -> release(tenantId))
            .subscribe(status -> this.delivered.increment(), error -> {
                this.failed.increment();
                log.warn("Gave up relaying a {} to tenant {} [{}]: {}", kind, tenantId, requestId, error.toString());
            });
    }

    /**
     * Takes one slot of the tenant's share and one of the instance's, or neither. The tenant's
     * count changes only inside the map's per-key {@code compute}, so it never drifts.
     */
    private boolean acquire(String tenantId) {
        boolean[] taken = { false };
        this.inFlightByTenant.compute(tenantId, (id, count) -> {
            int held = (count == null) ? 0 : count;
            if (held >= this.properties.maxInFlightPerTenant()) {
                return count;
            }
            taken[0] = true;
            return held + 1;
        });
        if (!taken[0]) {
            return false;
        }
        if (this.inFlight.incrementAndGet() > this.properties.maxInFlight()) {
            this.inFlight.decrementAndGet();
            releaseTenant(tenantId);
            return false;
        }
        return true;
    }

    private void release(String tenantId) {
        this.inFlight.decrementAndGet();
        releaseTenant(tenantId);
    }

    /** Gives back a tenant slot and forgets the tenant once it holds none. */
    private void releaseTenant(String tenantId) {
        this.inFlightByTenant.computeIfPresent(tenantId, (id, count) -> (count <= 1) ? null : count - 1);
    }

    /**
     * Relays a message VAPI waits on and returns the tenant's answer.
     * @param tenantId the tenant the message was sent for, already checked to own it
     * @param message the message
     * @param requestId the request id of VAPI's delivery
     * @param deadline how long the tenant gets, connection included
     * @return the tenant's 2xx body; empty when there is no target, the tenant failed or was late
     */
    Mono<byte[]> exchange(String tenantId, VapiServerMessage message, String requestId, Duration deadline) {
        byte[] body = message.relayBody();
        return target(tenantId, this.urls.urlFor(tenantId, message.assistantId(), message.phoneNumberId()), message.type())
            .flatMap(target -> this.client.post()
                .uri(target.url())
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .headers(headers -> sign(headers, target, body, requestId))
                .bodyValue(body)
                .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                        ? response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0])
                        : response.releaseBody().then(Mono.error(new RelayStatusException(response.statusCode()))))
                .timeout(deadline))
            .doOnNext(answer -> this.delivered.increment())
            .onErrorResume(error -> {
                this.failed.increment();
                log.debug("Tenant {} did not answer a {} [{}]: {}", tenantId, message.type(), requestId, error.toString());
                return Mono.empty();
            });
    }

    private Mono<Target> target(String tenantId, Mono<URI> url, String kind) {
        Mono<String> secret = this.secrets.read(SecretPath.tenantWebhook(tenantId))
            .mapNotNull(found -> found.field("signing_secret"));
        return Mono.zip(url, secret, Target::new).switchIfEmpty(Mono.fromRunnable(() -> {
            this.dropped.increment();
            log.debug("Not relaying a {} to tenant {}: no webhook URL or signing secret", kind, tenantId);
        }));
    }

    private Mono<HttpStatusCode> send(Target target, MediaType contentType, byte[] body, String requestId,
            Duration timeout) {
        return this.client.post()
            .uri(target.url())
            .contentType(contentType)
            .headers(headers -> sign(headers, target, body, requestId))
            .bodyValue(body)
            .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode()))
            .timeout(timeout);
    }

    private void sign(HttpHeaders headers, Target target, byte[] body, String requestId) {
        RelaySigner.sign(headers, target.secret(), this.clock.instant().getEpochSecond(), body);
        headers.set(GatewayHeaders.REQUEST_ID, requestId);
    }

    /** An absolute http(s) URL, else empty: nothing else is relayed to. */
    static @Nullable URI httpUri(String url) {
        try {
            URI uri = URI.create(url);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null ? uri
                    : null;
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private static Mono<HttpStatusCode> requireSuccess(HttpStatusCode status) {
        return status.is2xxSuccessful() ? Mono.just(status) : Mono.error(new RelayStatusException(status));
    }

    private static boolean retryable(Throwable error) {
        if (RelayTargetGuard.isBlockedTarget(error)) {
            return false;
        }
        if (error instanceof RelayStatusException status) {
            int code = status.status.value();
            return code == 408 || code == 429 || status.status.is5xxServerError();
        }
        return error instanceof TimeoutException || error instanceof WebClientRequestException;
    }

    @Override
    public void start() {
        this.running = true;
    }

    @Override
    public void stop() {
        drain().block();
    }

    /** Gives pending relays up to {@code drain-timeout} to finish, then reports what is abandoned. */
    @Override
    public void stop(Runnable callback) {
        drain().subscribe(null, null, callback);
    }

    private Mono<Void> drain() {
        this.running = false;
        return Flux.interval(Duration.ZERO, DRAIN_POLL)
            .takeUntil(tick -> this.inFlight.get() <= 0)
            .take(this.properties.drainTimeout())
            .then(Mono.fromRunnable(() -> {
                int abandoned = this.inFlight.get();
                if (abandoned > 0) {
                    log.warn("Stopping with {} webhook relays still pending after {}; they are not delivered",
                            abandoned, this.properties.drainTimeout());
                }
            }));
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public String toString() {
        return "TenantRelay[maxAttempts=" + this.properties.maxAttempts() + ", maxInFlight="
                + this.properties.maxInFlight() + ", maxInFlightPerTenant=" + this.properties.maxInFlightPerTenant() + "]";
    }

    /** The tenant's URL and signing secret for one message. */
    private record Target(URI url, String secret) {

        @Override
        public String toString() {
            return "Target[url=" + this.url + "]";
        }
    }

    /** The tenant answered with a status that is not a success. */
    private static final class RelayStatusException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient HttpStatusCode status;

        RelayStatusException(HttpStatusCode status) {
            super("tenant answered " + status.value(), null, false, false);
            this.status = status;
        }
    }
}

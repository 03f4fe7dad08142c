package com.intellidial.gateway.webhooks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.TreeMap;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A tenant's own webhook server for tests: a tiny Reactor Netty server that records every request
 * and answers with scripted statuses, delays and bodies (by default 200 and {@code {}}).
 */
final class TenantEndpoint implements AutoCloseable {

    private final DisposableServer server;

    private final List<Received> received = new CopyOnWriteArrayList<>();

    private final ConcurrentLinkedQueue<Integer> scriptedStatuses = new ConcurrentLinkedQueue<>();

    private volatile Duration delay = Duration.ZERO;

    private volatile String answer = "{}";

    private TenantEndpoint() {
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle(this::serve).bindNow();
    }

    static TenantEndpoint start() {
        return new TenantEndpoint();
    }

    /** The URL of a path on this server. */
    String url(String path) {
        return "http://127.0.0.1:" + this.server.port() + path;
    }

    /** The next {@code count} requests are answered with {@code status} and no body. */
    TenantEndpoint failNext(int count, int status) {
        for (int i = 0; i < count; i++) {
            this.scriptedStatuses.add(status);
        }
        return this;
    }

    /** Every answer waits this long (without blocking). */
    TenantEndpoint delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** The body of every successful answer. */
    TenantEndpoint answer(String json) {
        this.answer = json;
        return this;
    }

    /** Every request received so far, in order. */
    List<Received> received() {
        return List.copyOf(this.received);
    }

    @Override
    public void close() {
        this.server.disposeNow();
    }

    private Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap(body -> {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.requestHeaders().forEach(header -> headers.put(header.getKey(), header.getValue()));
            this.received.add(new Received(request.uri(), headers, body, System.nanoTime()));
            Integer status = this.scriptedStatuses.poll();
            Mono<Void> reply = (status != null) ? response.status(status).send()
                    : response.status(200)
                        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .sendString(Mono.just(this.answer))
                        .then();
            return this.delay.isZero() ? reply : Mono.delay(this.delay).then(reply);
        });
    }

    /** One request as the tenant received it. */
    record Received(String path, Map<String, String> headers, byte[] body, long receivedAtNanos) {

        String header(String name) {
            return this.headers.get(name);
        }

        String bodyText() {
            return new String(this.body, StandardCharsets.UTF_8);
        }
    }
}

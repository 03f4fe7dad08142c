package com.intellidial.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/** A test web server that records the webhooks the simulator sends it. */
final class CallbackReceiver implements AutoCloseable {

    private final HttpServer server;

    private final List<Callback> received = new CopyOnWriteArrayList<>();

    CallbackReceiver() {
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String query = exchange.getRequestURI().getRawQuery();
            this.received.add(new Callback(exchange.getRequestMethod(),
                    url() + exchange.getRequestURI().getRawPath().substring(1) + ((query != null) ? "?" + query : ""),
                    exchange.getRequestHeaders().getFirst("X-Twilio-Signature"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), decode(body)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        this.server.start();
    }

    /** The base URL, ending in a slash. */
    String url() {
        return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/";
    }

    List<Callback> received() {
        return List.copyOf(this.received);
    }

    @Override
    public void close() {
        this.server.stop(0);
    }

    private static Map<String, String> decode(String form) {
        Map<String, String> params = new LinkedHashMap<>();
        if (!form.isEmpty()) {
            for (String pair : form.split("&")) {
                int equals = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** One received webhook: the full URL it was sent to, its signature header and its form parameters. */
    record Callback(String method, String url, String signature, String contentType, Map<String, String> params) {
    }
}

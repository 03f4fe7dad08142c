package com.intellidial.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A test web server that records the VAPI server messages the simulator posts, answering scripted statuses first. */
final class ServerMessageReceiver implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;

    private final List<Received> received = new CopyOnWriteArrayList<>();

    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();

    ServerMessageReceiver() {
        try {
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            this.received.add(new Received(exchange.getRequestURI().getPath(), headers, body, JSON.readTree(body)));
            Integer status = this.statuses.poll();
            exchange.sendResponseHeaders((status != null) ? status : 200, -1);
            exchange.close();
        });
        this.server.start();
    }

    /** The URL of a path on this server. */
    String url(String path) {
        return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
    }

    /** The next {@code count} messages are answered {@code status}. */
    void failNext(int count, int status) {
        for (int i = 0; i < count; i++) {
            this.statuses.add(status);
        }
    }

    List<Received> received() {
        return List.copyOf(this.received);
    }

    /** The {@code message} objects received, in order of arrival. */
    List<JsonNode> messages() {
        return this.received.stream().map(r -> r.json().get("message")).toList();
    }

    @Override
    public void close() {
        this.server.stop(0);
    }

    /** One delivery: path, headers, raw body and parsed body. */
    record Received(String path, Map<String, String> headers, byte[] body, JsonNode json) {
    }
}

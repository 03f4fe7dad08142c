package com.intellidial.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP calls against a started simulator, with the auth headers VAPI and Twilio clients send. */
final class TestClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;

    private final String authorization;

    private TestClient(String baseUrl, String authorization) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    static TestClient vapi(Simulator simulator, String apiKey) {
        return new TestClient(simulator.baseUrl(), "Bearer " + apiKey);
    }

    static TestClient twilio(Simulator simulator, String username, String password) {
        String basic = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new TestClient(simulator.baseUrl(), "Basic " + basic);
    }

    static TestClient anonymous(Simulator simulator) {
        return new TestClient(simulator.baseUrl(), "");
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE());
    }

    HttpResponse<String> json(String method, String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
            .method(method, BodyPublishers.ofString(body)));
    }

    /** A form POST; {@code pairs} are name, value, name, value, ... (names may repeat). */
    HttpResponse<String> form(String path, String... pairs) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(BodyPublishers.ofString(encode(pairs))));
    }

    CompletableFuture<HttpResponse<String>> sendAsync(String path) {
        return HTTP.sendAsync(request(path).GET().build(), BodyHandlers.ofString());
    }

    HttpResponse<String> send(HttpRequest.Builder builder) {
        try {
            return HTTP.send(builder.build(), BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
            .timeout(Duration.ofSeconds(10));
        return this.authorization.isEmpty() ? builder : builder.header("Authorization", this.authorization);
    }

    static String encode(String... pairs) {
        StringJoiner joined = new StringJoiner("&");
        for (int i = 0; i < pairs.length; i += 2) {
            joined.add(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return joined.toString();
    }

    static JsonNode body(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}

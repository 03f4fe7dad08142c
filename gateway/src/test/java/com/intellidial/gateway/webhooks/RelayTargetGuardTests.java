package com.intellidial.gateway.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSRF guard: which addresses it blocks, which URLs it refuses up front, and the relay client's resolver. */
class RelayTargetGuardTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private DisposableServer server;

    @BeforeEach
    void start() {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> response.status(204).send())
            .bindNow();
    }

    @AfterEach
    void stop() {
        this.server.disposeNow();
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "127.9.9.9", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
            "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "224.0.0.1", "255.255.255.255", "::1",
            "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
            "::169.254.169.254", "64:ff9b::a9fe:a9fe" })
    void blocksInternalAddresses(String address) throws Exception {
        assertThat(RelayTargetGuard.isBlocked(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1",
            "::ffff:8.8.8.8" })
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(RelayTargetGuard.isBlocked(InetAddress.getByName(address))).isFalse();
    }

    static Stream<String> refusedUrls() {
        return Stream.of("http://127.0.0.1:8080/hook", "https://10.0.0.5/x", "http://[::1]/x", "http://169.254.169.254/latest",
                "http://[fd00::1]:9000/", "http://localhost/x", "http://LOCALHOST:1/", "http://api.localhost/x",
                "http://[::ffff:192.168.0.1]/");
    }

    @ParameterizedTest
    @MethodSource
    void refusedUrls(String url) {
        assertThat(guard(false).refusal(url)).isNotNull();
        assertThat(guard(true).refusal(url)).as("allowed when private targets are").isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://acme.example/hook", "http://93.184.216.34/x", "not a url", "mailto:a@b.c" })
    void acceptedUrls(String url) {
        assertThat(guard(false).refusal(url)).isNull();
    }

    @Test
    void theRelayClientRefusesLoopbackLiteralsAndNamesAfterResolution() {
        RelayTargetGuard guard = guard(false);
        for (String host : new String[] { "127.0.0.1", "localhost" }) {
            assertThatThrownBy(() -> post(guard, "http://" + host + ":" + this.server.port() + "/hook"))
                .as(host)
                .satisfies(error -> assertThat(RelayTargetGuard.isBlockedTarget(error)).isTrue());
        }
        assertThat(this.meters.counter("gateway.webhooks.relay.blocked").count()).isEqualTo(2);
    }

    @Test
    void theRelayClientConnectsWhenPrivateTargetsAreAllowed() {
        assertThat(post(guard(true), "http://127.0.0.1:" + this.server.port() + "/hook").value()).isEqualTo(204);
        assertThat(post(guard(true), "http://localhost:" + this.server.port() + "/hook").value()).isEqualTo(204);
    }

    private static HttpStatusCode post(RelayTargetGuard guard, String url) {
        WebClient client = WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(guard.httpClient(Duration.ofSeconds(2))))
            .build();
        return client.post().uri(URI.create(url)).retrieve().toBodilessEntity()
            .map(response -> response.getStatusCode())
            .block(Duration.ofSeconds(10));
    }

    private RelayTargetGuard guard(boolean allowPrivateTargets) {
        WebhooksProperties properties = new WebhooksProperties(URI.create("https://gw.example"), null,
                new WebhooksProperties.Vapi("Authorization", "x-signature", "x-timestamp", Duration.ofMinutes(5),
                        Duration.ofSeconds(6), Duration.ofSeconds(18)),
                new WebhooksProperties.Relay(Duration.ofSeconds(2), Duration.ofSeconds(10), 5, Duration.ofSeconds(1),
                        Duration.ofMinutes(1), 0.5, 1000, Duration.ofSeconds(10), allowPrivateTargets, 100));
        return new RelayTargetGuard(properties, this.meters);
    }
}

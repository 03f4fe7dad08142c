package com.intellidial.gateway.callbacks;

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

    /**
     * Every range the guard must refuse, written here independently of {@link SpecialPurposeRanges}:
     * the IANA IPv4 and IPv6 special-purpose registries' entries that are not globally reachable,
     * plus multicast and the deprecated relay, site-local and whole IETF-assignment blocks.
     */
    static Stream<String> specialPurposeRanges() {
        return Stream.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
                "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32", "::/128", "::1/128",
                "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20",
                "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");
    }

    @ParameterizedTest
    @MethodSource("specialPurposeRanges")
    void blocksTheFirstAndLastAddressOfEverySpecialPurposeRange(String cidr) throws Exception {
        for (InetAddress address : new InetAddress[] { edge(cidr, false), edge(cidr, true) }) {
            assertThat(RelayTargetGuard.isBlocked(address)).as(cidr + ": " + address.getHostAddress()).isTrue();
            String literal = (address instanceof java.net.Inet6Address) ? "[" + address.getHostAddress() + "]"
                    : address.getHostAddress();
            assertThat(guard(false).refusal("https://" + literal + "/hook")).as(cidr).isNotNull();
        }
    }

    @Test
    void theGuardsTableIsExactlyTheListedRanges() {
        assertThat(SpecialPurposeRanges.RANGES).extracting(SpecialPurposeRanges.Range::cidr)
            .containsExactlyInAnyOrderElementsOf(specialPurposeRanges().toList());
    }

    @ParameterizedTest
    @ValueSource(strings = { "198.17.255.255", "198.20.0.0", "192.0.1.0", "192.0.3.1", "192.31.196.1", "192.52.193.1",
            "192.175.48.1", "223.255.255.255", "2003::1", "2001:200::1", "2001:db9::1", "2620:4f:8000::1",
            "64:ff9b::808:808", "64:ff9b:2::1", "101::1", "4000::1", "5f01::1" })
    void allowsTheGloballyReachableNeighbours(String address) throws Exception {
        assertThat(RelayTargetGuard.isBlocked(InetAddress.getByName(address))).as(address).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "::ffff:198.18.0.1", "::ffff:192.0.0.8", "::198.18.0.1", "64:ff9b::c612:1",
            "64:ff9b::c000:2ff", "::ffff:0:0", "::0.0.0.2", "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2001:0:4136:e378::1",
            "2001:0:c612:1:0:f227:39ed:fffe" })
    void blocksIpv4AddressesCarriedInIpv6(String address) throws Exception {
        assertThat(RelayTargetGuard.isBlocked(InetAddress.getByName(address))).as(address).isTrue();
    }

    /** The first (or last) address of a CIDR range, computed without the guard's code. */
    private static InetAddress edge(String cidr, boolean last) throws Exception {
        String[] parts = cidr.split("/");
        byte[] bytes = InetAddress.getByName(parts[0]).getAddress();
        if (parts[0].contains(":") && bytes.length == 4) {
            throw new IllegalStateException("an IPv6 range written as IPv4: " + cidr);
        }
        int prefix = Integer.parseInt(parts[1]);
        for (int bit = prefix; last && bit < bytes.length * 8; bit++) {
            bytes[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return InetAddress.getByAddress(bytes);
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

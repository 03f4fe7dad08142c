package com.intellidial.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.VendorApi;
import com.intellidial.simulator.twilio.TwilioApi;
import com.intellidial.simulator.vapi.VapiApi;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A running VAPI + Twilio simulator on one port: VAPI at the root ({@code /assistant}), Twilio under
 * {@code /2010-04-01}. Non-blocking (Reactor Netty); state lives in memory until {@link #close()}.
 */
public final class Simulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Simulator.class);

    private static final String TWILIO_PREFIX = "/2010-04-01/";

    private static final byte[] NO_BODY = new byte[0];

    private final RequestJournal journal = new RequestJournal();

    private final Faults faults = new Faults();

    private final VapiApi vapi;

    private final TwilioApi twilio;

    private final List<DisposableServer> servers = new ArrayList<>();

    /**
     * The simulator's own event loops: a Spring context in the same JVM that closes disposes Reactor Netty's global
     * resources, which must not take a simulator shared by other tests down with it.
     */
    private final LoopResources loops = LoopResources.create("simulator");

    private final AtomicBoolean closed = new AtomicBoolean();

    private Simulator(SimulatorConfig config) {
        Clock clock = Clock.systemUTC();
        this.vapi = new VapiApi(config, clock);
        this.twilio = new TwilioApi(config, clock);
    }

    /** Starts a simulator and binds it; port 0 picks a random free port. */
    public static Simulator start(SimulatorConfig config) {
        Simulator simulator = new Simulator(config);
        simulator.bind(config);
        return simulator;
    }

    private void bind(SimulatorConfig config) {
        DisposableServer primary = server(config.host(), config.port());
        this.servers.add(primary);
        if (config.host().equals("127.0.0.1")) {
            // "localhost" may resolve to ::1 first; serve it too, on the same port, where IPv6 is available.
            try {
                this.servers.add(server("::1", primary.port()));
            }
            catch (RuntimeException ex) {
                log.debug("Not serving [::1]:{}: {}", primary.port(), ex.getMessage());
            }
        }
        log.debug("Simulator listening on {}:{}", config.host(), primary.port());
    }

    private DisposableServer server(String host, int port) {
        return HttpServer.create().runOn(this.loops).host(host).port(port).handle(this::serve).bindNow();
    }

    /** The bound port. */
    public int port() {
        return this.servers.get(0).port();
    }

    /** {@code http://localhost:<port>}. */
    public String baseUrl() {
        return "http://localhost:" + port();
    }

    /** Every request received, in order. */
    public RequestJournal journal() {
        return this.journal;
    }

    /** Fault injection for tests. */
    public Faults faults() {
        return this.faults;
    }

    /**
     * Accepts another VAPI private key for an org, so tests can rotate keys: add the new key, switch
     * the client over, then {@link #removeVapiKey remove} the old one.
     */
    public void addVapiKey(String apiKey, String orgId) {
        this.vapi.addKey(apiKey, orgId);
    }

    /** Revokes a VAPI private key: requests carrying it get VAPI's 401 from now on. */
    public void removeVapiKey(String apiKey) {
        this.vapi.removeKey(apiKey);
    }

    /** Stops serving and discards pending work; idempotent. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.twilio.close();
            this.vapi.close();
            this.servers.forEach(DisposableServer::disposeNow);
            this.loops.disposeLater().block(Duration.ofSeconds(5));
        }
    }

    private Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        return request.receive()
            .aggregate()
            .asByteArray()
            .defaultIfEmpty(NO_BODY)
            .map(body -> record(request, body))
            .flatMap(recorded -> {
                Duration delay = this.faults.delayFor(recorded.path());
                Mono<Reply> reply = Mono.fromSupplier(() -> answer(recorded));
                return delay.isZero() ? reply : Mono.delay(delay).then(reply);
            })
            .flatMap(reply -> write(response, reply));
    }

    private RecordedRequest record(HttpServerRequest request, byte[] body) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.requestHeaders().forEach(h -> headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        RecordedRequest recorded = new RecordedRequest(request.method().name(), uri.rawPath(), uri.rawQuery(), headers,
                body, Instant.now());
        this.journal.record(recorded);
        return recorded;
    }

    private Reply answer(RecordedRequest request) {
        VendorApi api = request.path().startsWith(TWILIO_PREFIX) ? this.twilio : this.vapi;
        Reply canned = this.faults.takeAnswer(request.header("X-Request-Id"));
        if (canned != null) {
            return canned;
        }
        OptionalInt failure = this.faults.takeFailure(request.path());
        if (failure.isPresent()) {
            return api.error(failure.getAsInt(), request);
        }
        try {
            return api.handle(request);
        }
        catch (RuntimeException ex) {
            log.warn("Simulator failed on {} {}", request.method(), request.path(), ex);
            return api.error(500, request);
        }
    }

    private static Mono<Void> write(HttpServerResponse response, Reply reply) {
        response.status(reply.status());
        if (!reply.hasBody()) {
            return response.send().then();
        }
        return response.header(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
            .sendByteArray(Mono.just(reply.body()))
            .then();
    }
}

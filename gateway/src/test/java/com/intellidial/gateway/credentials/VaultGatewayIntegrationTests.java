package com.intellidial.gateway.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.vault.support.VaultToken;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.GatewayApplication;
import com.intellidial.gateway.support.ExtraGateway;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.vault.TestVault;
import com.intellidial.gateway.vault.TestVault.AppRoleLogin;
import com.intellidial.simulator.RecordedRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole gateway with {@code gateway.secrets.backend=vault} and AppRole login, driven over HTTP
 * by concurrent clients while Vault changes underneath: a key rotated with an overlap window (zero
 * failed requests, new key within the TTL), Vault sealed or stopped (stale credential, then 503 after
 * the bound, then recovery), a deleted secret and a denied path (503, never forwarded). No known
 * secret may appear in the logs or in any response. Runs against the emulator and, where Docker is
 * available, against {@value TestVault#IMAGE} (skipped otherwise); sealing and stopping need the emulator.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("com.intellidial.gateway.vault.TestVault#flavours")
@ExtendWith(OutputCaptureExtension.class)
class VaultGatewayIntegrationTests {

    private static final Duration TTL = Duration.ofSeconds(1);

    private static final Duration STALE_IF_ERROR = Duration.ofSeconds(3);

    private static final String ADMIN_TOKEN = "igw_admin_vaultgw_" + UUID.randomUUID().toString().replace("-", "");

    private static final String CREDENTIAL_UNAVAILABLE = "credential-unavailable";

    /** Policy addition: tenants whose id starts with {@code denied-} are out of the gateway's reach. */
    private static final String DENY_POLICY = TestVault.GATEWAY_READ_POLICY
            + "path \"secret/data/gateway/tenants/denied-*\" { capabilities = [\"deny\"] }\n";

    private static @Nullable TestVault vault;

    private static @Nullable ConfigurableApplicationContext gateway;

    private static @Nullable WebClient client;

    private static @Nullable TestTenants tenants;

    /** Every secret value of this class: none may ever be logged or answered. */
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    @Parameter
    String flavour;

    private final List<Load> loads = new ArrayList<>();

    @BeforeParameterizedClassInvocation
    static void startGateway(String flavour) {
        vault = TestVault.start(flavour);
        AppRoleLogin login = vault.appRole("1h", "4h");
        vault.ok("PUT", "sys/policies/acl/gateway-read", Map.of("policy", DENY_POLICY));
        SECRETS.add(login.secretId());
        Map<String, String> settings = new LinkedHashMap<>(TestInfrastructure.gatewayDefaults());
        settings.put("server.port", "0");
        settings.put("gateway.secrets.backend", "vault");
        settings.put("gateway.secrets.vault.uri", vault.uri().toString());
        settings.put("gateway.secrets.vault.authentication", "approle");
        settings.put("gateway.secrets.vault.app-role.role-id", login.roleId());
        settings.put("gateway.secrets.vault.app-role.secret-id", login.secretId());
        settings.put("gateway.secrets.vault.connect-timeout", "500ms");
        settings.put("gateway.secrets.vault.read-timeout", "1s");
        // Vault-backed against a local emulator, localhost URLs and private relay targets: legitimately
        // not a production configuration, so the production start-up checks are off here.
        settings.put("gateway.startup-checks.enabled", "false");
        settings.put("gateway.secrets.cache.ttl", TTL.toMillis() + "ms");
        settings.put("gateway.secrets.cache.refresh-ahead", "500ms");
        settings.put("gateway.secrets.cache.negative-ttl", "200ms");
        settings.put("gateway.secrets.cache.stale-if-error", STALE_IF_ERROR.toMillis() + "ms");
        settings.put("gateway.admin.bootstrap-token", ADMIN_TOKEN);
        List<String> args = new ArrayList<>();
        settings.forEach((name, value) -> args.add("--" + name + "=" + value));
        gateway = new SpringApplicationBuilder(GatewayApplication.class).initializers(ExtraGateway::ownNettyResources)
            .run(args.toArray(String[]::new));
        client = WebClient.create("http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port"));
        tenants = TestTenants.withoutLocalSecrets(gateway.getBean(DatabaseClient.class));
    }

    @AfterParameterizedClassInvocation
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        if (vault != null) {
            vault.close();
            vault = null;
        }
    }

    @AfterEach
    void stopLoad() {
        this.loads.forEach(Load::stop);
        if (vault != null && "emulator".equals(this.flavour)) {
            vault.emulator().unseal();
            vault.emulator().start();
        }
    }

    @Test
    void rotationUnderLoadSwitchesWithinTheTtlWithoutAFailedRequest(CapturedOutput output) {
        TestTenant tenant = tenants().create("rotate");
        String oldKey = vapiKey(tenant, "old");
        Load load = startLoad(tenant, 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > 50);

        // Overlap window: the new key is valid upstream before Vault hands it out.
        String newKey = vapiKey(tenant, "new");
        Instant rotatedAt = Instant.now();
        vault().put("tenants/" + tenant.id() + "/vapi", Map.of("api_key", newKey));
        await().atMost(TTL.plusSeconds(2)).until(() -> firstUse(load, newKey) != null);
        assertThat(Duration.between(rotatedAt, firstUse(load, newKey))).isLessThanOrEqualTo(TTL);

        // Then the admin announces the rotation and the old key is revoked.
        refresh(tenant);
        TestUpstream.simulator().removeVapiKey(oldKey);
        int okAtRevocation = load.ok.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > okAtRevocation + 100);
        load.stop();

        assertThat(load.failures).as("failed requests during the rotation").isEmpty();
        assertThat(load.ok.get()).isGreaterThan(150);
        assertThat(firstUse(load, oldKey)).as("the old key was in use before the rotation").isNotNull();
        assertNoSecretIn(output, load);
    }

    @Test
    void sealedVaultServesTheStaleCredentialThenFailsClosedThenRecovers(CapturedOutput output) {
        outageServesStaleThenFailsClosed(output, () -> vault().emulator().seal(), () -> vault().emulator().unseal());
    }

    @Test
    void stoppedVaultServesTheStaleCredentialThenFailsClosedThenRecovers(CapturedOutput output) {
        outageServesStaleThenFailsClosed(output, () -> vault().emulator().stop(), () -> vault().emulator().start());
    }

    private void outageServesStaleThenFailsClosed(CapturedOutput output, Runnable outage, Runnable recovery) {
        vault().emulator();
        TestTenant tenant = tenants().create("outage");
        vapiKey(tenant, "outage");
        Load load = startLoad(tenant, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > 50);

        long outageAt = System.nanoTime();
        outage.run();
        int okAtOutage = load.ok.get();
        await().atMost(STALE_IF_ERROR.plusSeconds(5)).until(() -> !load.failures.isEmpty());
        Duration firstFailureAfter = Duration.ofNanos(load.failures.peek().nanos() - outageAt);

        assertThat(firstFailureAfter).as("stale credential served first")
            .isGreaterThanOrEqualTo(STALE_IF_ERROR.minus(TTL).minusMillis(200));
        assertThat(load.ok.get()).as("requests served stale during the outage").isGreaterThan(okAtOutage + 20);
        // A snapshot: the load goes on adding failures, and each check scans the simulator's journal.
        List<Result> failuresSoFar = List.copyOf(load.failures);
        int failuresAtRecovery = failuresSoFar.size();
        assertThat(failuresSoFar).allSatisfy(failure -> {
            assertThat(failure.status()).isEqualTo(503);
            assertThat(failure.body()).contains(CREDENTIAL_UNAVAILABLE).contains("application/problem+json");
            assertThat(TestUpstream.anyReceived(failure.requestId())).as("never forwarded without a credential").isFalse();
        });

        recovery.run();
        int okAtRecovery = load.ok.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> load.ok.get() > okAtRecovery + 20);
        int failuresAfterRecovery = load.failures.size();
        int okAfterRecovery = load.ok.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > okAfterRecovery + 100);
        load.stop();

        assertThat(failuresAfterRecovery).isGreaterThanOrEqualTo(failuresAtRecovery);
        assertThat(load.failures).as("no failures once Vault is back").hasSize(failuresAfterRecovery);
        assertNoSecretIn(output, load);
    }

    @Test
    void deletedSecretIsNeverForwardedAndAnswers503(CapturedOutput output) {
        TestTenant tenant = tenants().create("deleted");
        vapiKey(tenant, "deleted");
        Load load = startLoad(tenant, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > 20);

        vault().ok("DELETE", "secret/data/gateway/tenants/" + tenant.id() + "/vapi", null);
        await().atMost(TTL.plusSeconds(3)).until(() -> load.failures.size() > 20);
        load.stop();

        assertThat(load.failures).allSatisfy(failure -> {
            assertThat(failure.status()).isEqualTo(503);
            assertThat(failure.body()).contains(CREDENTIAL_UNAVAILABLE);
            assertThat(TestUpstream.anyReceived(failure.requestId())).isFalse();
        });
        assertNoSecretIn(output, load);
    }

    @Test
    void pathTheGatewayMayNotReadAnswers503(CapturedOutput output) {
        TestTenant tenant = tenants().create("denied");
        vapiKey(tenant, "denied");
        Load load = startLoad(tenant, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> load.failures.size() > 5);
        load.stop();

        assertThat(load.ok.get()).isZero();
        assertThat(load.failures).allSatisfy(failure -> {
            assertThat(failure.status()).isEqualTo(503);
            assertThat(failure.body()).contains(CREDENTIAL_UNAVAILABLE);
            assertThat(TestUpstream.anyReceived(failure.requestId())).isFalse();
        });
        assertNoSecretIn(output, load);
    }

    /** Creates a fresh VAPI key for the tenant's org, valid in the simulator and written to Vault. */
    private static String vapiKey(TestTenant tenant, String label) {
        String key = "vapi-" + label + "-" + UUID.randomUUID();
        SECRETS.add(key);
        TestUpstream.simulator().addVapiKey(key, tenant.vapiOrg());
        vault().put("tenants/" + tenant.id() + "/vapi", Map.of("api_key", key));
        return key;
    }

    private static void refresh(TestTenant tenant) {
        String answer = client().post()
            .uri("/admin/v1/tenants/{id}/credentials/vapi/refresh", tenant.id())
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .exchangeToMono(response -> response.bodyToMono(String.class)
                .map(body -> response.statusCode().value() + " " + body))
            .block(Duration.ofSeconds(5));
        assertThat(answer).startsWith("202 ").contains("evicted");
    }

    /** When the simulator first received a request of this load carrying {@code key}, or null. */
    private static @Nullable Instant firstUse(Load load, String key) {
        return TestUpstream.simulator().journal().all().stream()
            .filter(request -> {
                String id = request.header("X-Request-Id");
                return id != null && id.startsWith(load.tag) && ("Bearer " + key).equals(request.header("Authorization"));
            })
            .map(RecordedRequest::receivedAt)
            .findFirst()
            .orElse(null);
    }

    private void assertNoSecretIn(CapturedOutput output, Load load) {
        String token = gateway().getBean(VaultSessionManager.class).getVaultToken().map(VaultToken::getToken)
            .block(Duration.ofSeconds(5));
        assertThat(token).isNotBlank();
        SECRETS.add(token);
        assertThat(SECRETS).allSatisfy(secret -> assertThat(output.getAll()).doesNotContain(secret));
        assertThat(load.leaks).as("responses carrying a secret").isZero();
    }

    /** {@code clients} concurrent clients listing the tenant's assistants until stopped. */
    private Load startLoad(TestTenant tenant, int clients) {
        Load load = new Load("load-" + UUID.randomUUID() + "-");
        AtomicInteger sequence = new AtomicInteger();
        load.subscription = Flux.<Integer>generate(sink -> sink.next(sequence.incrementAndGet()))
            .flatMap(n -> call(tenant, load.tag + n), clients, 1)
            .subscribe(load::record);
        this.loads.add(load);
        return load;
    }

    private static Mono<Result> call(TestTenant tenant, String requestId) {
        return client().get()
            .uri("/vapi/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .header("X-Request-Id", requestId)
            .exchangeToMono(response -> response.bodyToMono(String.class)
                .defaultIfEmpty("")
                .map(body -> new Result(requestId, response.statusCode().value(),
                        response.headers().asHttpHeaders() + "\n" + body, System.nanoTime())))
            .onErrorResume(error -> Mono.just(new Result(requestId, -1, error.toString(), System.nanoTime())));
    }

    private static TestVault vault() {
        assertThat(vault).isNotNull();
        return vault;
    }

    private static ConfigurableApplicationContext gateway() {
        assertThat(gateway).isNotNull();
        return gateway;
    }

    private static WebClient client() {
        assertThat(client).isNotNull();
        return client;
    }

    private static TestTenants tenants() {
        assertThat(tenants).isNotNull();
        return tenants;
    }

    /** One answer the load got: status ({@code -1}: no answer), headers and body, and when. */
    private record Result(String requestId, int status, String body, long nanos) {
    }

    /** A running load: successes, failures in order, and responses that carried a known secret. */
    private static final class Load {

        final String tag;

        final AtomicInteger ok = new AtomicInteger();

        final Queue<Result> failures = new ConcurrentLinkedQueue<>();

        volatile int leaks;

        volatile @Nullable Disposable subscription;

        Load(String tag) {
            this.tag = tag;
        }

        void record(Result result) {
            if (SECRETS.stream().anyMatch(result.body()::contains)) {
                this.leaks++;
            }
            if (result.status() == 200) {
                this.ok.incrementAndGet();
            }
            else {
                this.failures.add(result);
            }
        }

        void stop() {
            Disposable running = this.subscription;
            if (running != null) {
                running.dispose();
            }
        }
    }
}

package com.intellidial.gateway.credentials;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import com.intellidial.gateway.vault.TestVault;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The credential cache over the Vault store over the emulator, under continuous load: rotation
 * without failed reads, a sealed Vault served stale and then failing closed, and no secret in the logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class CachedVaultCredentialIntegrationTests {

    private static final SecretPath ACME = SecretPath.tenantTwilio("acme");

    private static final String AUTH_TOKEN_1 = "twilio-auth-token-f00d1";

    private static final String AUTH_TOKEN_2 = "twilio-auth-token-beef2";

    private TestVault vault;

    private VaultTestSupport gateway;

    private CachingSecretStore cache;

    private final AtomicInteger failures = new AtomicInteger();

    private final AtomicInteger reads = new AtomicInteger();

    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private final Set<ProblemType> problems = ConcurrentHashMap.newKeySet();

    private Disposable load;

    @BeforeEach
    void start() {
        this.vault = TestVault.start("emulator");
        this.vault.put("tenants/acme/twilio", Map.of("account_sid", "AC1", "auth_token", AUTH_TOKEN_1));
        this.gateway = VaultTestSupport.appRole(this.vault.uri(), this.vault.appRole("1h", "4h"));
        this.cache = new CachingSecretStore(this.gateway.store, new SecretsProperties.Cache(Duration.ofMillis(500),
                Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(2), 100), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        if (this.load != null) {
            this.load.dispose();
        }
        this.gateway.close();
        this.vault.close();
    }

    @Test
    void rotationUnderLoadIsPickedUpWithinTheTtlWithoutFailedReads(CapturedOutput output) {
        startLoad();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() > 200);

        this.vault.put("tenants/acme/twilio", Map.of("account_sid", "AC1", "auth_token", AUTH_TOKEN_2));
        long rotatedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).until(() -> this.seen.contains(AUTH_TOKEN_2));
        int readsAtSwitch = this.reads.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() > readsAtSwitch + 200);

        assertThat(Duration.ofNanos(System.nanoTime() - rotatedAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(this.failures.get()).isZero();
        assertThat(output.getAll()).doesNotContain(AUTH_TOKEN_1).doesNotContain(AUTH_TOKEN_2);
    }

    @Test
    void sealedVaultIsServedStaleThenFailsClosedAfterTheBound(CapturedOutput output) {
        startLoad();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() > 200);

        this.vault.emulator().seal();
        int readsAtSeal = this.reads.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() > readsAtSeal + 200);
        assertThat(this.failures.get()).as("stale credential served while sealed").isZero();

        await().atMost(Duration.ofSeconds(6)).until(() -> this.failures.get() > 0);
        assertThat(this.problems).containsExactly(ProblemType.CREDENTIAL_UNAVAILABLE);

        int readsBeforeUnseal = this.reads.get();
        this.vault.emulator().unseal();
        await().atMost(Duration.ofSeconds(3)).until(() -> this.reads.get() > readsBeforeUnseal);
        int failuresAfterRecovery = this.failures.get();
        int readsAfterRecovery = this.reads.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() > readsAfterRecovery + 200);
        assertThat(this.failures.get()).as("no failures once Vault is unsealed").isEqualTo(failuresAfterRecovery);
        assertThat(output.getAll()).doesNotContain(AUTH_TOKEN_1);
    }

    @Test
    void stoppedVaultIsServedStaleThenFailsClosed() {
        startLoad();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() > 200);

        this.vault.emulator().stop();
        int readsAtStop = this.reads.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() > readsAtStop + 200);
        assertThat(this.failures.get()).isZero();

        await().atMost(Duration.ofSeconds(8)).until(() -> this.failures.get() > 0);
        assertThat(this.problems).containsExactly(ProblemType.CREDENTIAL_UNAVAILABLE);
    }

    @Test
    void deletedSecretIsNeverServedAsAnEmptyCredential() {
        startLoad();
        await().atMost(Duration.ofSeconds(5)).until(() -> this.reads.get() > 100);

        this.vault.ok("DELETE", "secret/data/gateway/tenants/acme/twilio", null);

        await().atMost(Duration.ofSeconds(3)).until(() -> this.cache.read(ACME).hasElement().block() == Boolean.FALSE);
        assertThat(this.failures.get()).isZero();
    }

    /** Reads the credential continuously, as requests would, counting failures and the tokens seen. */
    private void startLoad() {
        this.load = Flux.interval(Duration.ofMillis(2))
            .onBackpressureDrop()
            .flatMap(tick -> this.cache.read(ACME).doOnNext(secret -> {
                this.reads.incrementAndGet();
                this.seen.add(secret.field("auth_token"));
            }).onErrorResume(error -> {
                this.failures.incrementAndGet();
                if (error instanceof GatewayException problem) {
                    this.problems.add(problem.type());
                }
                return reactor.core.publisher.Mono.empty();
            }), 8)
            .subscribe();
    }
}

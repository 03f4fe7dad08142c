package com.intellidial.gateway.credentials;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.vault.support.VaultToken;
import reactor.test.StepVerifier;

import com.intellidial.gateway.credentials.SecretStoreException.Reason;
import com.intellidial.gateway.vault.TestVault;
import com.intellidial.gateway.vault.TestVault.AppRoleLogin;
import com.intellidial.gateway.vault.emulator.VaultEmulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Vault secret store over real HTTP with the real Spring Vault client, against the emulator and,
 * where Docker is available, against {@value TestVault#IMAGE} (skipped otherwise).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("com.intellidial.gateway.vault.TestVault#flavours")
class VaultSecretStoreIntegrationTests {

    private static final String VAPI_KEY = "vapi_live_9f3c1d2e";

    @Parameter
    String flavour;

    private TestVault vault;

    private AppRoleLogin login;

    private VaultTestSupport gateway;

    @BeforeEach
    void startVault() {
        this.vault = TestVault.start(this.flavour);
        this.login = this.vault.appRole("1h", "4h");
        this.vault.put("tenants/acme/vapi", Map.of("api_key", VAPI_KEY));
        this.gateway = VaultTestSupport.appRole(this.vault.uri(), this.login);
    }

    @AfterEach
    void stopVault() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        if (this.vault != null) {
            this.vault.close();
        }
    }

    @Test
    void readsTheCurrentVersionAfterAppRoleLogin() {
        this.vault.put("tenants/acme/vapi", Map.of("api_key", "vapi_live_rotated"));

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme")))
            .assertNext(secret -> {
                assertThat(secret.field("api_key")).isEqualTo("vapi_live_rotated");
                assertThat(secret.version()).isEqualTo(2);
                assertThat(secret.toString()).doesNotContain("vapi_live_rotated");
            })
            .verifyComplete();
    }

    @Test
    void readsTwilioFieldsOfATenant() {
        this.vault.put("tenants/acme/twilio", Map.of("account_sid", "AC123", "auth_token", "tok_secret"));

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantTwilio("acme")))
            .assertNext(secret -> assertThat(secret.fields()).containsOnlyKeys("account_sid", "auth_token"))
            .verifyComplete();
    }

    @Test
    void missingSecretIsEmpty() {
        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("globex"))).verifyComplete();
    }

    @Test
    void softDeletedCurrentVersionIsEmptyNotAnEmptySecret() {
        this.vault.ok("DELETE", "secret/data/gateway/tenants/acme/vapi", null);

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme"))).verifyComplete();
    }

    @Test
    void destroyedCurrentVersionIsEmpty() {
        this.vault.ok("POST", "secret/destroy/gateway/tenants/acme/vapi", Map.of("versions", List.of(1)));

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme"))).verifyComplete();
    }

    @Test
    void undeletedVersionIsReadAgain() {
        this.vault.ok("DELETE", "secret/data/gateway/tenants/acme/vapi", null);
        this.vault.ok("POST", "secret/undelete/gateway/tenants/acme/vapi", Map.of("versions", List.of(1)));

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme")))
            .assertNext(secret -> assertThat(secret.field("api_key")).isEqualTo(VAPI_KEY))
            .verifyComplete();
    }

    @Test
    void pathOutsideThePolicyIsPermissionDenied() {
        this.vault.ok("POST", "secret/data/gateway/admin/audit", Map.of("data", Map.of("k", "v")));

        StepVerifier.create(this.gateway.store.read(new SecretPath("admin/audit")))
            .expectErrorSatisfies(error -> {
                assertThat(error).isInstanceOf(SecretStoreException.class);
                assertThat(((SecretStoreException) error).reason()).isEqualTo(Reason.PERMISSION_DENIED);
            })
            .verify(Duration.ofSeconds(10));
    }

    @Test
    void renewsTheAppRoleToken() {
        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme"))).expectNextCount(1).verifyComplete();

        StepVerifier.create(this.gateway.sessions.renewToken()).expectNextCount(1).verifyComplete();

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme"))).expectNextCount(1).verifyComplete();
    }

    /**
     * Nobody calls renew here: the session manager's own schedule renews the token shortly before
     * its TTL ends, so the session outlives the TTL it was issued with, on the same token.
     */
    @Test
    void renewsTheTokenOnItsOwnBeforeItsTtlEnds() {
        AppRoleLogin shortLived = this.vault.appRole("12s", "1h");
        this.gateway.close();
        this.gateway = VaultTestSupport.appRole(this.vault.uri(), shortLived);
        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme"))).expectNextCount(1).verifyComplete();
        String token = this.gateway.sessions.getVaultToken().map(VaultToken::getToken).block(Duration.ofSeconds(5));
        long issued = System.nanoTime();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
            .until(() -> Duration.ofNanos(System.nanoTime() - issued).compareTo(Duration.ofSeconds(14)) > 0);

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme")))
            .assertNext(secret -> assertThat(secret.field("api_key")).isEqualTo(VAPI_KEY))
            .verifyComplete();
        assertThat(this.gateway.sessions.getVaultToken().map(VaultToken::getToken).block(Duration.ofSeconds(5)))
            .as("renewed, not replaced by a new login").isEqualTo(token);
        if ("emulator".equals(this.flavour)) {
            assertThat(this.vault.emulator().requestCount("auth/token/renew-self")).isGreaterThanOrEqualTo(1);
            assertThat(this.vault.emulator().requestCount("auth/approle/login")).isEqualTo(1);
        }
    }

    @Test
    void logsInAgainWhenTheTokenExpired() {
        VaultEmulator emulator = this.vault.emulator();
        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme"))).expectNextCount(1).verifyComplete();

        emulator.advanceClock(Duration.ofHours(5));

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme")))
            .assertNext(secret -> assertThat(secret.field("api_key")).isEqualTo(VAPI_KEY))
            .verifyComplete();
        assertThat(emulator.requestCount("auth/approle/login")).isEqualTo(2);
    }

    @Test
    void sealedVaultIsASealedError() {
        this.vault.emulator().seal();

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme")))
            .expectErrorSatisfies(error -> assertThat(((SecretStoreException) error).reason()).isEqualTo(Reason.SEALED))
            .verify(Duration.ofSeconds(10));
    }

    @Test
    void recoversWhenTheFirstLoginHappenedWhileSealed() {
        VaultEmulator emulator = this.vault.emulator();
        emulator.seal();
        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme"))).expectError().verify(Duration.ofSeconds(10));

        emulator.unseal();

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme")))
            .assertNext(secret -> assertThat(secret.field("api_key")).isEqualTo(VAPI_KEY))
            .verifyComplete();
    }

    @Test
    void stoppedVaultIsUnreachable() {
        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme"))).expectNextCount(1).verifyComplete();
        this.vault.emulator().stop();

        StepVerifier.create(this.gateway.store.read(SecretPath.tenantVapi("acme")))
            .expectErrorSatisfies(
                    error -> assertThat(((SecretStoreException) error).reason()).isEqualTo(Reason.UNREACHABLE))
            .verify(Duration.ofSeconds(10));
    }

    @Test
    void tokenAuthenticationReadsWithTheRootToken() {
        try (VaultTestSupport byToken = VaultTestSupport.token(this.vault.uri(), VaultEmulator.ROOT_TOKEN)) {
            StepVerifier.create(byToken.store.read(SecretPath.tenantVapi("acme")))
                .assertNext(secret -> assertThat(secret.field("api_key")).isEqualTo(VAPI_KEY))
                .verifyComplete();
        }
    }

    @Test
    void writesNewVersionsWithCheckAndSet() {
        try (VaultTestSupport byToken = VaultTestSupport.token(this.vault.uri(), VaultEmulator.ROOT_TOKEN)) {
            SecretPath path = SecretPath.tenantTwilio("initech");
            StepVerifier.create(byToken.store.write(path, Map.of("account_sid", "AC1", "auth_token", "t1")))
                .expectNext(1L)
                .verifyComplete();
            StepVerifier.create(byToken.store.write(path, Map.of("account_sid", "AC1", "auth_token", "t2")))
                .expectNext(2L)
                .verifyComplete();
            StepVerifier.create(byToken.store.read(path))
                .assertNext(secret -> assertThat(secret.field("auth_token")).isEqualTo("t2"))
                .verifyComplete();
        }
    }
}

package com.intellidial.gateway.credentials;

import java.net.URI;
import java.time.Duration;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.core.ReactiveVaultTemplate;

import com.intellidial.gateway.credentials.SecretsProperties.AppRole;
import com.intellidial.gateway.credentials.SecretsProperties.Authentication;
import com.intellidial.gateway.credentials.SecretsProperties.Vault;
import com.intellidial.gateway.credentials.VaultConfiguration.VaultClient;
import com.intellidial.gateway.vault.TestVault.AppRoleLogin;

/** Builds the production Vault wiring of {@link VaultConfiguration} against a test Vault, without Spring. */
final class VaultTestSupport implements AutoCloseable {

    final VaultSessionManager sessions;

    final VaultSecretStore store;

    private final ThreadPoolTaskScheduler scheduler;

    private VaultTestSupport(Vault vault) {
        VaultConfiguration configuration = new VaultConfiguration();
        this.scheduler = configuration.vaultSessionScheduler();
        VaultClient client = VaultClient.create(vault);
        SecretsProperties properties = new SecretsProperties(SecretsProperties.Backend.VAULT,
                new SecretsProperties.Local(java.util.Map.of()), vault, cache());
        this.sessions = configuration.vaultSessionManager(client, properties, this.scheduler);
        ReactiveVaultTemplate template = configuration.vaultTemplate(client, this.sessions);
        this.store = configuration.vaultSecretStore(template, this.sessions, properties);
    }

    static VaultTestSupport appRole(URI uri, AppRoleLogin login) {
        return new VaultTestSupport(new Vault(uri, Authentication.APPROLE, null,
                new AppRole(login.roleId(), login.secretId(), "approle"), "secret", "gateway", Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
    }

    static VaultTestSupport token(URI uri, String token) {
        return new VaultTestSupport(new Vault(uri, Authentication.TOKEN, token, new AppRole(null, null, "approle"),
                "secret", "gateway", Duration.ofSeconds(1), Duration.ofSeconds(2)));
    }

    static SecretsProperties.Cache cache() {
        return new SecretsProperties.Cache(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofMinutes(15), 10_000);
    }

    @Override
    public void close() {
        this.sessions.destroy();
        this.scheduler.shutdown();
    }
}

package com.intellidial.gateway.credentials;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.RoleId;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.SecretId;
import org.springframework.vault.authentication.AuthenticationStepsOperator;
import org.springframework.vault.authentication.ReactiveLifecycleAwareSessionManager;
import org.springframework.vault.authentication.VaultTokenSupplier;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.client.WebClientBuilder;
import org.springframework.vault.core.ReactiveVaultTemplate;
import org.springframework.vault.support.VaultToken;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import com.intellidial.gateway.credentials.SecretsProperties.Vault;

/**
 * Wires the Vault secret store when {@code gateway.secrets.backend=vault}: a Reactor Netty client
 * with the configured timeouts, token or AppRole login with Spring Vault's lifecycle-aware session
 * manager (renewal before expiry, re-login when the token can no longer be renewed), and the
 * reactive template.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = SecretsProperties.PREFIX, name = "backend", havingValue = "vault")
class VaultConfiguration {

    private static final Logger log = LoggerFactory.getLogger(VaultConfiguration.class);

    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskScheduler vaultSessionScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("vault-session-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        return scheduler;
    }

    @Bean
    VaultClient vaultClient(SecretsProperties properties) {
        return VaultClient.create(properties.vault());
    }

    @Bean
    VaultSessionManager vaultSessionManager(VaultClient client, SecretsProperties properties,
            ThreadPoolTaskScheduler vaultSessionScheduler) {
        VaultSessionManager sessions = new VaultSessionManager(
                login(properties.vault(), client.webClient()), vaultSessionScheduler, client.webClient());
        // Lifecycle events at INFO, failures at WARN; the event source is the token, so it is never logged.
        sessions.addAuthenticationListener(event -> log.info("Vault session: {}", event.getClass().getSimpleName()));
        sessions.addErrorListener(event -> log.warn("Vault session: {} ({})", event.getClass().getSimpleName(),
                event.getException().getClass().getSimpleName()));
        return sessions;
    }

    @Bean
    ReactiveVaultTemplate vaultTemplate(VaultClient client, ReactiveLifecycleAwareSessionManager vaultSessionManager) {
        return new ReactiveVaultTemplate(client.endpoint(), client.connector(), vaultSessionManager);
    }

    @Bean
    VaultSecretStore vaultSecretStore(ReactiveVaultTemplate vaultTemplate,
            ReactiveLifecycleAwareSessionManager vaultSessionManager, SecretsProperties properties) {
        log.info("Secrets from Vault {} at {}/data/{}/ ({} authentication)", properties.vault().uri(),
                properties.vault().mount(), properties.vault().root(), properties.vault().authentication());
        return new VaultSecretStore(vaultTemplate, vaultSessionManager, properties.vault().mount(),
                properties.vault().root());
    }

    /** How the session manager obtains a token: a login per call of the returned supplier. */
    static VaultTokenSupplier login(Vault vault, WebClient webClient) {
        return switch (vault.authentication()) {
            case TOKEN -> {
                VaultToken token = VaultToken.of(required(vault.token(), "token"));
                yield () -> Mono.just(token);
            }
            case APPROLE -> {
                AppRoleAuthenticationOptions options = AppRoleAuthenticationOptions.builder()
                    .path(vault.appRole().path())
                    .roleId(RoleId.provided(required(vault.appRole().roleId(), "app-role.role-id")))
                    .secretId(SecretId.provided(required(vault.appRole().secretId(), "app-role.secret-id")))
                    .build();
                // Not wrapped in CachingVaultTokenSupplier: that caches the first login forever, so
                // the session manager (which caches the token itself) could never log in again
                // after the token expired or was dropped.
                yield new AuthenticationStepsOperator(AppRoleAuthentication.createAuthenticationSteps(options), webClient);
            }
        };
    }

    private static String required(@Nullable String value, String property) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(SecretsProperties.PREFIX + ".vault." + property + " is not set");
        }
        return value;
    }

    /**
     * The Vault endpoint and the one HTTP connector (connection pool) the session manager and the
     * template share.
     */
    record VaultClient(VaultEndpoint endpoint, ClientHttpConnector connector, WebClient webClient) {

        static VaultClient create(Vault vault) {
            VaultEndpoint endpoint = VaultEndpoint.from(vault.uri());
            ClientHttpConnector connector = connector(vault.connectTimeout(), vault.readTimeout());
            WebClient webClient = WebClientBuilder.builder().endpoint(endpoint).httpConnector(connector).build();
            return new VaultClient(endpoint, connector, webClient);
        }

        static ClientHttpConnector connector(Duration connectTimeout, Duration readTimeout) {
            HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
                .responseTimeout(readTimeout);
            return new ReactorClientHttpConnector(http);
        }
    }
}

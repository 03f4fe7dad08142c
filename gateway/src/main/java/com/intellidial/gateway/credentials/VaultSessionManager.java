package com.intellidial.gateway.credentials;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.vault.authentication.ReactiveLifecycleAwareSessionManager;
import org.springframework.vault.authentication.VaultTokenSupplier;
import org.springframework.vault.support.VaultToken;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Spring Vault's lifecycle-aware session manager, made to recover from a failed login. The parent
 * caches the login {@code Mono} including its error, so a login attempted while Vault was sealed or
 * down would fail every later request, and {@code revoke()} (which would reset it) fails on that
 * same cached error. Here a failed login is forgotten, so the next request logs in again.
 */
final class VaultSessionManager extends ReactiveLifecycleAwareSessionManager {

    VaultSessionManager(VaultTokenSupplier login, TaskScheduler scheduler, WebClient webClient) {
        super(login, scheduler, webClient);
    }

    @Override
    public Mono<VaultToken> getVaultToken() {
        return super.getVaultToken().onErrorResume(error -> revoke().then(Mono.error(error)));
    }

    @Override
    protected Mono<Void> doRevoke(Mono<TokenWrapper> tokenMono) {
        // A cached login failure holds no token to revoke: treat it as none, so revoke() resets.
        return super.doRevoke(tokenMono.onErrorResume(error -> Mono.empty()));
    }
}

package com.intellidial.gateway.credentials;

import reactor.core.publisher.Mono;

/**
 * Where upstream credentials live: Vault in production, configuration in the local run. Selected
 * by {@code gateway.secrets.backend}.
 */
@FunctionalInterface
public interface SecretStore {

    /**
     * Reads the current version of a secret without blocking.
     * @param path the secret's path below the gateway root
     * @return the secret; empty when it does not exist or its current version is deleted or
     * destroyed; an error when the store cannot be reached or refuses the read
     */
    Mono<Secret> read(SecretPath path);
}

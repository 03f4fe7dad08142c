package com.intellidial.gateway.credentials;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

/**
 * A {@link SecretStore} backed by configuration ({@code gateway.secrets.local.entries}), for the
 * local run and tests. Secrets can be replaced at run time with {@link #put}, which bumps the
 * version, to exercise rotation without Vault. Not for production: the values sit in config.
 */
public class LocalSecretStore implements SecretStore, SecretWriter {

    private final Map<SecretPath, Secret> secrets = new ConcurrentHashMap<>();

    public LocalSecretStore(Map<String, Map<String, String>> entries) {
        entries.forEach((path, fields) -> put(new SecretPath(path), fields));
    }

    @Override
    public Mono<Secret> read(SecretPath path) {
        return Mono.justOrEmpty(this.secrets.get(path));
    }

    /** Writes a new version of a secret and answers its version. */
    public long put(SecretPath path, Map<String, String> fields) {
        return this.secrets
            .compute(path, (key, current) -> new Secret(path, fields, (current != null) ? current.version() + 1 : 1))
            .version();
    }

    @Override
    public Mono<Long> write(SecretPath path, Map<String, String> fields) {
        return Mono.fromSupplier(() -> put(path, fields));
    }

    /** Deletes a secret. */
    public void delete(SecretPath path) {
        this.secrets.remove(path);
    }
}

package com.intellidial.gateway.credentials;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.vault.VaultException;
import org.springframework.vault.authentication.ReactiveLifecycleAwareSessionManager;
import org.springframework.vault.core.ReactiveVaultOperations;
import org.springframework.vault.core.ReactiveVaultVersionedKeyValueOperations;
import org.springframework.vault.support.Versioned;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.credentials.SecretStoreException.Reason;

/**
 * Reads secrets from a HashiCorp Vault KV v2 mount at {@code <mount>/data/<root>/<path>} with the
 * reactive Spring Vault client. Missing keys and deleted or destroyed versions are empty, never an
 * empty secret; errors become a {@link SecretStoreException}.
 */
public final class VaultSecretStore implements SecretStore, SecretWriter {

    private static final Logger log = LoggerFactory.getLogger(VaultSecretStore.class);

    /** Spring Vault puts the status only into the message: {@code Status 403 [secret]: ...}. */
    private static final Pattern STATUS = Pattern.compile("^Status (\\d{3})\\b");

    private final ReactiveVaultVersionedKeyValueOperations kv;

    private final ReactiveLifecycleAwareSessionManager sessions;

    private final String root;

    /**
     * Creates a store reading below {@code root} in the KV v2 mount {@code mount}.
     * @param vault the reactive Vault client
     * @param sessions the session manager whose token is dropped when Vault answers 403
     * @param mount the KV v2 mount, e.g. {@code secret}
     * @param root the folder below the mount, e.g. {@code gateway}
     */
    public VaultSecretStore(ReactiveVaultOperations vault, ReactiveLifecycleAwareSessionManager sessions, String mount,
            String root) {
        this.kv = vault.opsForVersionedKeyValue(mount);
        this.sessions = sessions;
        this.root = root;
    }

    @Override
    public Mono<Secret> read(SecretPath path) {
        // Spring Vault does not log in again when a data request answers 403 (an expired or
        // revoked token looks exactly like a policy miss), so drop the token and retry once.
        return readOnce(path).onErrorResume(
                e -> e instanceof SecretStoreException s && s.reason() == Reason.PERMISSION_DENIED, e -> {
                    log.debug("Vault denied {}; dropping the token and retrying once", path);
                    return this.sessions.revoke().then(readOnce(path));
                });
    }

    /**
     * Writes with check-and-set on the version current when the write starts (0: the secret must not
     * exist yet), so two concurrent writers cannot silently overwrite each other.
     */
    @Override
    public Mono<Long> write(SecretPath path, Map<String, String> fields) {
        String location = this.root + "/" + path.value();
        return Mono.defer(() -> this.kv.get(location))
            .map((current) -> current.getVersion().getVersion())
            .defaultIfEmpty(0)
            .flatMap((version) -> this.kv.put(location, Versioned.create(Map.copyOf(fields), Versioned.Version.from(version))))
            .map((metadata) -> (long) metadata.getVersion().getVersion())
            .onErrorMap((e) -> translate(path, e));
    }

    private Mono<Secret> readOnce(SecretPath path) {
        return Mono.defer(() -> this.kv.get(this.root + "/" + path.value()))
            .onErrorMap(e -> translate(path, e))
            .flatMap(versioned -> toSecret(path, versioned));
    }

    private static Mono<Secret> toSecret(SecretPath path, Versioned<Map<String, Object>> versioned) {
        Map<String, Object> data = versioned.getData();
        if (!versioned.hasData() || data == null || data.isEmpty()) {
            // KV v2 answers a deleted or destroyed current version with metadata but no data.
            log.debug("Secret {} version {} has no data (deleted or destroyed)", path, versioned.getVersion());
            return Mono.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        data.forEach((name, value) -> {
            if (value != null) {
                fields.put(name, String.valueOf(value));
            }
        });
        return Mono.just(new Secret(path, fields, versioned.getVersion().getVersion()));
    }

    /** Turns whatever the Vault client raised into a {@link SecretStoreException}; the one place that does. */
    static SecretStoreException translate(SecretPath path, Throwable error) {
        if (error instanceof SecretStoreException translated) {
            return translated;
        }
        Integer status = status(error);
        Reason reason;
        if (status == null) {
            reason = isConnectivity(error) ? Reason.UNREACHABLE : Reason.FAILED;
        }
        else {
            reason = switch (status) {
                case 403 -> Reason.PERMISSION_DENIED;
                case 503 -> Reason.SEALED;
                default -> Reason.FAILED;
            };
        }
        String detail = (status != null) ? "status " + status : error.getClass().getSimpleName();
        return new SecretStoreException(path, reason, "Vault access to " + path + " failed: " + reason + " (" + detail + ")",
                error);
    }

    private static @Nullable Integer status(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WebClientResponseException response) {
                return response.getStatusCode().value();
            }
            if (t instanceof VaultException && t.getMessage() != null) {
                Matcher matcher = STATUS.matcher(t.getMessage());
                if (matcher.find()) {
                    return Integer.valueOf(matcher.group(1));
                }
            }
        }
        return null;
    }

    private static boolean isConnectivity(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WebClientRequestException || t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "VaultSecretStore[root=" + this.root + "]";
    }
}

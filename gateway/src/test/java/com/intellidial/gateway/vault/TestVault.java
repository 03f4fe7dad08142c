package com.intellidial.gateway.vault;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.vault.VaultContainer;
import tools.jackson.databind.json.JsonMapper;

import com.intellidial.gateway.vault.emulator.VaultEmulator;

/**
 * A Vault to test against, either the project's emulator or a real Vault in a Testcontainers
 * container, plus the admin calls tests make with the root token over Vault's HTTP API (so the same
 * setup code exercises the emulator's admin paths).
 */
public abstract class TestVault implements AutoCloseable {

    /** The image the container flavour runs. */
    public static final String IMAGE = "hashicorp/vault:1.21.4";

    /** The gateway's read policy, as in vault-config/: tenant secrets and the platform's. */
    public static final String GATEWAY_READ_POLICY = """
            # the gateway reads every tenant's credentials and the platform's
            path "secret/data/gateway/tenants/*" { capabilities = ["read"] }
            path "secret/data/gateway/platform/+" { capabilities = ["read"] }
            """;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The backends a contract test runs against: the emulator always, the container when Docker is there. */
    public static List<String> flavours() {
        return List.of("emulator", "testcontainers");
    }

    /** Starts the named flavour; skips the test (assumption) for the container without Docker. */
    public static TestVault start(String flavour) {
        if ("emulator".equals(flavour)) {
            return new Emulator(new VaultEmulator().start());
        }
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "Docker is not available");
        VaultContainer<?> container = new VaultContainer<>(IMAGE).withVaultToken(VaultEmulator.ROOT_TOKEN);
        container.start();
        return new Container(container);
    }

    /** The base URI of the Vault HTTP API, without {@code /v1}. */
    public abstract URI uri();

    @Override
    public abstract void close();

    /** The emulator, for tests that seal it or move its clock; the test is skipped on a real Vault. */
    public abstract VaultEmulator emulator();

    /** Calls {@code /v1/<path>} with the root token and answers the status and parsed body. */
    public Response call(String method, String path, @Nullable Object body) {
        HttpRequest.BodyPublisher publisher = (body != null)
                ? HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)) : HttpRequest.BodyPublishers.noBody();
        HttpRequest request = HttpRequest.newBuilder(uri().resolve("/v1/" + path))
            .header("X-Vault-Token", VaultEmulator.ROOT_TOKEN)
            .method(method, publisher)
            .build();
        try {
            HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        }
        catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Like {@link #call} but fails unless Vault answered 2xx. */
    public Response ok(String method, String path, @Nullable Object body) {
        Response response = call(method, path, body);
        if (response.status() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + response.status() + " " + response.body());
        }
        return response;
    }

    /** Writes a new version of {@code secret/data/gateway/<path>}. */
    public void put(String path, Map<String, String> fields) {
        ok("POST", "secret/data/gateway/" + path, Map.of("data", fields));
    }

    /**
     * Enables AppRole, writes the gateway policy and a role with the given token TTLs, and answers the
     * role-id and a fresh secret-id.
     */
    public AppRoleLogin appRole(String tokenTtl, String tokenMaxTtl) {
        Response auth = call("POST", "sys/auth/approle", Map.of("type", "approle"));
        if (auth.status() != 204 && !auth.body().contains("path is already in use")) {
            throw new IllegalStateException("enable approle -> " + auth.status() + " " + auth.body());
        }
        ok("PUT", "sys/policies/acl/gateway-read", Map.of("policy", GATEWAY_READ_POLICY));
        ok("POST", "auth/approle/role/gateway", Map.of("token_policies", List.of("gateway-read"), "token_ttl", tokenTtl,
                "token_max_ttl", tokenMaxTtl, "token_type", "service", "secret_id_ttl", "24h"));
        String roleId = (String) data(ok("GET", "auth/approle/role/gateway/role-id", null)).get("role_id");
        String secretId = (String) data(ok("POST", "auth/approle/role/gateway/secret-id", Map.of())).get("secret_id");
        return new AppRoleLogin(roleId, secretId);
    }

    /** The {@code data} member of a response envelope. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> data(Response response) {
        return (Map<String, Object>) response.json().get("data");
    }

    /** A status and a raw body. */
    public record Response(int status, String body) {

        /** The body parsed as a JSON object. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return JSON.readValue(this.body, Map.class);
        }
    }

    /** AppRole credentials for the gateway. */
    public record AppRoleLogin(String roleId, String secretId) {

        @Override
        public String toString() {
            return "AppRoleLogin[roleId=" + this.roleId + "]";
        }
    }

    private static final class Emulator extends TestVault {

        private final VaultEmulator emulator;

        Emulator(VaultEmulator emulator) {
            this.emulator = emulator;
        }

        @Override
        public URI uri() {
            return this.emulator.uri();
        }

        @Override
        public VaultEmulator emulator() {
            return this.emulator;
        }

        @Override
        public void close() {
            this.emulator.close();
        }

        @Override
        public String toString() {
            return "emulator";
        }
    }

    private static final class Container extends TestVault {

        private final VaultContainer<?> container;

        Container(VaultContainer<?> container) {
            this.container = container;
        }

        @Override
        public URI uri() {
            return URI.create(this.container.getHttpHostAddress());
        }

        @Override
        public VaultEmulator emulator() {
            Assumptions.abort("needs the emulator (seal, clock)");
            throw new IllegalStateException();
        }

        @Override
        public void close() {
            this.container.stop();
        }

        @Override
        public String toString() {
            return "testcontainers";
        }
    }
}

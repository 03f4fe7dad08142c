package com.intellidial.gateway.vault.emulator;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.intellidial.gateway.vault.TestVault;
import com.intellidial.gateway.vault.TestVault.AppRoleLogin;
import com.intellidial.gateway.vault.TestVault.Response;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulator against Vault's documented wire format: statuses and exact bodies. */
class VaultEmulatorTests {

    private final TestVault vault = TestVault.start("emulator");

    @AfterEach
    void stop() {
        this.vault.close();
    }

    @Test
    void unknownSecretIs404WithEmptyErrors() {
        Response response = this.vault.call("GET", "secret/data/gateway/nope", null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"errors\":[]}");
    }

    @Test
    void writeAnswersTheVersionMetadataInTheFullEnvelope() {
        Map<String, Object> body = this.vault.ok("POST", "secret/data/a", Map.of("data", Map.of("k", "v"))).json();

        assertThat(body).containsOnlyKeys("request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info",
                "warnings", "auth", "mount_type");
        assertThat(body.get("mount_type")).isEqualTo("kv");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) body.get("data");
        assertThat(data).containsEntry("version", 1).containsEntry("deletion_time", "").containsEntry("destroyed", false);
        assertThat((String) data.get("created_time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?Z");
    }

    @Test
    void casMismatchIs400WithVaultsText() {
        this.vault.ok("POST", "secret/data/a", Map.of("data", Map.of("k", "v")));

        Response response = this.vault.call("POST", "secret/data/a", Map.of("options", Map.of("cas", 0), "data", Map.of("k", "w")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"errors\":[\"check-and-set parameter did not match the current version\"]}");
    }

    @Test
    void casRequiredAndMissingDataAre400() {
        this.vault.ok("POST", "secret/metadata/b", Map.of("cas_required", true));

        assertThat(this.vault.call("POST", "secret/data/b", Map.of("data", Map.of("k", "v"))).body())
            .isEqualTo("{\"errors\":[\"check-and-set parameter required for this call\"]}");
        assertThat(this.vault.call("POST", "secret/data/b", Map.of()).body()).isEqualTo("{\"errors\":[\"no data provided\"]}");
    }

    @Test
    void softDeletedVersionIs404WithMetadataEnvelope() {
        this.vault.ok("POST", "secret/data/a", Map.of("data", Map.of("k", "v")));
        assertThat(this.vault.call("DELETE", "secret/data/a", null).status()).isEqualTo(204);

        Response response = this.vault.call("GET", "secret/data/a", null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).contains("\"data\":{\"data\":null,\"metadata\":{").contains("\"deletion_time\":\"20");
        assertThat(response.json().get("mount_type")).isEqualTo("");
    }

    @Test
    void destroyedVersionHasNoDeletionTime() {
        this.vault.ok("POST", "secret/data/a", Map.of("data", Map.of("k", "v")));
        this.vault.ok("POST", "secret/destroy/a", Map.of("versions", List.of(1)));

        Response response = this.vault.call("GET", "secret/data/a", null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).contains("\"deletion_time\":\"\",\"destroyed\":true,\"version\":1");
        assertThat(this.vault.call("POST", "secret/destroy/a", Map.of("versions", List.of())).body())
            .isEqualTo("{\"errors\":[\"no version number provided\"]}");
        assertThat(this.vault.call("POST", "secret/delete/a", Map.of("versions", List.of())).body())
            .isEqualTo("{\"errors\":[\"No version number provided\"]}");
    }

    @Test
    void versionsAreTrimmedToMaxVersions() {
        this.vault.ok("POST", "secret/metadata/a", Map.of("max_versions", 2));
        for (int i = 0; i < 3; i++) {
            this.vault.ok("POST", "secret/data/a", Map.of("data", Map.of("k", "v" + i)));
        }

        Map<String, Object> metadata = TestVault.data(this.vault.ok("GET", "secret/metadata/a", null));

        assertThat(metadata).containsEntry("current_version", 3).containsEntry("oldest_version", 2);
        assertThat(this.vault.call("GET", "secret/data/a?version=1", null).status()).isEqualTo(404);
    }

    @Test
    void listShowsFoldersWithSlashAndEmptyFolderIs404() {
        this.vault.ok("POST", "secret/data/gateway/tenants/acme/vapi", Map.of("data", Map.of("k", "v")));
        this.vault.ok("POST", "secret/data/gateway/platform", Map.of("data", Map.of("k", "v")));

        assertThat(TestVault.data(this.vault.ok("LIST", "secret/metadata/gateway/", null)).get("keys"))
            .isEqualTo(List.of("platform", "tenants/"));
        assertThat(TestVault.data(this.vault.ok("GET", "secret/metadata/gateway/?list=true", null)).get("keys"))
            .isEqualTo(List.of("platform", "tenants/"));
        Response empty = this.vault.call("LIST", "secret/metadata/nothing/", null);
        assertThat(empty.status()).isEqualTo(404);
        assertThat(empty.body()).isEqualTo("{\"errors\":[]}");
    }

    @Test
    void sealedVaultAnswers503AndHealthSaysSealed() {
        this.vault.emulator().seal();

        Response data = this.vault.call("GET", "secret/data/a", null);
        Response health = this.vault.call("GET", "sys/health", null);

        assertThat(data.status()).isEqualTo(503);
        assertThat(data.body()).isEqualTo("{\"errors\":[\"Vault is sealed\"]}");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json()).containsEntry("sealed", true).containsEntry("initialized", true);
    }

    @Test
    void policyGlobsDecideAndCreateDiffersFromUpdate() {
        this.vault.ok("PUT", "sys/policies/acl/writer", Map.of("policy", """
                path "secret/data/tenants/+/vapi" { capabilities = ["create", "read"] }
                path "secret/data/tenants/acme/*" { capabilities = ["update", "read"] }
                """));
        String token = (String) ((Map<?, ?>) this.vault.ok("POST", "auth/token/create",
                Map.of("policies", List.of("writer"), "ttl", "1h")).json().get("auth")).get("client_token");
        TestVault.Response created = asToken(token, "POST", "secret/data/tenants/globex/vapi");
        TestVault.Response updateDenied = asToken(token, "POST", "secret/data/tenants/globex/vapi");
        TestVault.Response otherDenied = asToken(token, "GET", "secret/data/tenants/globex/twilio");
        TestVault.Response acme = asToken(token, "POST", "secret/data/tenants/acme/twilio");

        assertThat(created.status()).isEqualTo(200);
        assertThat(updateDenied.status()).isEqualTo(403);
        assertThat(updateDenied.body()).isEqualTo("{\"errors\":[\"permission denied\"]}");
        assertThat(otherDenied.status()).isEqualTo(403);
        assertThat(acme.status()).isEqualTo(403);
    }

    @Test
    void appRoleLoginIssuesARenewableTokenWhoseTtlCountsDown() {
        AppRoleLogin login = this.vault.appRole("1h", "90m");
        Map<String, Object> auth = loginAuth(login);
        String token = (String) auth.get("client_token");
        assertThat(auth).containsEntry("lease_duration", 3600).containsEntry("renewable", true)
            .containsEntry("token_type", "service").containsEntry("policies", List.of("default", "gateway-read"));

        this.vault.emulator().advanceClock(java.time.Duration.ofMinutes(40));
        Map<String, Object> lookup = TestVault.data(asToken(token, "GET", "auth/token/lookup-self"));
        assertThat((Integer) lookup.get("ttl")).isBetween(1199, 1200);
        assertThat(lookup).containsEntry("renewable", true);

        TestVault.Response renewed = asToken(token, "POST", "auth/token/renew-self");
        assertThat((List<?>) renewed.json().get("warnings")).singleElement()
            .asString()
            .matches("TTL of \"1h0m0s\" exceeded the effective max_ttl of \"(50m0s|49m59s)\"; TTL value is capped accordingly");

        assertThat(asToken(token, "POST", "auth/token/revoke-self").status()).isEqualTo(204);
        TestVault.Response revoked = asToken(token, "GET", "auth/token/lookup-self");
        assertThat(revoked.status()).isEqualTo(403);
        assertThat(revoked.body()).isEqualTo("{\"errors\":[\"permission denied\",\"invalid token\"]}");
    }

    @Test
    void badAppRoleCredentialsAre400() {
        AppRoleLogin login = this.vault.appRole("1h", "4h");

        TestVault.Response response = this.vault.call("POST", "auth/approle/login",
                Map.of("role_id", login.roleId(), "secret_id", "wrong"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"errors\":[\"invalid role or secret ID\"]}");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> loginAuth(AppRoleLogin login) {
        return (Map<String, Object>) this.vault.ok("POST", "auth/approle/login",
                Map.of("role_id", login.roleId(), "secret_id", login.secretId())).json().get("auth");
    }

    private TestVault.Response asToken(String token, String method, String path) {
        try {
            java.net.http.HttpRequest.BodyPublisher body = "POST".equals(method)
                    ? java.net.http.HttpRequest.BodyPublishers.ofString("{\"data\":{\"k\":\"v\"}}")
                    : java.net.http.HttpRequest.BodyPublishers.noBody();
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(java.net.http.HttpRequest.newBuilder(this.vault.uri().resolve("/v1/" + path))
                    .header("X-Vault-Token", token)
                    .method(method, body)
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new TestVault.Response(response.statusCode(), response.body());
        }
        catch (java.io.IOException | InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

package com.intellidial.gateway;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import com.intellidial.gateway.support.TestDatabase;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.vault.TestVault;
import com.intellidial.gateway.vault.TestVault.AppRoleLogin;
import com.intellidial.simulator.RecordedRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar as the Docker image runs it: {@code java -jar} in a child process, configured only
 * through the environment variables docker-compose.yml sets, against PostgreSQL (a fresh database),
 * the Vault emulator with AppRole login and the simulator as VAPI and Twilio. It must start the
 * product ({@link GatewayApplication}, not the test-only local run), report UP and proxy a tenant's
 * request with the upstream credential it read from Vault. Runs in {@code verify} (failsafe),
 * because the jar only exists after {@code package}.
 */
class PackagedJarIT {

    /** Set by the failsafe configuration in gateway/pom.xml. */
    private static final String JAR_PROPERTY = "gateway.packaged-jar";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final String ADMIN_TOKEN = "igw_admin_jar_" + UUID.randomUUID().toString().replace("-", "");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void packagedJarStartsTheGatewayAndProxiesWithTheCredentialFromVault() throws Exception {
        Path jar = packagedJar();
        try (JarFile archive = new JarFile(jar.toFile())) {
            assertThat(archive.getManifest().getMainAttributes().getValue("Start-Class"))
                .as("Start-Class of %s", jar)
                .isEqualTo(GatewayApplication.class.getName());
        }

        TestDatabase database = TestDatabase.get();
        try (TestVault vault = TestVault.start("emulator")) {
            AppRoleLogin login = vault.appRole("20m", "1h");
            int port = freePort();
            Map<String, String> environment = environment(database, vault, login, port);

            try (Child gateway = Child.start(jar, environment)) {
                try {
                    String base = "http://127.0.0.1:" + port;
                    awaitUp(gateway, base);

                    HttpResponse<String> health = get(base + "/actuator/health", null);
                    assertThat(health.statusCode()).isEqualTo(200);
                    assertThat(health.body()).contains("\"status\":\"UP\"");

                    // Flyway ran in the jar; now a tenant, its key and its upstream secrets, as an operator would.
                    TestTenant tenant = TestTenants.withoutLocalSecrets(DatabaseClient.create(database.connectionFactory()))
                        .create("jar");
                    vault.put("tenants/" + tenant.id() + "/vapi", Map.of("api_key", tenant.vapiKey()));
                    vault.put("tenants/" + tenant.id() + "/twilio",
                            Map.of("account_sid", tenant.accountSid(), "auth_token", tenant.twilioToken()));

                    String requestId = "packaged-jar-" + UUID.randomUUID();
                    HttpResponse<String> assistants = get(base + "/vapi/assistant", tenant.apiKey(), requestId);
                    assertThat(assistants.statusCode()).as("GET /vapi/assistant: %s", assistants.body()).isEqualTo(200);
                    assertThat(assistants.body()).startsWith("[");

                    RecordedRequest received = TestUpstream.received(requestId);
                    assertThat(received.method()).isEqualTo("GET");
                    assertThat(received.path()).isEqualTo("/assistant");
                    assertThat(received.header("Authorization")).as("the tenant's VAPI key, read from Vault")
                        .isEqualTo("Bearer " + tenant.vapiKey());
                }
                catch (Throwable failure) {
                    throw new AssertionError(failure + "\n--- gateway log (" + gateway.log + ") ---\n" + gateway.logTail(),
                            failure);
                }
            }
        }
    }

    /** What docker-compose gives the gateway: Vault with AppRole, PostgreSQL, the simulator as both upstreams. */
    private static Map<String, String> environment(TestDatabase database, TestVault vault, AppRoleLogin login, int port) {
        String upstream = TestUpstream.simulator().baseUrl();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SERVER_PORT", String.valueOf(port));
        environment.put("GATEWAY_DATABASE_HOST", database.properties().get("gateway.database.host"));
        environment.put("GATEWAY_DATABASE_PORT", database.properties().get("gateway.database.port"));
        environment.put("GATEWAY_DATABASE_NAME", database.properties().get("gateway.database.name"));
        environment.put("GATEWAY_DATABASE_USERNAME", database.username());
        environment.put("GATEWAY_DATABASE_PASSWORD", database.password());
        environment.put("GATEWAY_SECRETS_BACKEND", "vault");
        environment.put("GATEWAY_SECRETS_VAULT_URI", vault.uri().toString());
        environment.put("GATEWAY_SECRETS_VAULT_AUTHENTICATION", "approle");
        environment.put("GATEWAY_SECRETS_VAULT_APPROLE_PATH", "approle");
        environment.put("GATEWAY_SECRETS_VAULT_APPROLE_ROLEID", login.roleId());
        environment.put("GATEWAY_SECRETS_VAULT_APPROLE_SECRETID", login.secretId());
        environment.put("GATEWAY_SECRETS_VAULT_MOUNT", "secret");
        environment.put("GATEWAY_SECRETS_VAULT_ROOT", "gateway");
        environment.put("GATEWAY_UPSTREAMS_VAPI_BASEURL", upstream);
        environment.put("GATEWAY_UPSTREAMS_TWILIO_BASEURL", upstream);
        environment.put("GATEWAY_WEBHOOKS_PUBLICBASEURL", "http://localhost:" + port);
        // Vault emulator and localhost URLs: not a production configuration (ProductionConfigurationCheck).
        environment.put("GATEWAY_STARTUPCHECKS_ENABLED", "false");
        environment.put("GATEWAY_ADMIN_BOOTSTRAPTOKEN", ADMIN_TOKEN);
        environment.put("GATEWAY_ADMIN_METRICSTOKEN", "packaged-jar-metrics-" + UUID.randomUUID());
        vault.put("platform/vapi", Map.of("api_key", TestUpstream.PLATFORM_VAPI_KEY));
        vault.put("platform/twilio", Map.of("account_sid", TestUpstream.PLATFORM_TWILIO_SID, "auth_token",
                TestUpstream.PLATFORM_TWILIO_TOKEN));
        return environment;
    }

    /**
     * An onboarding whose gateway is killed ({@code kill -9}) while a step is in flight resumes from its
     * last recorded step when the same Idempotency-Key is sent to a restarted gateway, and makes
     * nothing twice.
     */
    @Test
    void anOnboardingInterruptedByKillResumesAfterRestartAndMakesNothingTwice() throws Exception {
        Path jar = packagedJar();
        TestDatabase database = TestDatabase.get();
        DatabaseClient db = DatabaseClient.create(database.connectionFactory());
        String tenantId = "resume-" + UUID.randomUUID().toString().substring(0, 8);
        String idempotencyKey = "resume-" + UUID.randomUUID();
        String body = "{\"tenant\":{\"id\":\"" + tenantId + "\",\"name\":\"Resumed\"},\"vapiMode\":\"shared-org\","
                + "\"telephony\":{\"mode\":\"vapi-number\"},\"assistant\":{\"template\":\"appointment-reminder\"},"
                + "\"webhookUrl\":\"https://resumed.example/hooks\"}";
        try (TestVault vault = TestVault.start("emulator")) {
            AppRoleLogin login = vault.appRole("20m", "1h");
            // Onboarding writes tenant secrets: the gateway-admin policy of vault-config/.
            vault.ok("PUT", "sys/policies/acl/gateway-read", Map.of("policy", TestVault.GATEWAY_READ_POLICY
                    + "path \"secret/data/gateway/tenants/*\" { capabilities = [\"create\", \"update\", \"read\"] }\n"));
            int firstPort = freePort();
            TestUpstream.simulator().faults().delay("/phone-number", Duration.ofSeconds(60));
            try (Child first = Child.start(jar, environment(database, vault, login, firstPort))) {
                String base = "http://127.0.0.1:" + firstPort;
                awaitUp(first, base);
                this.http.sendAsync(onboarding(base, idempotencyKey, body), HttpResponse.BodyHandlers.ofString());
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                String steps = "";
                while (!steps.contains("\"name\":\"phone-number\",\"state\":\"started\"") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    steps = db.sql("select steps from onboardings where idempotency_key = $1").bind(0, idempotencyKey)
                        .map(row -> String.valueOf(row.get("steps", String.class))).one().defaultIfEmpty("").block();
                }
                assertThat(steps).as("the saga is inside the phone-number step").contains("\"name\":\"phone-number\",\"state\":\"started\"")
                    .contains("\"name\":\"assistant\",\"state\":\"done\"");
                first.process.destroyForcibly();
                assertThat(first.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            finally {
                TestUpstream.simulator().faults().clear();
            }
            int secondPort = freePort();
            try (Child second = Child.start(jar, environment(database, vault, login, secondPort))) {
                try {
                    String base = "http://127.0.0.1:" + secondPort;
                    awaitUp(second, base);
                    HttpResponse<String> resumed = this.http.send(onboarding(base, idempotencyKey, body),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(201);
                    long assistants = TestUpstream.simulator().journal().matching("POST", "/assistant").stream()
                        .filter(request -> request.bodyAsString().contains("/webhooks/vapi/" + tenantId)).count();
                    assertThat(assistants).as("the assistant was made once, before the kill").isEqualTo(1);
                    String key = resumed.body().replaceAll("(?s).*\"apiKey\":\"([^\"]+)\".*", "$1");
                    HttpRequest call = HttpRequest.newBuilder(URI.create(base + "/vapi/call"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":{\"number\":\"+14155550123\"}}"))
                        .build();
                    assertThat(this.http.send(call, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
                }
                catch (Throwable failure) {
                    throw new AssertionError(failure + "\n--- gateway log (" + second.log + ") ---\n" + second.logTail(), failure);
                }
            }
        }
    }

    private static HttpRequest onboarding(String base, String idempotencyKey, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/admin/v1/onboardings"))
            .timeout(Duration.ofSeconds(90))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .header("Idempotency-Key", idempotencyKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    private static Path packagedJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        assertThat(configured).as("system property %s (set by failsafe in gateway/pom.xml)", JAR_PROPERTY).isNotBlank();
        Path jar = Path.of(configured);
        assertThat(jar).as("the repackaged jar; run the package phase first").isRegularFile();
        return jar;
    }

    /** Polls readiness until UP, failing early when the process exits and at {@link #STARTUP_TIMEOUT}. */
    private void awaitUp(Child gateway, String base) throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!gateway.process.isAlive()) {
                throw new AssertionError("the gateway exited with " + gateway.process.exitValue() + " before it was ready");
            }
            try {
                HttpResponse<String> readiness = get(base + "/actuator/health/readiness", null);
                if (readiness.statusCode() == 200 && readiness.body().contains("\"status\":\"UP\"")) {
                    return;
                }
            }
            catch (ConnectException | HttpTimeoutException ex) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway was not ready within " + STARTUP_TIMEOUT);
            }
            Thread.sleep(250);
        }
    }

    private HttpResponse<String> get(String uri, @Nullable String bearer) throws IOException, InterruptedException {
        return get(uri, bearer, null);
    }

    private HttpResponse<String> get(String uri, @Nullable String bearer, @Nullable String requestId)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The gateway process; closing it stops it (SIGTERM, then SIGKILL) in every case. */
    private static final class Child implements AutoCloseable {

        final Process process;

        final Path log;

        private final Thread reaper;

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
            // Also when this JVM is stopped before close() runs: no gateway outlives the build.
            this.reaper = new Thread(process::destroyForcibly, "packaged-jar-reaper");
            Runtime.getRuntime().addShutdownHook(this.reaper);
        }

        static Child start(Path jar, Map<String, String> environment) throws IOException {
            Path dir = jar.getParent().resolve("packaged-jar-it");
            Files.createDirectories(dir);
            // The working directory, as /app is the image's: the spill file (./data/spill) goes here.
            Path workDir = Files.createTempDirectory(dir, "run-");
            Path log = workDir.resolve("gateway.log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // The image's flags, plus C1 only: a shorter start on a busy build machine.
            command.add("-XX:+ExitOnOutOfMemoryError");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Xmx512m");
            command.add("-jar");
            command.add(jar.toAbsolutePath().toString());
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
            // Only what this test sets: nothing of the build's own environment may configure the gateway.
            builder.environment().keySet().removeIf(name -> name.startsWith("GATEWAY_") || name.startsWith("SPRING_")
                    || name.startsWith("SERVER_") || name.startsWith("MANAGEMENT_") || name.equals("JAVA_OPTS"));
            builder.environment().putAll(environment);
            return new Child(builder.start(), log);
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 200), lines.size()));
            }
            catch (IOException ex) {
                return "(log unreadable: " + ex + ")";
            }
        }

        @Override
        public void close() {
            this.process.destroy();
            try {
                if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
                    this.process.destroyForcibly();
                    this.process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (InterruptedException ex) {
                this.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(this.reaper);
            }
            catch (IllegalStateException ex) {
                // the JVM is already shutting down; the hook runs anyway
            }
        }
    }
}

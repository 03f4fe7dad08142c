package com.intellidial.gateway.startup;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar, started as a process the way production starts it (environment variables),
 * with a bad production configuration: it exits non-zero, the output lists every problem, and no
 * stack trace reaches it. Runs in {@code verify} (failsafe), like PackagedJarIT.
 */
class BadProductionConfigurationJarIT {

    @Test
    void theJarRefusesToStartAndListsEveryProblemWithoutAStackTrace() throws Exception {
        Path jar = Path.of(System.getProperty("gateway.packaged-jar", "target/none.jar"));
        assertThat(jar).as("the packaged jar (gateway.packaged-jar)").isRegularFile();
        Path workDir = Files.createTempDirectory(jar.getParent(), "bad-config-it-");
        Path log = workDir.resolve("gateway.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx256m", "-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEWAY_") || name.startsWith("SPRING_")
                || name.startsWith("SERVER_") || name.startsWith("MANAGEMENT_") || name.equals("JAVA_OPTS"));
        builder.environment().put("GATEWAY_SECRETS_BACKEND", "vault");
        builder.environment().put("GATEWAY_SECRETS_VAULT_URI", "vault:8200");
        builder.environment().put("GATEWAY_SECRETS_VAULT_AUTHENTICATION", "approle");
        builder.environment().put("GATEWAY_SECRETS_VAULT_APPROLE_ROLEID", "role");
        builder.environment().put("GATEWAY_WEBHOOKS_PUBLICBASEURL", "https://localhost");
        builder.environment().put("GATEWAY_WEBHOOKS_RELAY_ALLOWPRIVATETARGETS", "true");
        Process process = builder.start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the gateway exits").isTrue();
        }
        finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("has 5 problems:")
            .contains("  - gateway.secrets.vault.uri is not an http(s) URL with a host: 'vault:8200'")
            .contains("  - gateway.secrets.vault.app-role.secret-id is not set (authentication=approle)")
            .contains("  - gateway.webhooks.public-base-url points at this machine ('https://localhost')")
            .contains("  - gateway.webhooks.vapi-credential-id is not set")
            .contains("  - gateway.webhooks.relay.allow-private-targets=true outside the 'local' profile")
            .doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(")
            .doesNotContain("Caused by:")
            .doesNotContain("Exception");
    }
}

package com.intellidial.gateway.startup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.intellidial.gateway.GatewayApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Starting the real application with a bad production configuration fails before anything
 * connects, with Boot's failure report listing every problem, one line each, and no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProductionConfigurationCheckTests {

    @Test
    void everyProblemIsListedWithoutAStackTrace(CapturedOutput output) {
        Throwable failure = start(Map.of("gateway.secrets.backend", "vault",
                "gateway.secrets.vault.uri", "not a url",
                "gateway.secrets.vault.authentication", "approle",
                "gateway.webhooks.public-base-url", "http://localhost:8080",
                "gateway.webhooks.vapi-credential-id", "cred-123",
                "gateway.webhooks.relay.allow-private-targets", "true",
                "gateway.admin.bootstrap-token", "igw_admin_boot_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));

        assertThat(failure).isInstanceOf(BadConfigurationException.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("has 7 problems:")
            .contains("  - gateway.admin.bootstrap-token its secret is too repetitive to be a random secret")
            .contains("  - gateway.secrets.vault.uri is not an http(s) URL with a host: 'not a url'")
            .contains("  - gateway.secrets.vault.app-role.role-id is not set (authentication=approle)")
            .contains("  - gateway.secrets.vault.app-role.secret-id is not set (authentication=approle)")
            .contains("  - gateway.webhooks.public-base-url must be an https URL, not 'http://localhost:8080'")
            .contains("  - gateway.webhooks.vapi-credential-id is not a VAPI credential id (a UUID): 'cred-123'")
            .contains("  - gateway.webhooks.relay.allow-private-targets=true outside the 'local' profile");
        assertNoStackTrace(output);
    }

    @Test
    void missingValuesAreNamed(CapturedOutput output) {
        Throwable failure = start(Map.of("gateway.secrets.backend", "vault",
                "gateway.webhooks.public-base-url", "https://127.0.0.1"));

        assertThat(failure).isInstanceOf(BadConfigurationException.class);
        assertThat(((BadConfigurationException) failure).problems()).containsExactly(
                "gateway.secrets.vault.uri is not set: the Vault address (https://vault.example:8200)",
                "gateway.secrets.vault.token is not set (authentication=token; production uses approle)",
                "gateway.webhooks.public-base-url points at this machine ('https://127.0.0.1'): VAPI and Twilio cannot reach it",
                "gateway.webhooks.vapi-credential-id is not set: the id of the platform's VAPI webhook credential");
        assertThat(output).contains("has 4 problems:");
        assertNoStackTrace(output);
    }

    @Test
    void aGoodProductionConfigurationPassesTheChecksAndWarnsAboutNothingInTheEnvironment() {
        Map<String, String> good = Map.of("gateway.secrets.backend", "vault",
                "gateway.secrets.vault.uri", "https://vault.internal:8200",
                "gateway.secrets.vault.authentication", "approle",
                "gateway.secrets.vault.app-role.role-id", "role",
                "gateway.secrets.vault.app-role.secret-id", "secret",
                "gateway.webhooks.public-base-url", "https://gateway.example.com",
                "gateway.webhooks.vapi-credential-id", "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b");
        org.springframework.boot.context.properties.bind.Binder binder = new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(good));
        assertThat(ProductionConfigurationCheck.problems(binder, false)).isEmpty();
    }

    @Test
    void theLocalProfileMayAllowPrivateTargetsAndTheLocalBackendIsNotChecked() {
        org.springframework.boot.context.properties.bind.Binder binder = new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(
                        Map.of("gateway.webhooks.relay.allow-private-targets", "true")));
        assertThat(ProductionConfigurationCheck.problems(binder, true))
            .noneMatch(problem -> problem.contains("allow-private-targets"));
        assertThat(ProductionConfigurationCheck.problems(binder, false))
            .anyMatch(problem -> problem.contains("allow-private-targets"));
    }

    private static Throwable start(Map<String, String> properties) {
        SpringApplication application = new SpringApplication(GatewayApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        Throwable failure = catchThrowable(() -> application.run(args.toArray(String[]::new)).close());
        assertThat(failure).as("the application started").isNotNull();
        return failure;
    }

    private static void assertNoStackTrace(CapturedOutput output) {
        assertThat(output.getAll()).doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(").doesNotContain("Caused by:");
    }
}

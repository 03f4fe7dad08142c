package com.intellidial.gateway.credentials;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import com.intellidial.gateway.admin.AdminProperties;
import com.intellidial.gateway.credentials.SecretsProperties.Authentication;
import com.intellidial.gateway.credentials.SecretsProperties.Backend;
import com.intellidial.gateway.routing.UpstreamProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway service's environment in the top-level {@code docker-compose.yml} binds to the real
 * configuration properties: every {@code GATEWAY_SECRETS_*}, {@code GATEWAY_UPSTREAMS_*} and
 * {@code GATEWAY_ADMIN_*} variable lands on a property (none is silently ignored), including the
 * AppRole ids the entrypoint exports.
 */
class DockerComposeEnvironmentTests {

    private static final Pattern VARIABLE = Pattern.compile("^\\s+(GATEWAY_[A-Z_]+):\\s*\"?(.*?)\"?\\s*$");

    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{[A-Z_]+:-(.*)}");

    @Test
    void gatewayEnvironmentBindsToTheConfigurationProperties() throws IOException {
        Map<String, Object> environment = gatewayEnvironment();
        // gateway/docker-entrypoint.sh exports these from the AppRole volume.
        environment.put("GATEWAY_SECRETS_VAULT_APPROLE_ROLEID", "role-id-from-volume");
        environment.put("GATEWAY_SECRETS_VAULT_APPROLE_SECRETID", "secret-id-from-volume");
        Binder binder = new Binder(
                ConfigurationPropertySources.from(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)));

        SecretsProperties secrets = binder
            .bind(SecretsProperties.PREFIX, Bindable.of(SecretsProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
            .get();
        assertThat(secrets.backend()).isEqualTo(Backend.VAULT);
        assertThat(secrets.vault().uri()).isEqualTo(URI.create("http://vault:8200"));
        assertThat(secrets.vault().authentication()).isEqualTo(Authentication.APPROLE);
        assertThat(secrets.vault().appRole().roleId()).isEqualTo("role-id-from-volume");
        assertThat(secrets.vault().appRole().secretId()).isEqualTo("secret-id-from-volume");
        assertThat(secrets.vault().appRole().path()).isEqualTo("approle");
        assertThat(secrets.vault().mount()).isEqualTo("secret");
        assertThat(secrets.vault().root()).isEqualTo("gateway");
        assertThat(secrets.isVaultLoginConfigured()).isTrue();

        UpstreamProperties upstreams = binder
            .bind(UpstreamProperties.PREFIX, Bindable.of(UpstreamProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
            .get();
        assertThat(upstreams.vapi().baseUrl()).isEqualTo(URI.create("http://simulator:8089"));
        assertThat(upstreams.twilio().baseUrl()).isEqualTo(URI.create("http://simulator:8089"));

        AdminProperties admin = binder.bind("gateway.admin", Bindable.of(AdminProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
            .get();
        assertThat(admin.metricsToken()).isNotBlank();
    }

    /** The {@code GATEWAY_*} variables of the gateway service, with {@code ${X:-default}} resolved to the default. */
    private static Map<String, Object> gatewayEnvironment() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docker-compose.yml"));
        int service = lines.indexOf("  gateway:");
        assertThat(service).as("gateway service in docker-compose.yml").isNotNegative();
        Map<String, Object> environment = new LinkedHashMap<>();
        for (String line : lines.subList(service + 1, lines.size())) {
            if (line.matches("^  \\S.*")) {
                break;
            }
            Matcher variable = VARIABLE.matcher(line);
            if (variable.matches()) {
                Matcher defaulted = DEFAULTED.matcher(variable.group(2));
                environment.put(variable.group(1), defaulted.matches() ? defaulted.group(1) : variable.group(2));
            }
        }
        assertThat(environment).containsKeys("GATEWAY_SECRETS_BACKEND", "GATEWAY_SECRETS_VAULT_URI");
        return environment;
    }
}

package com.intellidial.gateway.startup;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.Profiles;

import com.intellidial.gateway.admin.AdminTokens;

/**
 * Refuses to start a production gateway ({@code gateway.secrets.backend=vault}) whose configuration
 * cannot work or is unsafe, listing every problem at once: the Vault address and login, the public
 * base URL (https, not localhost), the VAPI webhook credential id, and private relay targets outside
 * the {@code local} profile. Secrets written in configuration files get a WARN: production passes
 * them through the environment (Kubernetes Secrets) or Vault.
 * <p>
 * Runs when the context is prepared (after every initializer, so tests' own configuration counts,
 * and after logging is set up) and before any bean exists: the failure report is Boot's plain
 * "APPLICATION FAILED TO START", without a stack trace, and nothing has connected anywhere yet.
 * {@code gateway.startup-checks.enabled=false} turns the checks off, for tests that run the Vault
 * backend against local emulators.
 */
public class ProductionConfigurationCheck implements ApplicationListener<ApplicationPreparedEvent> {

    private static final Log log = LogFactory.getLog(ProductionConfigurationCheck.class);

    /** VAPI ids are UUIDs. */
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Properties holding secrets; in production they come from the environment or Vault, not files. */
    static final Set<String> SECRET_PROPERTIES = Set.of("gateway.database.password", "gateway.secrets.vault.token",
            "gateway.secrets.vault.app-role.secret-id", "gateway.admin.metrics-token", "gateway.admin.bootstrap-token",
            "spring.data.redis.password");

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        ConfigurableEnvironment environment = event.getApplicationContext().getEnvironment();
        Binder binder = Binder.get(environment);
        String backend = string(binder, "gateway.secrets.backend");
        if (backend == null || !"vault".equalsIgnoreCase(backend)
                || !binder.bind("gateway.startup-checks.enabled", Boolean.class).orElse(true)) {
            return;
        }
        List<String> problems = problems(binder, environment.acceptsProfiles(Profiles.of("local")));
        warnAboutSecretsInFiles(environment);
        if (!problems.isEmpty()) {
            throw new BadConfigurationException(problems);
        }
    }

    static List<String> problems(Binder binder, boolean localProfile) {
        List<String> problems = new ArrayList<>();
        String vaultUri = string(binder, "gateway.secrets.vault.uri");
        if (vaultUri == null) {
            problems.add("gateway.secrets.vault.uri is not set: the Vault address (https://vault.example:8200)");
        }
        else if (absoluteHttpUri(vaultUri) == null) {
            problems.add("gateway.secrets.vault.uri is not an http(s) URL with a host: '" + vaultUri + "'");
        }
        String authentication = string(binder, "gateway.secrets.vault.authentication");
        String method = (authentication == null) ? "token" : authentication.toLowerCase(Locale.ROOT);
        switch (method) {
            case "approle" -> {
                if (string(binder, "gateway.secrets.vault.app-role.role-id") == null) {
                    problems.add("gateway.secrets.vault.app-role.role-id is not set (authentication=approle)");
                }
                if (string(binder, "gateway.secrets.vault.app-role.secret-id") == null) {
                    problems.add("gateway.secrets.vault.app-role.secret-id is not set (authentication=approle)");
                }
            }
            case "token" -> {
                if (string(binder, "gateway.secrets.vault.token") == null) {
                    problems.add("gateway.secrets.vault.token is not set (authentication=token; production uses approle)");
                }
            }
            default -> problems.add("gateway.secrets.vault.authentication must be approle or token, not '" + authentication + "'");
        }
        String publicBaseUrl = string(binder, "gateway.webhooks.public-base-url");
        if (publicBaseUrl == null) {
            problems.add("gateway.webhooks.public-base-url is not set: the https URL VAPI and Twilio reach the gateway at");
        }
        else {
            URI uri = absoluteHttpUri(publicBaseUrl);
            if (uri == null || !"https".equalsIgnoreCase(uri.getScheme())) {
                problems.add("gateway.webhooks.public-base-url must be an https URL, not '" + publicBaseUrl + "'");
            }
            else if (isLocal(uri.getHost())) {
                problems.add("gateway.webhooks.public-base-url points at this machine ('" + publicBaseUrl
                        + "'): VAPI and Twilio cannot reach it");
            }
        }
        String credentialId = string(binder, "gateway.webhooks.vapi-credential-id");
        if (credentialId == null) {
            problems.add("gateway.webhooks.vapi-credential-id is not set: the id of the platform's VAPI webhook credential");
        }
        else if (!UUID.matcher(credentialId).matches()) {
            problems.add("gateway.webhooks.vapi-credential-id is not a VAPI credential id (a UUID): '" + credentialId + "'");
        }
        if (!localProfile && binder.bind("gateway.webhooks.relay.allow-private-targets", Boolean.class).orElse(false)) {
            problems.add("gateway.webhooks.relay.allow-private-targets=true outside the 'local' profile: "
                    + "tenants could make the gateway call internal addresses (SSRF)");
        }
        String bootstrap = string(binder, "gateway.admin.bootstrap-token");
        String weakness = (bootstrap != null) ? AdminTokens.weakness(bootstrap) : null;
        if (weakness != null) {
            problems.add("gateway.admin.bootstrap-token " + weakness);
        }
        return problems;
    }

    private static void warnAboutSecretsInFiles(ConfigurableEnvironment environment) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            // Config files (application.yml, --spring.config.location, ...): Boot names them "Config resource ...".
            if (!(source instanceof EnumerablePropertySource<?> enumerable) || !source.getName().contains("Config resource")) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                Object value = enumerable.getProperty(name);
                boolean secret = SECRET_PROPERTIES.contains(name) || name.startsWith("gateway.secrets.local.entries");
                if (secret && value != null && !value.toString().isBlank()) {
                    log.warn(name + " is set in a configuration file (" + source.getName()
                            + "): in production pass secrets through the environment or Vault");
                }
            }
        }
    }

    private static @Nullable String string(Binder binder, String name) {
        String value = binder.bind(name, String.class).orElse(null);
        return (value == null || value.isBlank()) ? null : value.trim();
    }

    private static @Nullable URI absoluteHttpUri(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null || uri.getHost().isBlank()) {
                return null;
            }
            return uri;
        }
        catch (URISyntaxException ex) {
            return null;
        }
    }

    private static boolean isLocal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1")
                || h.equals("0.0.0.0");
    }
}

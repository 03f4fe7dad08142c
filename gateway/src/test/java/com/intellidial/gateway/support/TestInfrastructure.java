package com.intellidial.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Points a test application context at the real test infrastructure: PostgreSQL from
 * {@link TestDatabase} and the simulator from {@link TestUpstream} as both upstreams, with the
 * local secret store, on a fixed free port that is also the public webhook base URL.
 */
public class TestInfrastructure implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** The bootstrap admin token of test contexts ({@code Authorization: Bearer}, role admin). */
    public static final String ADMIN_TOKEN = "igw_admin_testboot_9f3c1e7a5b2d4068c1e9a7f3b5d20486";

    /** The scrape token of test contexts ({@code gateway.admin.metrics-token}). */
    public static final String METRICS_TOKEN = "test-metrics-token-0123456789";

    /** The platform's VAPI webhook credential id of test contexts ({@code gateway.webhooks.vapi-credential-id}). */
    public static final String VAPI_WEBHOOK_CREDENTIAL_ID = "sim-platform-webhook-credential";

    /** A fresh spill directory per test context, so no test replays another JVM's events. */
    private static String spillDir() {
        try {
            Path dir = Files.createTempDirectory("igw-spill-");
            dir.toFile().deleteOnExit();
            return dir.toString();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The settings every test gateway shares: the test database and simulator, the local secret
     * store, a fresh spill directory, the admin token and rate limits high enough for test bursts.
     * Tests that start a gateway of their own start from these and override what they test.
     */
    public static Map<String, String> gatewayDefaults() {
        Map<String, String> properties = new HashMap<>(TestDatabase.get().properties());
        String upstream = TestUpstream.simulator().baseUrl();
        properties.put("gateway.upstreams.vapi.base-url", upstream);
        properties.put("gateway.upstreams.twilio.base-url", upstream);
        properties.put("gateway.upstreams.vapi.response-timeout", "3s");
        properties.put("gateway.upstreams.twilio.response-timeout", "3s");
        properties.put("gateway.secrets.backend", "local");
        properties.put("gateway.metering.spill-dir", spillDir());
        properties.put("gateway.admin.bootstrap-token", ADMIN_TOKEN);
        properties.put("gateway.admin.metrics-token", METRICS_TOKEN);
        properties.put("gateway.webhooks.vapi-credential-id", VAPI_WEBHOOK_CREDENTIAL_ID);
        // Tenant endpoints in tests listen on 127.0.0.1; production refuses internal relay targets.
        properties.put("gateway.webhooks.relay.allow-private-targets", "true");
        // Tests send bursts per key; rate-limit tests build their own limiters with small buckets.
        properties.put("gateway.rate-limits.tenant.replenish-rate", "1000");
        // Many tests send wrong keys from 127.0.0.1; FailedAuthenticationIntegrationTests starts its own
        // gateway with a small limit.
        properties.put("gateway.authentication.max-failures", "1000000");
        properties.put("gateway.rate-limits.tenant.burst-capacity", "5000");
        properties.put("gateway.rate-limits.key.replenish-rate", "1000");
        properties.put("gateway.rate-limits.key.burst-capacity", "5000");
        properties.put("gateway.secrets.local.entries[platform/vapi].api_key", TestUpstream.PLATFORM_VAPI_KEY);
        properties.put("gateway.secrets.local.entries[platform/twilio].account_sid", TestUpstream.PLATFORM_TWILIO_SID);
        properties.put("gateway.secrets.local.entries[platform/twilio].auth_token", TestUpstream.PLATFORM_TWILIO_TOKEN);
        properties.put("gateway.secrets.local.entries[platform/vapi-webhook].bearer_token", TestUpstream.VAPI_WEBHOOK_TOKEN);
        return properties;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Map<String, Object> properties = new HashMap<>(gatewayDefaults());
        // A test's own @TestPropertySource / @SpringBootTest(properties) values win over these
        // defaults; application.yml must not (it selects the vault backend for production).
        PropertySource<?> inlined = context.getEnvironment()
            .getPropertySources()
            .get(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME);
        if (inlined != null) {
            properties.keySet().removeIf(inlined::containsProperty);
        }
        // Twilio signs webhooks over the public URL and the simulator calls it back, so the gateway
        // needs a port known before it starts (the random port is only known after).
        int port = freePort();
        properties.put("server.port", String.valueOf(port));
        properties.put("gateway.webhooks.public-base-url", "http://localhost:" + port);
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testInfrastructure", properties));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("no free port for the gateway", ex);
        }
    }
}

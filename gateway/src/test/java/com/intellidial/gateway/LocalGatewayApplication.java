package com.intellidial.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.intellidial.gateway.onboarding.AssistantTemplates;
import com.intellidial.simulator.Simulator;
import com.intellidial.simulator.SimulatorConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.http.client.ReactorResourceFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The local run (README's first command, {@code spring-boot:test-run}): an embedded PostgreSQL, the
 * simulator as VAPI and Twilio on port 8089 (each demo tenant's Twilio account seeded with a phone
 * number of its own), the local secret store and two demo tenants, then the
 * gateway on port 8080. Needs nothing but Java 17: no Docker, no database server.
 */
public final class LocalGatewayApplication {

    static final String ACME_KEY = "igw_demo_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93";

    static final String GLOBEX_KEY = "igw_demo_globex_8b1e4f6a2c9d47e3b05f1a8c6d2e9b74";

    static final String INITECH_KEY = "igw_demo_initech_6a0d3c9e2b7f41a8d5c3e9f1b2a7d604";

    static final String UMBRELLA_KEY = "igw_demo_umbrella_c4e7a1f9d2b6430e8a5c7d1f3b9e2a68";

    /** The demo admin (role admin), the local run's bootstrap token. */
    static final String ADMIN_TOKEN = "igw_admin_demo_5d2c8e1a9f7b4036c2e1d8a4b6f3092e";

    private LocalGatewayApplication() {
    }

    public static void main(String[] args) throws IOException {
        Running running = start(args);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close));
        System.out.println(tryThis(running.port(), running.simulator().baseUrl()));
    }

    /** Starts the embedded database, the simulator and the gateway; {@link Running#close()} stops all three. */
    static Running start(String... args) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        Simulator simulator = Simulator.start(SimulatorConfig.builder()
            .port(freeOr(8089))
            .vapiKey("sim-vapi-platform-key", "org-platform")
            .vapiKey("sim-vapi-acme-key", "org-acme")
            .vapiKey("sim-vapi-globex-key", "org-globex")
            .twilioAccount("ACcccccccccccccccccccccccccccccccc", "sim-twilio-platform-token")
            .twilioAccount("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sim-twilio-acme-token")
            .twilioAccount("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "sim-twilio-globex-token")
            .build());
        seedNumber(simulator, "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sim-twilio-acme-token", "415");
        seedNumber(simulator, "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "sim-twilio-globex-token", "212");
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("gateway.database.host", "localhost");
        defaults.put("gateway.database.port", postgres.getPort());
        defaults.put("gateway.database.name", "postgres");
        defaults.put("gateway.database.username", "postgres");
        defaults.put("gateway.upstreams.vapi.base-url", simulator.baseUrl());
        defaults.put("gateway.upstreams.twilio.base-url", simulator.baseUrl());
        SpringApplication application = new SpringApplication(GatewayApplication.class);
        application.setAdditionalProfiles("local");
        // Above application.yml, below command-line arguments.
        // Own event loops instead of Reactor Netty's JVM-global ones, which closing the context would
        // dispose: the test suite runs this stack beside other gateways and the shared simulator.
        application.addInitializers(context -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {

            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof ReactorResourceFactory factory) {
                    factory.setUseGlobalResources(false);
                }
                return bean;
            }
        }));
        application.addInitializers(context -> {
            MutablePropertySources sources = context.getEnvironment().getPropertySources();
            MapPropertySource localRun = new MapPropertySource("localRun", defaults);
            if (sources.contains(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME)) {
                sources.addAfter(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME, localRun);
            }
            else {
                sources.addFirst(localRun);
            }
        });
        ConfigurableApplicationContext context = application.run(args);
        Running running = new Running(context, simulator, postgres);
        for (String key : new String[] { ACME_KEY, GLOBEX_KEY, INITECH_KEY, UMBRELLA_KEY }) {
            seedDefaults(running, key);
        }
        return running;
    }

    /** The running local stack. */
    record Running(ConfigurableApplicationContext context, Simulator simulator, EmbeddedPostgres postgres)
            implements AutoCloseable {

        String port() {
            return this.context.getEnvironment().getProperty("local.server.port", "8080");
        }

        @Override
        public void close() {
            this.context.close();
            this.simulator.close();
            try {
                this.postgres.close();
            }
            catch (IOException ex) {
                // stopping anyway
            }
        }
    }

    /**
     * Leaves a demo tenant the way onboarding would: a {@code default} assistant from the
     * appointment-reminder template and a {@code default} VAPI number attached to it, made through
     * the gateway with the tenant's own key, so {@code POST /vapi/call} with only a customer works.
     */
    private static void seedDefaults(Running running, String key) throws IOException {
        ObjectNode assistant = running.context().getBean(AssistantTemplates.class).template("appointment-reminder");
        String assistantId = seedResource(running, key, "/vapi/assistant", assistant.toString());
        seedResource(running, key, "/vapi/phone-number",
                "{\"provider\":\"vapi\",\"name\":\"default\",\"assistantId\":\"" + assistantId + "\"}");
    }

    private static String seedResource(Running running, String key, String path, String body) throws IOException {
        try {
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + running.port() + path))
                .header("Authorization", "Bearer " + key)
                .header("X-Gateway-Alias", "default")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                throw new IOException("could not seed " + path + ": " + created.body());
            }
            return JsonMapper.builder().build().readTree(created.body()).get("id").stringValue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while seeding", ex);
        }
    }

    /** Buys a number into a demo tenant's own Twilio account, unless it already has one. */
    private static void seedNumber(Simulator simulator, String accountSid, String token, String areaCode)
            throws IOException {
        String numbers = simulator.baseUrl() + "/2010-04-01/Accounts/" + accountSid + "/IncomingPhoneNumbers.json";
        String basic = "Basic " + Base64.getEncoder().encodeToString((accountSid + ":" + token).getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> owned = http.send(HttpRequest.newBuilder(URI.create(numbers)).header("Authorization", basic).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (owned.body().contains("\"phone_number\"")) {
                return;
            }
            HttpResponse<String> bought = http.send(HttpRequest.newBuilder(URI.create(numbers))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("AreaCode=" + areaCode + "&FriendlyName=demo"))
                .build(), HttpResponse.BodyHandlers.ofString());
            if (bought.statusCode() != 201) {
                throw new IOException("could not seed a number for " + accountSid + ": " + bought.body());
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while seeding numbers", ex);
        }
    }

    private static int freeOr(int preferred) {
        try (ServerSocket socket = new ServerSocket(preferred)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            return 0;
        }
    }

    private static String tryThis(String port, String simulatorUrl) {
        String base = "http://localhost:" + port;
        return """

                ================================================================================
                 Intellidial Gateway is running on %1$s  (simulator upstream: %2$s)

                 Demo admin (role admin, Authorization: Bearer):
                   %5$s
                 Admin console: %1$s/console  (sign in with the demo admin token)

                 Demo tenants (local-only keys; each has a default assistant and number):
                   acme      %3$s   (own VAPI org, own Twilio)
                   globex    %4$s   (own VAPI org, own Twilio)
                   initech   %6$s   (shared VAPI org)
                   umbrella  %7$s   (shared VAPI org)

                 Try:
                   curl -H 'Authorization: Bearer %3$s' %1$s/vapi/assistant
                   curl -X POST -H 'Authorization: Bearer %6$s' -H 'Content-Type: application/json' \\
                        -d '{"customer":{"number":"+14155550123"}}' %1$s/vapi/call
                   curl -H 'Authorization: Bearer %5$s' %1$s/admin/v1/tenants
                   curl -X POST -H 'Authorization: Bearer %3$s' -H 'Content-Type: application/json' \\
                        -d '{"name":"Front desk"}' %1$s/vapi/assistant
                   curl -u 'any:%4$s' %1$s/twilio/2010-04-01/Accounts/ACany/Calls.json
                   curl -u 'any:%3$s' %1$s/twilio/2010-04-01/Accounts/ACany/IncomingPhoneNumbers.json
                   curl -i %1$s/vapi/assistant                      # 401 problem+json
                   curl %1$s/actuator/health
                   curl -H 'Authorization: Bearer local-metrics-token' %1$s/actuator/prometheus
                 Stop with Ctrl-C.
                ================================================================================
                """.formatted(base, simulatorUrl, ACME_KEY, GLOBEX_KEY, ADMIN_TOKEN, INITECH_KEY, UMBRELLA_KEY);
    }
}

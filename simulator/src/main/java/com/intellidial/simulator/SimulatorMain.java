package com.intellidial.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Simulator} until the JVM stops. Arguments (or environment): {@code --host=} ({@code SIMULATOR_HOST},
 * default 127.0.0.1), {@code --port=} ({@code SIMULATOR_PORT}, default 8089), repeated {@code --vapi-key=<key>:<orgId>}
 * ({@code SIMULATOR_VAPI_KEYS}, comma-separated), {@code --twilio-account=<sid>:<token>}
 * ({@code SIMULATOR_TWILIO_ACCOUNTS}, comma-separated), {@code --twilio-api-key=<accountSid>:<keySid>:<secret>}
 * ({@code SIMULATOR_TWILIO_API_KEYS}, comma-separated) and {@code --call-duration-ms=} ({@code SIMULATOR_CALL_DURATION_MS},
 * how long a Twilio or VAPI call lasts once answered, default 1000), {@code --vapi-webhook-bearer=}
 * ({@code SIMULATOR_VAPI_WEBHOOK_BEARER}) and {@code --vapi-webhook-hmac=} ({@code SIMULATOR_VAPI_WEBHOOK_HMAC}), the
 * credential VAPI server messages carry. Arguments add to the environment; a later value wins.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    /** Starts the simulator and parks the main thread (not an event loop) until the JVM shuts down. */
    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "simulator-logback.xml");
        }
        SimulatorConfig config = configure(args, System.getenv());
        Simulator simulator = Simulator.start(config);
        Logger log = LoggerFactory.getLogger(SimulatorMain.class);
        log.info("Simulator listening on {}:{}: VAPI at / for orgs {}, Twilio at /2010-04-01 for accounts {}",
                config.host(), simulator.port(), config.vapiKeys().values().stream().distinct().sorted().toList(),
                config.twilioAccounts().keySet().stream().sorted().toList());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        stopped.await();
    }

    /** The configuration these arguments and this environment describe. */
    static SimulatorConfig configure(String[] args, Map<String, String> env) {
        SimulatorConfig.Builder builder = SimulatorConfig.builder().port(8089);
        String host = env.get("SIMULATOR_HOST");
        if (host != null && !host.isBlank()) {
            builder.host(host.trim());
        }
        String port = env.get("SIMULATOR_PORT");
        if (port != null && !port.isBlank()) {
            builder.port(Integer.parseInt(port.trim()));
        }
        List<String> vapiKeys = new ArrayList<>(split(env.get("SIMULATOR_VAPI_KEYS")));
        List<String> twilioAccounts = new ArrayList<>(split(env.get("SIMULATOR_TWILIO_ACCOUNTS")));
        List<String> twilioApiKeys = new ArrayList<>(split(env.get("SIMULATOR_TWILIO_API_KEYS")));
        String callDuration = env.get("SIMULATOR_CALL_DURATION_MS");
        String webhookBearer = env.get("SIMULATOR_VAPI_WEBHOOK_BEARER");
        String webhookHmac = env.get("SIMULATOR_VAPI_WEBHOOK_HMAC");
        for (String arg : args) {
            if (arg.startsWith("--host=")) {
                builder.host(value(arg));
            }
            else if (arg.startsWith("--port=")) {
                builder.port(Integer.parseInt(value(arg)));
            }
            else if (arg.startsWith("--vapi-key=")) {
                vapiKeys.add(value(arg));
            }
            else if (arg.startsWith("--twilio-account=")) {
                twilioAccounts.add(value(arg));
            }
            else if (arg.startsWith("--twilio-api-key=")) {
                twilioApiKeys.add(value(arg));
            }
            else if (arg.startsWith("--call-duration-ms=")) {
                callDuration = value(arg);
            }
            else if (arg.startsWith("--vapi-webhook-bearer=")) {
                webhookBearer = value(arg);
            }
            else if (arg.startsWith("--vapi-webhook-hmac=")) {
                webhookHmac = value(arg);
            }
            else {
                throw new IllegalArgumentException("Unknown argument: " + arg);
            }
        }
        vapiKeys.forEach(entry -> {
            String[] parts = parts(entry, 2, "--vapi-key=<key>:<orgId>");
            builder.vapiKey(parts[0], parts[1]);
        });
        twilioAccounts.forEach(entry -> {
            String[] parts = parts(entry, 2, "--twilio-account=<accountSid>:<authToken>");
            builder.twilioAccount(parts[0], parts[1]);
        });
        twilioApiKeys.forEach(entry -> {
            String[] parts = parts(entry, 3, "--twilio-api-key=<accountSid>:<keySid>:<secret>");
            builder.twilioApiKey(parts[0], parts[1], parts[2]);
        });
        if (callDuration != null && !callDuration.isBlank()) {
            builder.callTimeline(Duration.ofMillis(50), Duration.ofMillis(50),
                    Duration.ofMillis(Long.parseLong(callDuration.trim())));
        }
        if (webhookBearer != null && !webhookBearer.isBlank()) {
            builder.vapiWebhookBearer(webhookBearer.trim());
        }
        if (webhookHmac != null && !webhookHmac.isBlank()) {
            builder.vapiWebhookHmac(webhookHmac.trim());
        }
        return builder.build();
    }

    private static List<String> split(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return List.of(value.trim().split("\\s*,\\s*"));
    }

    private static String value(String arg) {
        return arg.substring(arg.indexOf('=') + 1);
    }

    /** Splits {@code a:b} (or {@code a:b:c}); the last part may itself contain colons. */
    private static String[] parts(String value, int count, String usage) {
        String[] parts = value.split(":", count);
        if (parts.length != count || Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("Expected " + usage);
        }
        return parts;
    }
}

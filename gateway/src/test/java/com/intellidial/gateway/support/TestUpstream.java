package com.intellidial.gateway.support;

import java.util.HexFormat;

import com.intellidial.simulator.RecordedRequest;
import com.intellidial.simulator.Simulator;
import com.intellidial.simulator.SimulatorConfig;

/**
 * The VAPI + Twilio simulator every integration test of this JVM proxies to, with a pool of VAPI
 * orgs and Twilio accounts that {@link TestTenants} hands out, one per test tenant.
 */
public final class TestUpstream {

    /** How many distinct upstream accounts tests can use. */
    public static final int POOL_SIZE = 400;

    /** The platform's shared VAPI key (shared-org tenants). */
    public static final String PLATFORM_VAPI_KEY = "sim-vapi-platform-key";

    /** The org of the platform's VAPI key. */
    public static final String PLATFORM_ORG = "org-platform";

    /** The platform's Twilio account (shared number pool). */
    public static final String PLATFORM_TWILIO_SID = accountSid(0);

    /** The platform Twilio account's auth token. */
    public static final String PLATFORM_TWILIO_TOKEN = "sim-twilio-platform-token";

    /** The bearer token the simulator's VAPI server messages carry (the platform's VAPI webhook credential). */
    public static final String VAPI_WEBHOOK_TOKEN = "sim-vapi-webhook-token";

    private static volatile Simulator simulator;

    private TestUpstream() {
    }

    /** The shared simulator, started on first use. */
    public static Simulator simulator() {
        Simulator current = simulator;
        if (current == null) {
            synchronized (TestUpstream.class) {
                current = simulator;
                if (current == null) {
                    SimulatorConfig.Builder config = SimulatorConfig.builder().port(0)
                        .vapiKey(PLATFORM_VAPI_KEY, PLATFORM_ORG)
                        .vapiWebhookBearer(VAPI_WEBHOOK_TOKEN)
                        .twilioAccount(PLATFORM_TWILIO_SID, PLATFORM_TWILIO_TOKEN);
                    for (int i = 1; i <= POOL_SIZE; i++) {
                        config.vapiKey(vapiKey(i), vapiOrg(i)).twilioAccount(accountSid(i), twilioToken(i));
                    }
                    current = Simulator.start(config.build());
                    Runtime.getRuntime().addShutdownHook(new Thread(current::close));
                    simulator = current;
                }
            }
        }
        return current;
    }

    /** The request the simulator received with this {@code X-Request-Id}; fails when there is none. */
    public static RecordedRequest received(String requestId) {
        return simulator().journal().all().stream()
            .filter(request -> requestId.equals(request.header("X-Request-Id")))
            .reduce((first, second) -> second)
            .orElseThrow(() -> new AssertionError("the simulator received no request with X-Request-Id " + requestId));
    }

    /** Whether the simulator received any request with this {@code X-Request-Id}. */
    public static boolean anyReceived(String requestId) {
        return simulator().journal().all().stream().anyMatch(request -> requestId.equals(request.header("X-Request-Id")));
    }

    /** The dedicated VAPI key of pool slot {@code i}. */
    public static String vapiKey(int i) {
        return "sim-vapi-key-" + i;
    }

    /** The VAPI org of pool slot {@code i}. */
    public static String vapiOrg(int i) {
        return "org-" + i;
    }

    /** The Twilio Account SID of pool slot {@code i} ({@code AC} + 32 hex digits). */
    public static String accountSid(int i) {
        return "AC" + HexFormat.of().toHexDigits((long) i) + HexFormat.of().toHexDigits(0xabcdef0123456789L);
    }

    /** The Twilio auth token of pool slot {@code i}. */
    public static String twilioToken(int i) {
        return "sim-twilio-token-" + i;
    }
}

package com.intellidial.gateway.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Installs BlockHound once per test JVM, so any blocking call on a Reactor non-blocking thread
 * (event loop, parallel scheduler) fails the test that caused it. Each allowance below says why
 * the call is harmless.
 */
public class BlockHoundSetup implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlockHound.install(new GatewayAllowances());
    }

    /** The blocking calls the gateway tolerates on non-blocking threads. */
    static final class GatewayAllowances implements BlockHoundIntegration {

        @Override
        public void applyTo(BlockHound.Builder builder) {
            // Request ids: UUID.randomUUID reads the seeded SecureRandom; /dev/urandom never blocks on Linux.
            builder.allowBlockingCallsInside("java.util.UUID", "randomUUID");
            // Logging writes a few bytes to the console; WARN/ERROR only on the request path.
            builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "subAppend");
            // Class loading on first use of a class reads the jar once.
            builder.allowBlockingCallsInside("java.lang.ClassLoader", "loadClass");
        }
    }
}

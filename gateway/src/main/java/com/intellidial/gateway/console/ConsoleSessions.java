package com.intellidial.gateway.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.node.ObjectNode;

import com.intellidial.gateway.admin.AdminPrincipal;

/**
 * Console sessions, held server-side: the cookie carries only a random id. A session is made at
 * sign-in (a new id every time, so no id chosen before sign-in is ever honoured), ends at sign-out
 * or after {@link #TTL}, and carries its own CSRF token.
 * <p>
 * Sessions live in this instance's memory: behind a load balancer the console needs sticky
 * sessions (or a restart signs everyone out), which is acceptable for an operator tool.
 */
final class ConsoleSessions {

    /** How long a session lasts after sign-in. */
    static final Duration TTL = Duration.ofHours(8);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    private final Clock clock;

    ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** Starts a session for a signed-in admin. */
    Session start(AdminPrincipal principal) {
        Instant now = this.clock.instant();
        this.sessions.values().removeIf(session -> !now.isBefore(session.expiresAt()));
        Session session = new Session(random(), principal, random(), now.plus(TTL), new ConcurrentHashMap<>());
        this.sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this id, or {@code null}. */
    @Nullable Session find(@Nullable String id) {
        if (id == null) {
            return null;
        }
        Session session = this.sessions.get(id);
        if (session != null && !this.clock.instant().isBefore(session.expiresAt())) {
            this.sessions.remove(id);
            return null;
        }
        return session;
    }

    /** Ends a session. */
    void end(String id) {
        this.sessions.remove(id);
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A signed-in admin.
     * @param id the cookie value
     * @param principal the admin token it was opened with
     * @param csrf the token every form of this session carries
     * @param expiresAt when it ends
     * @param pending onboardings reviewed but not yet submitted, by their idempotency key (kept
     * server-side, so no secret typed into the wizard goes back to the browser)
     */
    record Session(String id, AdminPrincipal principal, String csrf, Instant expiresAt, Map<String, ObjectNode> pending) {

        @Override
        public String toString() {
            return "Session[" + this.principal.tokenId() + "]";
        }
    }
}

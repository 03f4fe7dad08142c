package com.intellidial.gateway.admin;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.tenant.ApiKey;
import com.intellidial.gateway.web.FailedAuthentications;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;

/**
 * Admin tokens, {@code igw_admin_<id>_<secret>}, stored like tenant keys (SHA-256 of the secret
 * only). Every admin request is checked against the database, so a revoked or expired token stops
 * working at once on every instance. The bootstrap token from configuration
 * ({@code gateway.admin.bootstrap-token}) is inserted at start as an {@code admin} named
 * {@code bootstrap}, so the first admin can create the others.
 */
public final class AdminTokens implements SmartInitializingSingleton {

    /** The environment segment of every admin token. */
    public static final String ENV = "admin";

    private static final Logger log = LoggerFactory.getLogger(AdminTokens.class);

    private final DatabaseClient db;

    private final @Nullable String bootstrapToken;

    private final Clock clock;

    private final FailedAuthentications failures;

    AdminTokens(DatabaseClient db, @Nullable String bootstrapToken, Clock clock, FailedAuthentications failures) {
        this.db = db;
        this.bootstrapToken = bootstrapToken;
        this.clock = clock;
        this.failures = failures;
    }

    /** Checks a bootstrap token's form; {@code null} when it is usable, else why not. */
    public static @Nullable String weakness(String token) {
        Optional<ApiKey> key = ApiKey.parse(token);
        if (key.isEmpty() || !ENV.equals(key.get().env())) {
            return "must look like igw_admin_<id>_<secret> (id: 1-32 lower-case letters or digits, secret: 16-128 letters or digits)";
        }
        String secret = token.substring(token.lastIndexOf('_') + 1);
        if (secret.length() < 32) {
            return "its secret must have at least 32 characters";
        }
        if (secret.chars().distinct().count() < 8) {
            return "its secret is too repetitive to be a random secret";
        }
        return null;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String token = this.bootstrapToken;
        if (token == null || token.isBlank()) {
            return;
        }
        ApiKey key = ApiKey.parse(token).orElseThrow();
        // Runs once at start, on the main thread, before the server accepts requests.
        this.db.sql("""
                insert into admin_tokens (token_id, name, role, secret_sha256, created_by)
                values ($1, 'bootstrap', 'admin', $2, 'configuration')
                on conflict (token_id) do update set secret_sha256 = excluded.secret_sha256, revoked_at = null
                    where admin_tokens.name = 'bootstrap'""")
            .bind(0, key.keyId())
            .bind(1, key.secretHash())
            .then()
            .block(Duration.ofSeconds(30));
        log.info("Admin bootstrap token {} is active", key.keyId());
    }

    /**
     * The admin a presented bearer token belongs to.
     * @param client the caller's address: one that failed too often gets 429 before any lookup
     * ({@link FailedAuthentications})
     * @return the principal, or a 401 problem: tenant keys, malformed, unknown, wrong, revoked and
     * expired tokens all get the same answer
     */
    public Mono<AdminPrincipal> authenticate(@Nullable String presented, @Nullable InetSocketAddress client) {
        return Mono.defer(() -> {
            this.failures.checkAllowed(client);
            return lookUp(presented);
        }).doOnError(ex -> ex instanceof GatewayException problem && problem.type() == ProblemType.UNAUTHENTICATED,
                ex -> this.failures.failed(client));
    }

    private Mono<AdminPrincipal> lookUp(@Nullable String presented) {
        Optional<ApiKey> key = (presented != null) ? ApiKey.parse(presented) : Optional.empty();
        if (key.isEmpty() || !ENV.equals(key.get().env())) {
            return Mono.error(unauthenticated());
        }
        Instant now = this.clock.instant();
        return this.db.sql("select token_id, name, role, secret_sha256, expires_at, revoked_at from admin_tokens where token_id = $1")
            .bind(0, key.get().keyId())
            .map(row -> usable(row, key.get(), now) ? Optional.of(principal(row)) : Optional.<AdminPrincipal>empty())
            .one()
            .defaultIfEmpty(Optional.empty())
            .onErrorMap(ex -> new GatewayException(ProblemType.SERVICE_UNAVAILABLE,
                    "Admin tokens cannot be checked right now; retry shortly", ex))
            .flatMap(found -> found.map(Mono::just).orElseGet(() -> Mono.error(unauthenticated())));
    }

    /**
     * Whether the token with this id still works (not revoked, not expired): a console session
     * opened with a token ends when the token does.
     */
    public Mono<Boolean> isActive(String tokenId) {
        Instant now = this.clock.instant();
        return this.db.sql("select expires_at, revoked_at from admin_tokens where token_id = $1")
            .bind(0, tokenId)
            .map(row -> {
                OffsetDateTime expires = row.get("expires_at", OffsetDateTime.class);
                return row.get("revoked_at", OffsetDateTime.class) == null && (expires == null || now.isBefore(expires.toInstant()));
            })
            .one()
            .defaultIfEmpty(false);
    }

    private static boolean usable(Readable row, ApiKey key, Instant now) {
        byte[] hash = row.get("secret_sha256", byte[].class);
        OffsetDateTime expires = row.get("expires_at", OffsetDateTime.class);
        return hash != null && key.matches(hash) && row.get("revoked_at", OffsetDateTime.class) == null
                && (expires == null || now.isBefore(expires.toInstant()));
    }

    /** Mints a new admin token; its value is returned once and never stored. */
    Mono<IssuedToken> create(String name, AdminRole role, @Nullable Instant expiresAt, String createdBy) {
        String tokenId = "a" + UUID.randomUUID().toString().replace("-", "").substring(0, 20).toLowerCase(Locale.ROOT);
        ApiKey key = ApiKey.generate(ENV, tokenId);
        DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
                insert into admin_tokens (token_id, name, role, secret_sha256, created_by, expires_at)
                values ($1, $2, $3, $4, $5, $6)""")
            .bind(0, tokenId)
            .bind(1, name)
            .bind(2, role.wire())
            .bind(3, key.secretHash())
            .bind(4, createdBy);
        insert = (expiresAt != null) ? insert.bind(5, expiresAt) : insert.bindNull(5, Instant.class);
        return insert.then().thenReturn(new IssuedToken(new TokenInfo(tokenId, name, role.wire(), this.clock.instant(),
                expiresAt, null), key.value()));
    }

    /** Every admin token, newest first (never a secret or its hash). */
    Mono<List<TokenInfo>> list() {
        return this.db.sql("select token_id, name, role, created_at, expires_at, revoked_at from admin_tokens order by created_at desc")
            .map(row -> new TokenInfo(String.valueOf(row.get("token_id", String.class)), String.valueOf(row.get("name", String.class)),
                    String.valueOf(row.get("role", String.class)), instant(row, "created_at"), instant(row, "expires_at"),
                    instant(row, "revoked_at")))
            .all()
            .collectList();
    }

    /** Revokes a token now; empty when there is no such token. */
    Mono<Boolean> revoke(String tokenId) {
        return this.db.sql("update admin_tokens set revoked_at = coalesce(revoked_at, now()) where token_id = $1")
            .bind(0, tokenId)
            .fetch()
            .rowsUpdated()
            .map(updated -> updated > 0);
    }

    private static AdminPrincipal principal(Readable row) {
        return new AdminPrincipal(String.valueOf(row.get("token_id", String.class)), String.valueOf(row.get("name", String.class)),
                AdminRole.fromWire(String.valueOf(row.get("role", String.class))));
    }

    private static @Nullable Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return (value != null) ? value.toInstant() : null;
    }

    static GatewayException unauthenticated() {
        return new GatewayException(ProblemType.UNAUTHENTICATED,
                "Admin routes need an admin token: Authorization: Bearer igw_admin_<id>_<secret>")
            .withHeader("WWW-Authenticate", "Bearer realm=\"intellidial-admin\"");
    }

    /**
     * An admin token as listed.
     * @param tokenId its public id
     * @param name its display name
     * @param role {@code admin} or {@code viewer}
     * @param createdAt when it was made
     * @param expiresAt when it stops working, {@code null} for never
     * @param revokedAt when it was revoked, {@code null} if it was not
     */
    public record TokenInfo(String tokenId, String name, String role, @Nullable Instant createdAt,
            @Nullable Instant expiresAt, @Nullable Instant revokedAt) {
    }

    /**
     * A freshly minted admin token.
     * @param token what is stored about it
     * @param secret the full token, shown once
     */
    public record IssuedToken(TokenInfo token, String secret) {
    }
}

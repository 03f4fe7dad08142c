package com.intellidial.gateway.vault.emulator;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * An in-process emulator of the HashiCorp Vault HTTP API that follows Vault's wire format: the
 * response envelope, {@code {"errors":[...]}} bodies (never empty), KV v2 with versions, soft delete,
 * destroy and CAS, token and AppRole auth with TTLs on a controllable clock, ACL policies with
 * {@code *}/{@code +} globs and create-vs-update, and the sealed state. Starts on a random local port
 * in dev-mode shape: unsealed, KV v2 at {@code secret/}, root token {@value #ROOT_TOKEN}.
 */
public final class VaultEmulator implements AutoCloseable {

    /** The dev-mode root token. */
    public static final String ROOT_TOKEN = "root";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
        .withZone(ZoneOffset.UTC);

    private static final Pattern DURATION = Pattern.compile("(\\d+)(h|m|s)");

    private static final long SYSTEM_MAX_TTL = Duration.ofHours(768).toSeconds();

    private final Map<String, KvV2Engine> mounts = new LinkedHashMap<>();

    private final Map<String, AclPolicy> policies = new LinkedHashMap<>();

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private final Map<String, Role> roles = new LinkedHashMap<>();

    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private boolean approleEnabled;

    private volatile boolean sealed;

    private volatile Duration clockOffset = Duration.ZERO;

    private int port;

    private @Nullable DisposableServer server;

    public VaultEmulator() {
        this.mounts.put("secret", new KvV2Engine());
        this.policies.put("default", AclPolicy.DEFAULT);
        this.tokens.put(ROOT_TOKEN, Token.root());
    }

    /** Starts listening (again, on the same port after {@link #stop()}). */
    public synchronized VaultEmulator start() {
        if (this.server == null) {
            this.server = HttpServer.create().host("127.0.0.1").port(this.port).handle(this::exchange).bindNow();
            this.port = this.server.port();
        }
        return this;
    }

    /** Stops listening, as if the Vault process died; state is kept. */
    public synchronized void stop() {
        DisposableServer running = this.server;
        if (running != null) {
            running.disposeNow();
            this.server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The base URI, e.g. {@code http://127.0.0.1:43567}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + this.port);
    }

    /** Seals the emulated Vault: every request but health answers 503. */
    public void seal() {
        this.sealed = true;
    }

    /** Unseals it. */
    public void unseal() {
        this.sealed = false;
    }

    /** Moves the emulator's clock forward, so token TTLs and secret-id TTLs run out. */
    public void advanceClock(Duration duration) {
        this.clockOffset = this.clockOffset.plus(duration);
    }

    /** How many requests reached {@code /v1/<path>} (any method), for asserting what a client did. */
    public int requestCount(String path) {
        AtomicInteger count = this.requests.get(path);
        return (count != null) ? count.get() : 0;
    }

    private Instant now() {
        return Instant.now().plus(this.clockOffset);
    }

    private Mono<Void> exchange(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            Reply reply;
            try {
                reply = handle(request, body);
            }
            catch (RuntimeException ex) {
                reply = Reply.error(500, "internal error: " + ex.getMessage());
            }
            response.status(HttpResponseStatus.valueOf(reply.status)).header("Content-Type", "application/json");
            if (reply.body == null) {
                return response.send().then();
            }
            return response.sendString(Mono.just(JSON.writeValueAsString(reply.body))).then();
        });
    }

    private Reply handle(HttpServerRequest request, String rawBody) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (!uri.path().startsWith("/v1/")) {
            return Reply.notFound();
        }
        String path = uri.path().substring("/v1/".length());
        Map<String, String> query = new LinkedHashMap<>();
        uri.parameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.get(0)));
        String method = request.method().name();
        if ("PUT".equals(method)) {
            method = "POST";
        }
        if ("GET".equals(method) && "true".equals(query.get("list"))) {
            method = "LIST";
        }
        if (!Set.of("GET", "POST", "DELETE", "LIST", "PATCH", "HEAD").contains(method)) {
            return Reply.error(405, "unsupported operation");
        }
        if (path.endsWith("/")) {
            // Spring lists with a trailing slash (metadata/<folder>/?list=true); Vault ignores it.
            path = path.substring(0, path.length() - 1);
        }
        this.requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Map<String, Object> body = parse(rawBody);
        if (body == null) {
            return Reply.error(400, "failed to parse JSON input");
        }
        synchronized (this) {
            return route(method, path, body, query, request);
        }
    }

    private Reply route(String method, String path, Map<String, Object> body, Map<String, String> query,
            HttpServerRequest request) {
        if (path.equals("sys/health")) {
            return health();
        }
        if (this.sealed) {
            return Reply.error(503, "Vault is sealed");
        }
        if (path.equals("auth/approle/login") && this.approleEnabled) {
            return login(body);
        }
        Token token = authenticate(request);
        if (token == null) {
            return Reply.errors(403, List.of("permission denied", "invalid token"));
        }
        String capability = capability(method, path);
        if (!token.isRoot() && !AclPolicy.allows(policiesOf(token), path, capability)) {
            return Reply.error(403, "permission denied");
        }
        return dispatch(method, path, body, query, token);
    }

    private Reply dispatch(String method, String path, Map<String, Object> body, Map<String, String> query,
            Token token) {
        if (path.equals("sys/seal") && "POST".equals(method)) {
            this.sealed = true;
            return Reply.noContent();
        }
        if (path.startsWith("sys/policies/acl") || path.startsWith("sys/policy")) {
            return policy(method, path, body);
        }
        if (path.startsWith("sys/mounts")) {
            return mount(method, path, body);
        }
        if (path.equals("sys/auth/approle") && "POST".equals(method)) {
            this.approleEnabled = true;
            return Reply.noContent();
        }
        if (path.startsWith("auth/token/")) {
            return token(method, path.substring("auth/token/".length()), body, token);
        }
        if (path.startsWith("auth/approle/role/") && this.approleEnabled) {
            return role(method, path.substring("auth/approle/role/".length()), body);
        }
        int slash = path.indexOf('/');
        KvV2Engine engine = (slash > 0) ? this.mounts.get(path.substring(0, slash)) : null;
        if (engine != null) {
            return engine.handle(method, path.substring(slash + 1), body, query, now()).withMountType("kv");
        }
        return Reply.error(404, "no handler for route \"" + path + "\". route entry not found.");
    }

    private String capability(String method, String path) {
        return switch (method) {
            case "GET", "HEAD" -> "read";
            case "LIST" -> "list";
            case "DELETE" -> "delete";
            case "PATCH" -> "patch";
            default -> exists(path) ? "update" : "create";
        };
    }

    /** Vault's existence check, which turns a write into {@code create} or {@code update}. */
    private boolean exists(String path) {
        int slash = path.indexOf('/');
        KvV2Engine engine = (slash > 0) ? this.mounts.get(path.substring(0, slash)) : null;
        if (engine != null) {
            return engine.exists(path.substring(slash + 1));
        }
        if (path.startsWith("auth/approle/role/")) {
            return this.roles.containsKey(path.substring("auth/approle/role/".length()).split("/")[0]);
        }
        return true;
    }

    private List<AclPolicy> policiesOf(Token token) {
        List<AclPolicy> result = new ArrayList<>();
        for (String name : token.policies) {
            AclPolicy policy = this.policies.get(name);
            if (policy != null) {
                result.add(policy);
            }
        }
        return result;
    }

    private @Nullable Token authenticate(HttpServerRequest request) {
        String value = request.requestHeaders().get("X-Vault-Token");
        if (value == null) {
            String authorization = request.requestHeaders().get("Authorization");
            if (authorization != null && authorization.startsWith("Bearer ")) {
                value = authorization.substring("Bearer ".length());
            }
        }
        Token token = (value != null) ? this.tokens.get(value) : null;
        if (token == null || token.revoked || token.isExpired(now())) {
            return null;
        }
        return token;
    }

    private Reply health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("initialized", true);
        health.put("sealed", this.sealed);
        health.put("standby", false);
        health.put("performance_standby", false);
        health.put("replication_performance_mode", "disabled");
        health.put("replication_dr_mode", "disabled");
        health.put("server_time_utc", now().getEpochSecond());
        health.put("version", "1.21.4");
        health.put("cluster_name", "vault-cluster-emulator");
        health.put("cluster_id", "00000000-0000-0000-0000-000000000000");
        return new Reply(this.sealed ? 503 : 200, health);
    }

    private Reply policy(String method, String path, Map<String, Object> body) {
        String prefix = path.startsWith("sys/policies/acl") ? "sys/policies/acl" : "sys/policy";
        String name = path.length() > prefix.length() ? path.substring(prefix.length() + 1) : "";
        if (name.isEmpty()) {
            if (!"LIST".equals(method) && !"GET".equals(method)) {
                return Reply.error(405, "unsupported operation");
            }
            List<String> names = new ArrayList<>(this.policies.keySet());
            names.add("root");
            Collections.sort(names);
            return Reply.ok(Map.of("keys", names, "policies", names));
        }
        switch (method) {
            case "GET": {
                AclPolicy policy = this.policies.get(name);
                if (policy == null) {
                    return Reply.notFound();
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("name", name);
                data.put("policy", policy.text());
                Map<String, Object> envelope = envelope(data, null, null, "");
                Map<String, Object> top = new LinkedHashMap<>(data);
                top.putAll(envelope);
                return new Reply(200, top);
            }
            case "POST": {
                if (!(body.get("policy") instanceof String text) || text.isBlank()) {
                    return Reply.error(400, "'policy' parameter not supplied or empty");
                }
                if ("root".equals(name)) {
                    return Reply.error(400, "cannot update \"root\" policy");
                }
                try {
                    this.policies.put(name, AclPolicy.parse(name, text));
                }
                catch (IllegalArgumentException ex) {
                    return Reply.error(400, ex.getMessage());
                }
                return Reply.noContent();
            }
            case "DELETE":
                if ("default".equals(name)) {
                    return Reply.error(400, "cannot delete \"default\" policy");
                }
                this.policies.remove(name);
                return Reply.noContent();
            default:
                return Reply.error(405, "unsupported operation");
        }
    }

    private Reply mount(String method, String path, Map<String, Object> body) {
        String name = path.length() > "sys/mounts".length() ? path.substring("sys/mounts/".length()) : "";
        if (name.isEmpty()) {
            Map<String, Object> data = new LinkedHashMap<>();
            this.mounts.keySet().forEach(m -> data.put(m + "/", Map.of("type", "kv", "options", Map.of("version", "2"))));
            return Reply.ok(data);
        }
        if ("DELETE".equals(method)) {
            this.mounts.remove(name);
            return Reply.noContent();
        }
        if (!"POST".equals(method)) {
            return Reply.error(405, "unsupported operation");
        }
        Object type = body.get("type");
        Object version = (body.get("options") instanceof Map<?, ?> options) ? options.get("version") : null;
        if (!("kv-v2".equals(type) || ("kv".equals(type) && "2".equals(String.valueOf(version))))) {
            return Reply.error(400, "the emulator supports only kv version 2 mounts");
        }
        if (this.mounts.containsKey(name)) {
            return Reply.error(400, "path is already in use at " + name + "/");
        }
        this.mounts.put(name, new KvV2Engine());
        return Reply.noContent();
    }

    private Reply role(String method, String rest, Map<String, Object> body) {
        String[] parts = rest.split("/", 2);
        String name = parts[0];
        String sub = (parts.length > 1) ? parts[1] : "";
        Role role = this.roles.get(name);
        if (sub.isEmpty()) {
            switch (method) {
                case "POST": {
                    Role updated = (role != null) ? role : new Role(name, UUID.randomUUID().toString());
                    updated.configure(body);
                    this.roles.put(name, updated);
                    return Reply.noContent();
                }
                case "GET":
                    return (role != null) ? Reply.ok(role.describe()) : Reply.notFound();
                case "DELETE":
                    this.roles.remove(name);
                    return Reply.noContent();
                default:
                    return Reply.error(405, "unsupported operation");
            }
        }
        if (role == null) {
            return Reply.error(400, "role \"" + name + "\" does not exist");
        }
        if (sub.equals("role-id")) {
            if ("POST".equals(method)) {
                role.roleId = String.valueOf(body.get("role_id"));
                return Reply.noContent();
            }
            return Reply.ok(Map.of("role_id", role.roleId));
        }
        if (sub.equals("secret-id") && "POST".equals(method)) {
            String secretId = UUID.randomUUID().toString();
            long ttl = body.containsKey("ttl") ? seconds(body.get("ttl")) : role.secretIdTtl;
            int uses = (body.get("num_uses") instanceof Number n) ? n.intValue() : role.secretIdNumUses;
            SecretIdEntry entry = new SecretIdEntry(UUID.randomUUID().toString(), (ttl > 0) ? now().plusSeconds(ttl) : null,
                    new AtomicInteger(uses));
            role.secretIds.put(secretId, entry);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("secret_id", secretId);
            data.put("secret_id_accessor", entry.accessor);
            data.put("secret_id_ttl", ttl);
            data.put("secret_id_num_uses", uses);
            return Reply.ok(data);
        }
        return Reply.error(405, "unsupported operation");
    }

    private Reply login(Map<String, Object> body) {
        if (!(body.get("role_id") instanceof String roleId) || roleId.isEmpty()) {
            return Reply.error(400, "missing role_id");
        }
        Role role = this.roles.values().stream().filter(r -> r.roleId.equals(roleId)).findFirst().orElse(null);
        if (role != null && role.bindSecretId && !(body.get("secret_id") instanceof String)) {
            return Reply.error(400, "missing secret_id");
        }
        SecretIdEntry entry = (role != null) ? role.secretIds.get(String.valueOf(body.get("secret_id"))) : null;
        Instant now = now();
        if (role == null || (role.bindSecretId && (entry == null || (entry.expires != null && now.isAfter(entry.expires))))) {
            return Reply.error(400, "invalid role or secret ID");
        }
        if (entry != null && entry.usesLeft.get() > 0 && entry.usesLeft.decrementAndGet() == 0) {
            role.secretIds.values().remove(entry);
        }
        Set<String> policies = new LinkedHashSet<>();
        policies.add("default");
        policies.addAll(role.tokenPolicies);
        long ttl = (role.tokenTtl > 0) ? role.tokenTtl : SYSTEM_MAX_TTL;
        long maxTtl = (role.tokenMaxTtl > 0) ? role.tokenMaxTtl : SYSTEM_MAX_TTL;
        Token token = Token.issue(new ArrayList<>(policies), ttl, maxTtl, true, "auth/approle/login",
                Map.of("role_name", role.name), now);
        this.tokens.put(token.id, token);
        return new Reply(200, envelope(null, token.auth(now), null, ""));
    }

    private Reply token(String method, String operation, Map<String, Object> body, Token token) {
        Instant now = now();
        switch (operation) {
            case "lookup-self":
                return Reply.ok(token.lookup(now));
            case "renew-self": {
                if (!token.renewable || token.ttl == 0) {
                    return Reply.error(400, "lease is not renewable");
                }
                long increment = body.containsKey("increment") ? seconds(body.get("increment")) : token.ttl;
                Instant requested = now.plusSeconds(increment);
                Instant max = token.issued.plusSeconds(token.maxTtl);
                List<String> warnings = null;
                if (requested.isAfter(max)) {
                    warnings = List.of("TTL of \"" + goDuration(increment) + "\" exceeded the effective max_ttl of \""
                            + goDuration(Math.max(0, Duration.between(now, max).toSeconds()))
                            + "\"; TTL value is capped accordingly");
                    requested = max;
                }
                token.expires = requested;
                return new Reply(200, envelope(null, token.auth(now), warnings, ""));
            }
            case "revoke-self":
                token.revoked = true;
                return Reply.noContent();
            case "create": {
                List<String> policies = new ArrayList<>();
                if (body.get("policies") instanceof List<?> list) {
                    list.forEach(p -> policies.add(String.valueOf(p)));
                }
                if (!Boolean.TRUE.equals(body.get("no_default_policy")) && !policies.contains("default")) {
                    policies.add(0, "default");
                }
                long ttl = body.containsKey("ttl") ? seconds(body.get("ttl")) : SYSTEM_MAX_TTL;
                long maxTtl = body.containsKey("explicit_max_ttl") ? seconds(body.get("explicit_max_ttl")) : SYSTEM_MAX_TTL;
                boolean renewable = !Boolean.FALSE.equals(body.get("renewable"));
                Token child = Token.issue(policies, ttl, maxTtl, renewable, "auth/token/create", null, now);
                this.tokens.put(child.id, child);
                return new Reply(200, envelope(null, child.auth(now), null, ""));
            }
            default:
                return Reply.error(405, "unsupported operation");
        }
    }

    private static @Nullable Map<String, Object> parse(String raw) {
        if (raw.isBlank()) {
            return Map.of();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.readValue(raw, Map.class);
            return map;
        }
        catch (RuntimeException ex) {
            return null;
        }
    }

    /** Parses a Vault duration: integer seconds or a Go duration such as {@code 1h30m}. */
    static long seconds(@Nullable Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        String text = value.toString().trim();
        if (text.matches("\\d+")) {
            return Long.parseLong(text);
        }
        long total = 0;
        Matcher matcher = DURATION.matcher(text);
        while (matcher.find()) {
            long amount = Long.parseLong(matcher.group(1));
            total += switch (matcher.group(2)) {
                case "h" -> amount * 3600;
                case "m" -> amount * 60;
                default -> amount;
            };
        }
        return total;
    }

    /** Formats seconds the way Go's {@code time.Duration.String()} does: {@code 1h0m0s}, {@code 30m0s}, {@code 8s}. */
    static String goDuration(long seconds) {
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        if (h > 0) {
            return h + "h" + m + "m" + s + "s";
        }
        if (m > 0) {
            return m + "m" + s + "s";
        }
        return s + "s";
    }

    /** RFC 3339 in UTC with the nanosecond fraction's trailing zeros trimmed; {@code ""} for none. */
    static String timestamp(@Nullable Instant instant) {
        if (instant == null) {
            return "";
        }
        String fraction = "";
        if (instant.getNano() != 0) {
            fraction = "." + String.format("%09d", instant.getNano()).replaceAll("0+$", "");
        }
        return SECONDS.format(instant) + fraction + "Z";
    }

    /** The response envelope every Vault endpoint answers with; every field is always present. */
    static Map<String, Object> envelope(@Nullable Object data, @Nullable Object auth, @Nullable List<String> warnings,
            String mountType) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("request_id", UUID.randomUUID().toString());
        envelope.put("lease_id", "");
        envelope.put("renewable", false);
        envelope.put("lease_duration", 0);
        envelope.put("data", data);
        envelope.put("wrap_info", null);
        envelope.put("warnings", warnings);
        envelope.put("auth", auth);
        envelope.put("mount_type", mountType);
        return envelope;
    }

    /** A status and a JSON body, or no body for 204. */
    record Reply(int status, @Nullable Map<String, Object> body) {

        static Reply ok(Object data) {
            return new Reply(200, envelope(data, null, null, ""));
        }

        static Reply noContent() {
            return new Reply(204, null);
        }

        static Reply notFound() {
            return errors(404, List.of());
        }

        static Reply error(int status, String message) {
            return errors(status, List.of(message));
        }

        static Reply errors(int status, List<String> messages) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("errors", messages);
            return new Reply(status, body);
        }

        /** Successful engine replies name the mount type; error bodies and 404 envelopes keep theirs. */
        Reply withMountType(String type) {
            if (this.status == 200 && this.body != null && this.body.containsKey("mount_type")) {
                Map<String, Object> copy = new LinkedHashMap<>(this.body);
                copy.put("mount_type", type);
                return new Reply(this.status, copy);
            }
            return this;
        }
    }

    /** An issued token. */
    private static final class Token {

        private final String id;

        private final String accessor;

        private final List<String> policies;

        private final long ttl;

        private final long maxTtl;

        private final boolean renewable;

        private final String path;

        private final @Nullable Map<String, String> meta;

        private final Instant issued;

        private @Nullable Instant expires;

        private boolean revoked;

        private Token(String id, List<String> policies, long ttl, long maxTtl, boolean renewable, String path,
                @Nullable Map<String, String> meta, Instant issued) {
            this.id = id;
            this.accessor = randomId();
            this.policies = policies;
            this.ttl = ttl;
            this.maxTtl = maxTtl;
            this.renewable = renewable;
            this.path = path;
            this.meta = meta;
            this.issued = issued;
            this.expires = (ttl > 0) ? issued.plusSeconds(Math.min(ttl, maxTtl)) : null;
        }

        static Token root() {
            return new Token(ROOT_TOKEN, List.of("root"), 0, 0, false, "auth/token/root", null, Instant.EPOCH);
        }

        static Token issue(List<String> policies, long ttl, long maxTtl, boolean renewable, String path,
                @Nullable Map<String, String> meta, Instant now) {
            return new Token("hvs." + randomId(), policies, ttl, maxTtl, renewable, path, meta, now);
        }

        private static String randomId() {
            byte[] bytes = new byte[12];
            ThreadLocalRandom.current().nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }

        boolean isRoot() {
            return this.policies.contains("root");
        }

        boolean isExpired(Instant now) {
            return this.expires != null && !now.isBefore(this.expires);
        }

        long remaining(Instant now) {
            return (this.expires != null) ? Math.max(0, Duration.between(now, this.expires).toSeconds()) : 0;
        }

        List<String> tokenPolicies() {
            return this.policies;
        }

        Map<String, Object> auth(Instant now) {
            Map<String, Object> auth = new LinkedHashMap<>();
            auth.put("client_token", this.id);
            auth.put("accessor", this.accessor);
            auth.put("policies", this.policies);
            auth.put("token_policies", tokenPolicies());
            auth.put("metadata", this.meta);
            auth.put("lease_duration", remaining(now));
            auth.put("renewable", this.renewable);
            auth.put("entity_id", "");
            auth.put("token_type", "service");
            auth.put("orphan", true);
            auth.put("mfa_requirement", null);
            auth.put("num_uses", 0);
            return auth;
        }

        Map<String, Object> lookup(Instant now) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("accessor", this.accessor);
            data.put("creation_time", this.issued.getEpochSecond());
            data.put("creation_ttl", this.ttl);
            data.put("display_name", isRoot() ? "root" : this.path.startsWith("auth/approle") ? "approle" : "token");
            data.put("entity_id", "");
            data.put("expire_time", (this.expires != null) ? timestamp(this.expires) : null);
            data.put("explicit_max_ttl", 0);
            data.put("id", this.id);
            data.put("issue_time", timestamp(this.issued));
            data.put("meta", this.meta);
            data.put("num_uses", 0);
            data.put("orphan", true);
            data.put("path", this.path);
            data.put("policies", this.policies);
            data.put("renewable", this.renewable);
            data.put("ttl", remaining(now));
            data.put("type", "service");
            return data;
        }
    }

    /** An AppRole role. */
    private static final class Role {

        private final String name;

        private String roleId;

        private List<String> tokenPolicies = List.of();

        private long tokenTtl;

        private long tokenMaxTtl;

        private long secretIdTtl;

        private int secretIdNumUses;

        private boolean bindSecretId = true;

        private final Map<String, SecretIdEntry> secretIds = new LinkedHashMap<>();

        Role(String name, String roleId) {
            this.name = name;
            this.roleId = roleId;
        }

        void configure(Map<String, Object> body) {
            Object policies = body.containsKey("token_policies") ? body.get("token_policies") : body.get("policies");
            if (policies instanceof List<?> list) {
                this.tokenPolicies = list.stream().map(String::valueOf).toList();
            }
            else if (policies instanceof String csv) {
                this.tokenPolicies = List.of(csv.split("\\s*,\\s*"));
            }
            if (body.containsKey("token_ttl")) {
                this.tokenTtl = seconds(body.get("token_ttl"));
            }
            if (body.containsKey("token_max_ttl")) {
                this.tokenMaxTtl = seconds(body.get("token_max_ttl"));
            }
            if (body.containsKey("secret_id_ttl")) {
                this.secretIdTtl = seconds(body.get("secret_id_ttl"));
            }
            if (body.get("secret_id_num_uses") instanceof Number n) {
                this.secretIdNumUses = n.intValue();
            }
            if (body.get("bind_secret_id") instanceof Boolean b) {
                this.bindSecretId = b;
            }
        }

        Map<String, Object> describe() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("bind_secret_id", this.bindSecretId);
            data.put("secret_id_num_uses", this.secretIdNumUses);
            data.put("secret_id_ttl", this.secretIdTtl);
            data.put("token_max_ttl", this.tokenMaxTtl);
            data.put("token_policies", this.tokenPolicies);
            data.put("token_ttl", this.tokenTtl);
            data.put("token_type", "default");
            return data;
        }
    }

    /** A secret-id of a role. */
    private record SecretIdEntry(String accessor, @Nullable Instant expires, AtomicInteger usesLeft) {
    }
}

package com.intellidial.gateway.vault.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import com.intellidial.gateway.vault.emulator.VaultEmulator.Reply;

/** One KV v2 secrets engine mount, following {@code vault-plugin-secrets-kv}. */
final class KvV2Engine {

    private static final String INVALID_PATH = "Invalid path for a versioned K/V secrets engine. See the API docs for "
            + "the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.";

    private int maxVersions;

    private boolean casRequired;

    private final Map<String, Key> keys = new TreeMap<>();

    /** Whether a POST to {@code rest} (below the mount) targets an existing entry: create vs update. */
    boolean exists(String rest) {
        String[] split = split(rest);
        return switch (split[0]) {
            case "data", "metadata" -> this.keys.containsKey(split[1]);
            default -> true;
        };
    }

    Reply handle(String method, String rest, Map<String, Object> body, Map<String, String> query, Instant now) {
        if (rest.equals("config")) {
            return config(method, body);
        }
        String[] split = split(rest);
        String key = split[1];
        switch (split[0]) {
            case "data":
                return switch (method) {
                    case "GET" -> read(key, query, now);
                    case "POST" -> write(key, body, now);
                    case "DELETE" -> softDeleteLatest(key, now);
                    default -> Reply.error(405, "unsupported operation");
                };
            case "metadata":
                return switch (method) {
                    case "LIST" -> list(key);
                    case "GET" -> readMetadata(key);
                    case "POST" -> writeMetadata(key, body, now);
                    case "DELETE" -> {
                        this.keys.remove(key);
                        yield Reply.noContent();
                    }
                    default -> Reply.error(405, "unsupported operation");
                };
            case "delete", "undelete", "destroy":
                return "POST".equals(method) ? versions(split[0], key, body, now) : Reply.error(405, "unsupported operation");
            default:
                return new Reply(404, VaultEmulator.envelope(null, null, List.of(INVALID_PATH), ""));
        }
    }

    private static String[] split(String rest) {
        int slash = rest.indexOf('/');
        String operation = (slash < 0) ? rest : rest.substring(0, slash);
        String key = (slash < 0) ? "" : rest.substring(slash + 1);
        return new String[] { operation, key };
    }

    private Reply config(String method, Map<String, Object> body) {
        if ("GET".equals(method)) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("cas_required", this.casRequired);
            data.put("delete_version_after", "0s");
            data.put("max_versions", this.maxVersions);
            return Reply.ok(data);
        }
        if (body.get("max_versions") instanceof Number n) {
            this.maxVersions = n.intValue();
        }
        if (body.get("cas_required") instanceof Boolean b) {
            this.casRequired = b;
        }
        return Reply.noContent();
    }

    private Reply read(String path, Map<String, String> query, Instant now) {
        Key key = this.keys.get(path);
        if (key == null) {
            return Reply.notFound();
        }
        int number = query.containsKey("version") ? Integer.parseInt(query.get("version")) : 0;
        Version version = key.versions.get((number == 0) ? key.current : number);
        if (version == null) {
            return Reply.notFound();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (version.destroyed || version.isDeleted(now)) {
            data.put("data", null);
            data.put("metadata", version.metadata());
            return new Reply(404, VaultEmulator.envelope(data, null, null, ""));
        }
        data.put("data", version.data);
        data.put("metadata", version.metadata());
        return Reply.ok(data);
    }

    private Reply write(String path, Map<String, Object> body, Instant now) {
        if (!(body.get("data") instanceof Map<?, ?> data)) {
            return Reply.error(400, "no data provided");
        }
        Key key = this.keys.get(path);
        int current = (key != null) ? key.current : 0;
        Object cas = (body.get("options") instanceof Map<?, ?> options) ? options.get("cas") : null;
        if (cas != null) {
            int expected;
            try {
                expected = (cas instanceof Number n) ? n.intValue() : Integer.parseInt(cas.toString());
            }
            catch (NumberFormatException ex) {
                return Reply.error(400, "error parsing check-and-set parameter");
            }
            if (expected != current) {
                return Reply.error(400, "check-and-set parameter did not match the current version");
            }
        }
        else if (this.casRequired || (key != null && key.casRequired)) {
            return Reply.error(400, "check-and-set parameter required for this call");
        }
        if (key == null) {
            key = new Key(now);
            this.keys.put(path, key);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        data.forEach((k, v) -> values.put(String.valueOf(k), v));
        key.current++;
        Version version = new Version(key.current, values, now);
        key.versions.put(key.current, version);
        key.updated = now;
        key.trim(effectiveMaxVersions(key));
        return Reply.ok(version.metadata());
    }

    private int effectiveMaxVersions(Key key) {
        int max = this.maxVersions;
        if (key.maxVersions != 0 && (max == 0 || key.maxVersions < max)) {
            max = key.maxVersions;
        }
        return (max == 0) ? 10 : max;
    }

    private Reply softDeleteLatest(String path, Instant now) {
        Key key = this.keys.get(path);
        if (key != null) {
            Version version = key.versions.get(key.current);
            if (version != null && !version.destroyed && !version.isDeleted(now)) {
                version.deletionTime = now;
            }
        }
        return Reply.noContent();
    }

    private Reply versions(String operation, String path, Map<String, Object> body, Instant now) {
        List<Integer> numbers = new ArrayList<>();
        if (body.get("versions") instanceof List<?> list) {
            list.forEach(v -> numbers.add(Integer.parseInt(v.toString())));
        }
        if (numbers.isEmpty()) {
            return Reply.error(400, "destroy".equals(operation) ? "no version number provided" : "No version number provided");
        }
        Key key = this.keys.get(path);
        if (key == null) {
            return Reply.noContent();
        }
        for (int number : numbers) {
            Version version = key.versions.get(number);
            if (version == null || version.destroyed) {
                continue;
            }
            switch (operation) {
                case "delete" -> {
                    if (version.deletionTime == null) {
                        version.deletionTime = now;
                    }
                }
                case "undelete" -> version.deletionTime = null;
                default -> {
                    version.data = null;
                    version.destroyed = true;
                    version.deletionTime = null;
                }
            }
        }
        return Reply.noContent();
    }

    private Reply list(String folder) {
        String prefix = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        TreeSet<String> children = new TreeSet<>();
        for (String path : this.keys.keySet()) {
            if (path.startsWith(prefix)) {
                String rest = path.substring(prefix.length());
                int slash = rest.indexOf('/');
                children.add((slash < 0) ? rest : rest.substring(0, slash + 1));
            }
        }
        if (children.isEmpty()) {
            return Reply.notFound();
        }
        return Reply.ok(Map.of("keys", new ArrayList<>(children)));
    }

    private Reply readMetadata(String path) {
        Key key = this.keys.get(path);
        if (key == null) {
            return Reply.notFound();
        }
        Map<String, Object> versions = new LinkedHashMap<>();
        key.versions.forEach((n, v) -> {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("created_time", VaultEmulator.timestamp(v.created));
            meta.put("deletion_time", VaultEmulator.timestamp(v.deletionTime));
            meta.put("destroyed", v.destroyed);
            versions.put(String.valueOf(n), meta);
        });
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cas_required", key.casRequired);
        data.put("created_time", VaultEmulator.timestamp(key.created));
        data.put("current_version", key.current);
        data.put("custom_metadata", key.customMetadata);
        data.put("delete_version_after", "0s");
        data.put("max_versions", key.maxVersions);
        data.put("oldest_version", key.oldest());
        data.put("updated_time", VaultEmulator.timestamp(key.updated));
        data.put("versions", versions);
        return Reply.ok(data);
    }

    private Reply writeMetadata(String path, Map<String, Object> body, Instant now) {
        Key key = this.keys.computeIfAbsent(path, p -> new Key(now));
        if (body.get("max_versions") instanceof Number n) {
            key.maxVersions = n.intValue();
        }
        if (body.get("cas_required") instanceof Boolean b) {
            key.casRequired = b;
        }
        if (body.get("custom_metadata") instanceof Map<?, ?> custom) {
            Map<String, Object> copy = new LinkedHashMap<>();
            custom.forEach((k, v) -> copy.put(String.valueOf(k), v));
            key.customMetadata = copy;
        }
        key.updated = now;
        return Reply.noContent();
    }

    /** The versions of one key and its metadata. */
    private static final class Key {

        private final TreeMap<Integer, Version> versions = new TreeMap<>();

        private final Instant created;

        private Instant updated;

        private int current;

        private int maxVersions;

        private boolean casRequired;

        private @Nullable Map<String, Object> customMetadata;

        Key(Instant now) {
            this.created = now;
            this.updated = now;
        }

        int oldest() {
            return this.versions.isEmpty() ? 0 : this.versions.firstKey();
        }

        void trim(int max) {
            while (this.versions.size() > max) {
                this.versions.remove(this.versions.firstKey());
            }
        }
    }

    /** One version of a key. */
    private static final class Version {

        private final int number;

        private @Nullable Map<String, Object> data;

        private final Instant created;

        private @Nullable Instant deletionTime;

        private boolean destroyed;

        Version(int number, Map<String, Object> data, Instant created) {
            this.number = number;
            this.data = data;
            this.created = created;
        }

        boolean isDeleted(Instant now) {
            return this.deletionTime != null && !this.deletionTime.isAfter(now);
        }

        Map<String, Object> metadata() {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("created_time", VaultEmulator.timestamp(this.created));
            meta.put("custom_metadata", null);
            meta.put("deletion_time", VaultEmulator.timestamp(this.deletionTime));
            meta.put("destroyed", this.destroyed);
            meta.put("version", this.number);
            return meta;
        }
    }
}
